"""The signed view says who signed, when and what it meant, and whether the record still
matches what was signed: recomputed each time the session is opened."""

import logging

from kapdesk.services.exports import ExportRequest
from tests.ui.history_helpers import (  # noqa: F401  (fixtures)
    Clinic,
    choose_session,
    click_patient,
    clinic_fixture,
    no_modal_left,
    open_history,
)


def _drop_triggers(db) -> None:
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                              ).fetchall():
        db.execute(f"DROP TRIGGER {name}")


def test_a_signed_session_shows_signer_time_meaning_and_a_valid_signature(
        qtbot, db, clock, clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    choose_session(window, clinic.signed.session_id)
    verdict = window.session_panel.verdict
    assert verdict.isVisible() and verdict.accessibleName() == "Signature check"
    text = verdict.text()
    assert text.startswith("Signed by Dr Ana Silva on ")
    assert "Meaning: Reviewed and signed as the session note." in text
    assert "Signature valid: the record is as Dr Ana Silva signed it" in text
    assert "amendments since, each in the audit trail" in text  # the sample has two
    assert verdict.property("role") == "muted"
    choose_session(window, clinic.second.session_id)  # unsigned: nothing to verify
    assert not window.session_panel.verdict.isVisible()


def test_a_changed_signed_record_is_shown_as_not_valid_naming_what_changed(
        qtbot, db, clock, clinic: Clinic):
    sid = clinic.signed.session_id
    _drop_triggers(db)  # someone with the file, behind the app's back
    db.execute("UPDATE session_notes SET text = 'A different note.' WHERE session_id = ?",
               [sid])
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    choose_session(window, sid)
    verdict = window.session_panel.verdict
    assert verdict.isVisible()
    assert "Signature NOT valid: the note changed since Dr Ana Silva signed" in verdict.text()
    assert verdict.property("role") == "alert"


def test_a_refused_export_is_logged_by_ids_only(qtbot, db, clock, clinic: Clinic, tmp_path,
                                                caplog):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    out = tmp_path / "no-such-folder" / "K-204-session-1-note.pdf"
    with caplog.at_level(logging.DEBUG):
        done = window.controller.export(clinic.signed.session_id, ExportRequest("pdf", out))
    assert done is None
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"export of session {clinic.signed.session_id} refused" in logged
    assert "K-204" not in logged and str(tmp_path) not in logged
