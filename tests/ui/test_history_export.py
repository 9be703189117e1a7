"""Exports from the history window: the choices, where to save, the file written and
audited, the error said in words, and the REMS forms due with their one-click export."""

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QPushButton

from kapdesk.core.report import CSV_COLUMNS
from kapdesk.store.audit import AuditTrail
from kapdesk.ui.history.dialogs import ExportDialog
from tests.export.sample_session import PATIENT_NAME
from tests.ui.history_helpers import (  # noqa: F401  (fixtures)
    Answers,
    Clinic,
    choose_session,
    click_patient,
    clinic_fixture,
    no_modal_left,
    open_history,
)


def choose(fmt: str, deidentify: bool = False, page: str = "a4"):
    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, ExportDialog)
        answer.rems_enabled = dialog.format_combo.model().item(4).isEnabled()
        answer.words = dialog.findChild(QLabel, "export_what").text()
        dialog.choose(fmt)
        dialog.deidentify_check.setChecked(deidentify)
        dialog.page_combo.setCurrentIndex(dialog.page_combo.findData(page))
        answer.page_enabled = dialog.page_combo.isEnabled()
        dialog.export_button.click()
    return answer


def save_as(path: Path | None):
    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, QFileDialog)
        assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
        answer.suggested = dialog.selectedFiles()[0]
        if path is None:
            dialog.reject()
            return
        dialog.selectFile(str(path))
        dialog.accept()
    return answer


def _exports(db) -> list[dict]:
    return [json.loads(r["new"]) | {"entity_id": r["entity_id"], "user_id": r["user_id"]}
            for r in AuditTrail(db, None).rows("session") if r["action"] == "export"]


def _pdf_text(path: Path) -> str:
    assert shutil.which("pdftotext"), "pdftotext is missing: apt-get install poppler-utils"
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_a_pdf_export_from_the_window_is_written_and_audited(qtbot, db, clock, tmp_path,
                                                             clinic: Clinic):
    user = clinic.users["clinician"]
    window = open_history(qtbot, db, clock, user, export_dir=tmp_path)
    click_patient(qtbot, window, "K-204")
    choose_session(window, clinic.second.session_id)
    out = tmp_path / "chart" / "note.pdf"
    out.parent.mkdir()
    format_answer, where = choose("pdf", deidentify=True, page="letter"), save_as(out)
    answers = window.prompts.expect(format_answer, where)
    window.session_panel.export_button.click()
    assert answers.seen == ["export_dialog", "export_save_dialog"]
    assert not format_answer.rems_enabled and format_answer.page_enabled
    assert "not signed: the PDF is stamped DRAFT" in format_answer.words
    assert Path(where.suggested).name == f"K-204-session-{clinic.second.session_id}-note.pdf"
    assert Path(where.suggested).parent == tmp_path
    assert out.read_bytes().startswith(b"%PDF")
    text = _pdf_text(out)
    assert "K-204" in text and "DRAFT" in text and PATIENT_NAME not in text
    assert (out.stat().st_mode & 0o777) == 0o600
    status = window.session_panel.status_label.text()
    assert status == (f"Session {clinic.second.session_id}: PDF session note "
                      f"(de-identified) written to {out}")
    assert window.status.text() == status
    started = [r["id"] for r in AuditTrail(db, None).rows("session")
               if r["action"] == "export_started"]
    assert _exports(db) == [{"what": "pdf", "target": str(out), "deidentified": True,
                             "started": started[0],
                             "entity_id": clinic.second.session_id, "user_id": user.id}]
    assert window.exporter.folder == out.parent  # next time, the same folder is offered


def _replace(answer: bool):
    def reply(dialog: QDialog) -> None:
        assert dialog.objectName() == "export_replace_dialog"
        reply.text = dialog.text()
        dialog.findChild(QPushButton, "export_replace" if answer else "export_keep").click()
    return reply


def test_the_window_asks_before_replacing_a_file(qtbot, db, clock, tmp_path,
                                                 clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"], export_dir=tmp_path)
    click_patient(qtbot, window, "K-204")
    choose_session(window, clinic.signed.session_id)
    out = tmp_path / "kept.csv"
    out.write_text("the clinic's own file")
    keep = _replace(False)
    answers = window.prompts.expect(choose("csv"), save_as(out), keep)
    window.session_panel.export_button.click()
    assert answers.seen == ["export_dialog", "export_save_dialog", "export_replace_dialog"]
    assert str(out) in keep.text and out.read_text() == "the clinic's own file"
    window.prompts.expect(choose("csv"), save_as(out), _replace(True))
    window.session_panel.export_button.click()
    assert out.read_text(encoding="utf-8").startswith("observation_id,")
    link = tmp_path / "link.csv"
    link.symlink_to(out)
    answers = window.prompts.expect(choose("csv"), save_as(link))
    window.session_panel.export_button.click()  # not asked: refused
    assert answers.seen == ["export_dialog", "export_save_dialog"]
    assert "is a symbolic link, not a regular file" in window.status.text()


@pytest.mark.parametrize("fmt", ["csv", "json", "fhir"])
def test_data_exports_hold_the_session(qtbot, db, clock, tmp_path, clinic: Clinic, fmt):
    window = open_history(qtbot, db, clock, clinic.users["clinician"], export_dir=tmp_path)
    click_patient(qtbot, window, "K-204")
    choose_session(window, clinic.signed.session_id)
    out = tmp_path / f"session.{fmt}"
    window.prompts.expect(choose(fmt), save_as(out))
    window.session_panel.export_button.click()
    if fmt == "csv":
        with out.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == CSV_COLUMNS
        assert {r[1] for r in rows[1:]} == {str(clinic.signed.session_id)}
    elif fmt == "json":
        assert json.loads(out.read_text())["format_version"] == 1
    else:
        bundle = json.loads(out.read_text())
        assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "transaction")
    assert [e["what"] for e in _exports(db)] == [fmt]


def test_an_export_that_cannot_be_written_is_said_in_words(qtbot, db, clock, tmp_path,
                                                          clinic: Clinic):
    folder = tmp_path / "exports"
    folder.mkdir()
    window = open_history(qtbot, db, clock, clinic.users["clinician"], export_dir=folder)
    click_patient(qtbot, window, "K-204")
    missing = folder / "no-such-folder" / "note.pdf"
    window.prompts.expect(choose("pdf"), save_as(missing))
    window.session_panel.export_button.click()
    status = window.session_panel.status_label
    assert status.text() == (f"Not exported: The folder {missing.parent} does not exist: "
                             "choose where the export should go.")
    assert status.property("role") == "alert"
    assert not missing.parent.exists() and _exports(db) == []
    window.prompts.expect(choose("csv"), save_as(None))  # cancelled: nothing happens
    window.session_panel.export_button.click()
    window.prompts.expect(lambda d: d.reject())
    window.session_panel.export_button.click()
    assert _exports(db) == [] and list(folder.iterdir()) == []


def test_rems_forms_due_are_listed_and_exported_in_one_click(qtbot, db, clock, tmp_path,
                                                             clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"], export_dir=tmp_path)
    assert window.left_tabs.tabText(1) == "REMS due (1)"
    rems = window.rems
    due = rems.model.rows()
    assert [(d.session_id, d.patient_code) for d in due] == [
        (clinic.esketamine.session_id, "K-205")]
    assert rems.model.data(rems.model.index(0, 2)) == "6 d left"
    where = save_as(None)
    window.prompts.expect(where)
    rems.export_button.click()  # cancelled at "where": nothing written, still due
    assert Path(where.suggested).name == (
        f"K-205-session-{clinic.esketamine.session_id}-rems.pdf")
    assert len(rems.model.rows()) == 1
    out = tmp_path / "rems.pdf"
    answers = window.prompts.expect(save_as(out))
    rems.export_button.click()
    assert answers.seen == ["export_save_dialog"]
    assert "REMS" in _pdf_text(out) and "K-205" in _pdf_text(out)
    assert _exports(db)[0]["what"] == "rems"
    assert rems.model.rows() == [] and not rems.export_button.isEnabled()
    assert window.left_tabs.tabText(1) == "REMS due"
    assert window.status.text().endswith(f"REMS monitoring form written to {out}")


def test_the_rems_form_is_offered_for_esketamine_sessions_only(qtbot, db, clock, tmp_path,
                                                               clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"], export_dir=tmp_path)
    click_patient(qtbot, window, "K-205")
    answer = choose("rems")
    out = tmp_path / "form.pdf"
    window.prompts.expect(answer, save_as(out))
    window.session_panel.export_button.click()
    assert answer.rems_enabled and out.exists()
    click_patient(qtbot, window, "K-204")
    window.prompts.expect(choose("rems"))
    window.session_panel.export_button.click()  # disabled in the list; refused if forced
    assert "the REMS form is for esketamine sessions only" in window.status.text()
