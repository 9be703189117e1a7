"""Printing draws what the PDF draws: the same pages, the same words, on a QPrinter."""

import subprocess
from datetime import UTC
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter

from kapdesk.core.report import SessionReport
from kapdesk.export.pdf import session_pdf
from kapdesk.export.pdf_course import course_pdf
from kapdesk.export.pdf_layout import RESOLUTION
from kapdesk.export.printing import print_course, print_rems_form, print_session_note
from kapdesk.export.rems import rems_pdf
from kapdesk.store.connection import Database
from kapdesk.store.reports import load_course_report
from tests.export.conftest import CLINIC, pdf_pages, pdf_text


def _printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(RESOLUTION)  # the PDF's, so both measure text alike
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Portrait,
                                      QMarginsF(15, 14, 15, 14), QPageLayout.Unit.Millimeter))
    return printer


def _words(path: Path) -> list[str]:
    return pdf_text(path).split()


def test_the_printed_note_is_the_pdf_note(signed: SessionReport, tmp_path: Path) -> None:
    pdf, printed = tmp_path / "note.pdf", tmp_path / "printed.pdf"
    pages = session_pdf(signed, pdf, tz=UTC, printed_at=signed.planned_at)
    assert print_session_note(signed, _printer(printed), tz=UTC,
                              printed_at=signed.planned_at) == pages
    assert pdf_pages(printed) == pdf_pages(pdf)
    assert _words(printed) == _words(pdf)


def test_the_printed_rems_form_and_course(draft: SessionReport, signed: SessionReport,
                                          db: Database, tmp_path: Path) -> None:
    pdf, printed = tmp_path / "rems.pdf", tmp_path / "rems-printed.pdf"
    assert print_rems_form(draft, _printer(printed), tz=UTC) == rems_pdf(draft, pdf, tz=UTC)
    assert _words(printed) == _words(pdf)
    course = load_course_report(db, "K-204", CLINIC)
    pdf, printed = tmp_path / "course.pdf", tmp_path / "course-printed.pdf"
    assert print_course(course, _printer(printed), tz=UTC) == course_pdf(course, pdf, tz=UTC)
    assert _words(printed) == _words(pdf)
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True,
                          check=True).stdout
    assert "Course summary K-204" in info and "KAPdesk" in info
