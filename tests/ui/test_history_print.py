"""Print… in the history window: the note, the REMS form and the course summary, drawn by
the PDF code on a QPrinter that writes PDF (the print dialog is answered, never shown)."""

import json
import shutil
import subprocess
from pathlib import Path

from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QInputDialog

from kapdesk.services.export_ops import ExportOps
from kapdesk.services.history_ops import HistoryOps
from kapdesk.store.audit import AuditTrail
from tests.ui.history_helpers import (  # noqa: F401  (fixtures)
    Answers,
    Clinic,
    choose_session,
    click_patient,
    clinic_fixture,
    no_modal_left,
    open_history,
)


def print_to(path: Path | None):
    """Answer Qt's print dialog: print into a PDF file (or cancel)."""
    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, QPrintDialog)
        answer.title = dialog.windowTitle()
        if path is None:
            dialog.setResult(QDialog.DialogCode.Rejected)
            return
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.Letter),
                                          QPageLayout.Orientation.Portrait,
                                          printer.pageLayout().margins()))
        dialog.setResult(QDialog.DialogCode.Accepted)
    return answer


def choose(words: str):
    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, QInputDialog)
        answer.items = dialog.comboBoxItems()
        dialog.setTextValue(words)
        dialog.setResult(QDialog.DialogCode.Accepted)
    return answer


def _text(path: Path) -> str:
    assert shutil.which("pdftotext"), "pdftotext is missing: apt-get install poppler-utils"
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def _printed(db) -> list[dict]:
    return [json.loads(r["new"]) | {"entity": r["entity"]} for r in AuditTrail(db, None).rows()
            if r["action"] == "print"]


def test_the_session_note_prints_with_the_pdf_drawing(qtbot, db, clock, tmp_path,
                                                      clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    choose_session(window, clinic.signed.session_id)
    out = tmp_path / "printed-note.pdf"
    where = print_to(out)
    answers = window.prompts.expect(where)  # not esketamine: no "what" question
    window.session_panel.print_button.click()
    assert answers.seen == ["print_dialog"]
    assert where.title == f"Print session {clinic.signed.session_id}: session note"
    text = _text(out)
    assert "Session note" in text and "K-204" in text and "Vital signs" in text
    assert "612 x 792 pts (letter)" in subprocess.run(["pdfinfo", str(out)], capture_output=True,
                                      text=True, check=True).stdout
    assert window.status.text().startswith(f"Session {clinic.signed.session_id}: session "
                                           "note printed (")
    assert _printed(db) == [{"what": "note", "target": f"PDF file {out}",
                             "deidentified": False, "pages": _printed(db)[0]["pages"],
                             "entity": "session"}]
    assert _printed(db)[0]["pages"] >= 2


def test_the_rems_form_of_an_esketamine_session(qtbot, db, clock, tmp_path, clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-205")
    choose_session(window, clinic.esketamine.session_id)
    out = tmp_path / "rems.pdf"
    what = choose("REMS monitoring form")
    answers = window.prompts.expect(what, print_to(out))
    window.session_panel.print_button.click()
    assert answers.seen == ["print_what_dialog", "print_dialog"]
    assert what.items == ["Session note", "REMS monitoring form"]
    text = _text(out)
    assert "SPRAVATO REMS: Patient Monitoring Form" in text and "DRAFT" in text
    assert [p["what"] for p in _printed(db)] == ["rems"]


def test_the_course_summary(qtbot, db, clock, tmp_path, clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    out = tmp_path / "course.pdf"
    window.prompts.expect(print_to(out))
    window.course_panel.print_button.click()
    text = _text(out)
    assert "Course summary" in text and "K-204" in text
    assert _printed(db)[0]["entity"] == "patient" and _printed(db)[0]["what"] == "course"
    assert window.status.text().startswith("Patient K-204: course summary printed (")


def test_cancelling_prints_nothing(qtbot, db, clock, tmp_path, clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    choose_session(window, clinic.signed.session_id)
    window.prompts.expect(print_to(None))
    window.session_panel.print_button.click()
    assert _printed(db) == [] and not list(tmp_path.glob("*.pdf"))


def test_staff_cannot_print(qtbot, db, clock, tmp_path, clinic: Clinic):
    from PySide6.QtWidgets import QPushButton

    from kapdesk.ui.history.controller import HistoryController

    window = open_history(qtbot, db, clock, clinic.users["staff"])
    assert window.findChild(QPushButton, "history_print") is None  # no records shown
    staff = clinic.users["staff"]
    controller = HistoryController(
        HistoryOps.over(db, clock, lambda: "Harbour Street Clinic"),
        ExportOps.over(db, clock, lambda: "Harbour Street Clinic"), lambda: staff)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "no.pdf"))
    with qtbot.waitSignal(controller.failed) as failed:
        assert controller.print_session(clinic.signed.session_id, "note", printer) is None
    assert "patient records" in failed.args[0] or "cannot" in failed.args[0]
    assert _printed(db) == [] and not (tmp_path / "no.pdf").exists()
