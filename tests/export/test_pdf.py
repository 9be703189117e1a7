"""The PDF session note: rendered by poppler, read back as text and looked at as pixels."""

import subprocess
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from kapdesk.core.report import SessionReport
from kapdesk.export.common import ExportError
from kapdesk.export.pdf import session_pdf
from kapdesk.export.pdf_course import course_pdf
from kapdesk.store.connection import Database
from kapdesk.store.reports import load_course_report
from tests.export.conftest import CLINIC, pdf_pages, pdf_text
from tests.export.sample_session import (
    AMENDMENT_TEXT,
    PATIENT_DOB,
    PATIENT_NAME,
    SCREENING_COMMENT,
)

DRAFT = "DRAFT - not signed"


def _words(text: str) -> str:
    return " ".join(text.split())


def test_signed_note_has_the_record_and_its_signature(signed: SessionReport,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "note.pdf"
    pages = session_pdf(signed, path, tz=UTC)
    count, size = pdf_pages(path)
    assert count == pages >= 2 and "(A4)" in size
    text = _words(pdf_text(path))
    for fact in (CLINIC, "K-204", PATIENT_NAME, PATIENT_DOB, "Dr Ana Silva", "Sam Okafor, RN",
                 "Intramuscular ketamine (KAP)", "2026-03-02", "ketamine 70 mg",
                 "LOT-7731A", "182/112", "124/78", "135/88", "Ondansetron 4 mg oral",
                 "Nausea: mild", "MOAA/S 3", "Dissociation: moderate", "Session timeline",
                 "Settled quickly with eyeshades", AMENDMENT_TEXT, SCREENING_COMMENT,
                 "Ready to leave: 2026-03-02 10:45 (T+80)", "Slow Tide (onset)"):
        assert fact in text, fact
    assert "Signed by Dr Ana Silva on 2026-03-02 11:30" in text
    assert "Meaning: Reviewed and signed as the session note" in text
    assert "Checked when printed: Signature valid: the record is as Dr Ana Silva signed it" \
        in text
    assert "Audit trail when printed: row " in text and " audit row " in text  # and footer
    assert DRAFT not in text and "DRAFT" not in text
    # the amendment sits beside the reading it changes: the old values struck, the new kept
    assert "Was: BP 138/84 HR 88 SpO2 97% RR 15" in text
    assert "Amended after sign-off" in text and "Monitor printout shows HR 86" in text
    assert f"Page 1 of {count}" in text and f"Page {count} of {count}" in text


def test_unsigned_note_is_stamped_draft_on_every_page(draft: SessionReport,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "draft.pdf"
    pages = session_pdf(draft, path, tz=UTC, page_size="letter")
    count, size = pdf_pages(path)
    assert count == pages >= 2 and "(letter)" in size
    for page in range(1, count + 1):
        assert DRAFT in pdf_text(path, page), f"page {page}"
    text = _words(pdf_text(path))
    assert "K-205" in text and "Total dose 84 mg" in text
    assert "Signed by" not in text


def test_pages_render_to_png_with_the_chart_in_colour(signed: SessionReport,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "note.pdf"
    session_pdf(signed, path, tz=UTC)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    image = QImage(str(next(tmp_path.glob("page*.png"))))
    assert image.width() > 400 and image.height() > 600
    reds = sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if (c := image.pixelColor(x, y)).red() > 150 and c.green() < 80 and c.blue() < 80)
    assert reds > 20  # the systolic line and the alert markers


def test_deidentified_note_has_no_identifiers(signed: SessionReport, tmp_path: Path) -> None:
    path = tmp_path / "deid.pdf"
    session_pdf(signed, path, tz=UTC, deidentified=True)
    text = _words(pdf_text(path))
    for secret in (PATIENT_NAME, PATIENT_DOB, SCREENING_COMMENT, "Settled quickly",
                   AMENDMENT_TEXT, "Zebulon", "Penicillin"):
        assert secret not in text, secret
    assert "K-204" in text and "182/112" in text and "de-identified" in text


def test_a_long_note_runs_over_pages(signed: SessionReport, tmp_path: Path) -> None:
    paragraph = "The patient described a long walk by the sea. " * 40
    note = "\n\n".join(f"{n}. {paragraph}" for n in range(1, 60)) + "\n\nLast line of the note."
    path = tmp_path / "long.pdf"
    pages = session_pdf(replace(signed, note=note), path, tz=UTC)
    assert pages >= 8
    assert "Last line of the note." in pdf_text(path)


def test_bad_page_size_or_folder(signed: SessionReport, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="page size 'A5'"):
        session_pdf(signed, tmp_path / "x.pdf", page_size="A5")
    with pytest.raises(ExportError, match="does not exist"):
        session_pdf(signed, tmp_path / "nowhere" / "x.pdf")
    assert not list(tmp_path.rglob("*.pdf"))


def test_course_summary_pdf(signed: SessionReport, db: Database, tmp_path: Path) -> None:
    path = tmp_path / "course.pdf"
    course_pdf(load_course_report(db, "K-204", CLINIC), path, tz=UTC)
    text = _words(pdf_text(path))
    assert "Course summary" in text and "K-204" in text and "70 mg" in text
    assert "Nausea (mild)" in text and PATIENT_NAME in text
    course_pdf(load_course_report(db, "K-204", CLINIC), path, tz=UTC, deidentified=True,
               overwrite=True)
    assert PATIENT_NAME not in pdf_text(path)


def test_a_changed_record_prints_that_its_signature_no_longer_holds(
        signed: SessionReport, tmp_path: Path) -> None:
    changed = replace(signed, signature_valid=False, signature_check=(
        "Signature NOT valid: the note changed since Dr Ana Silva signed on 2026-03-02 11:30 "
        "UTC."))
    path = tmp_path / "changed.pdf"
    session_pdf(changed, path, tz=UTC)
    text = _words(pdf_text(path))
    assert "Checked when printed: Signature NOT valid: the note changed since" in text
    assert "Signed by Dr Ana Silva" in text  # who, when and what it meant stay printed
