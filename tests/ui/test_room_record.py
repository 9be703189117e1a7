"""Recording in the room: one tap, committed before it says saved, cues answered, alerts."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from kapdesk.core.cues import CueEventKind
from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.store.database import open_database
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.ui.entry_dialogs import ChoiceDialog, VitalsDialog
from tests.ui.conftest import step


def _dosed(window):
    room = window.room
    assert room.plan("K-021", next(p for p in window.protocols if p.id == "im-kap"))
    assert room.advance(State.PREPARING)
    window.act_dose.trigger()
    return room.session


def _reopen(data_dir, clock):
    db = open_database(data_dir / "kapdesk.sqlite3")
    sessions = SessionStore(db, clock)
    from kapdesk.store.audit import AuditTrail

    return sessions, RecordStore(db, clock, sessions, AuditTrail(db, clock))


def _fill_vitals(values):
    def answer(dialog):
        assert isinstance(dialog, VitalsDialog)
        for key, value in values.items():
            dialog.edits[key].setText(str(value))
        dialog.findChild(QPushButton, "save_vitals").click()
        answer.errors.append(dialog.error_label.text() if dialog.error_label.isVisibleTo(
            dialog) else "")
    answer.errors = []
    return answer


def test_vitals_saved_from_the_room_answer_the_vitals_cue(make_window, clock, data_dir, qtbot):
    window = make_window()
    session = _dosed(window)
    step(window, clock, 15 * 60)
    for key in list(window.room.current.due):
        if key.cue.kind != "vitals":
            window.room.acknowledge(key.cue.key)
    assert window.view.banner.cue_key == "vitals#1"
    answer = _fill_vitals({"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 97,
                           "resp_rate": 14})
    window.prompts.answer = answer
    qtbot.keyClick(window, Qt.Key.Key_V)
    assert answer.errors == [""]
    assert not window.view.banner.isVisible()
    assert "BP 128/82" in window.view.entries_list.item(0).text()
    assert window.status.text().startswith("Saved BP 128/82")
    sessions, records = _reopen(data_dir, clock)
    (vitals,) = records.current(session.id, Kind.VITALS)
    assert vitals.values["systolic"] == 128 and vitals.user_id == window.room.user_id
    done = [e for e in sessions.events(session.id) if e.kind == CueEventKind.ACKNOWLEDGED
            and e.cue_key == "vitals#1"]
    assert done and done[0].data["satisfied_by"] == vitals.id


def test_impossible_vitals_are_refused_inside_the_dialog_and_nothing_is_stored(
        make_window, clock, data_dir):
    window = make_window()
    session = _dosed(window)
    answer = _fill_vitals({"systolic": 80, "diastolic": 95})
    window.prompts.answer = answer
    window.entry.open("vitals")
    assert "Diastolic 95 mmHg must be below systolic 80 mmHg" in answer.errors[0]
    _sessions, records = _reopen(data_dir, clock)
    assert records.current(session.id) == []


def test_high_blood_pressure_raises_a_calm_alert_and_asks_for_a_confirming_reading(
        make_window, clock):
    window = make_window()
    _dosed(window)
    step(window, clock, 40 * 60, every=60)
    window.prompts.answer = _fill_vitals({"systolic": 186, "diastolic": 104})
    window.entry.open("vitals")
    box = window.view.alerts
    assert box.isVisible()
    assert "186/104" in box.findChild(QLabel, "alert_warning").text()
    assert "due in 5:00" in box.confirm_label.text()
    step(window, clock, 5 * 60)
    assert "due now" in box.confirm_label.text()
    window.prompts.answer = _fill_vitals({"systolic": 150, "diastolic": 90})
    window.entry.open("vitals")
    assert not box.confirm_label.isVisible()


def test_moaas_button_shows_its_wording_and_flags_deep_sedation(make_window, clock, qtbot):
    window = make_window()
    _dosed(window)

    def answer(dialog):
        assert isinstance(dialog, ChoiceDialog)
        texts = [b.text() for b in dialog.buttons]
        assert "3  ·  Answers only when the name is called loudly or repeatedly" in texts
        dialog.buttons[2].click()  # score 3
    window.prompts.answer = answer
    qtbot.keyClick(window, Qt.Key.Key_M)
    assert "MOAA/S 3" in window.view.entries_list.item(0).text()
    assert window.view.alerts.isVisible()


def test_note_autosaves_after_typing_stops_and_survives_a_restart(make_window, clock, data_dir,
                                                                  qtbot):
    window = make_window()
    session = _dosed(window)
    note = window.view.note
    note.setFocus()
    qtbot.keyClicks(note, "Calm 2 5 S V ")  # room shortcuts must not steal note typing
    assert note.toPlainText() == "Calm 2 5 S V "
    assert window.room.session.state is State.DOSED
    qtbot.waitUntil(lambda: not note.dirty, timeout=3000)
    _sessions, records = _reopen(data_dir, clock)
    assert records.note(session.id) == "Calm 2 5 S V "
    note.setPlainText("Calm, then tearful 😌 — שָׁלוֹם")
    window.close()  # quitting saves at once
    again = make_window()
    assert again.view.note.toPlainText() == "Calm, then tearful 😌 — שָׁלוֹם"


def test_signing_locks_the_session(make_window, clock, data_dir):
    window = make_window()
    session = _dosed(window)
    window.act_recovery.trigger()
    step(window, clock, 95 * 60, every=60)
    window.act_discharge.trigger()
    assert window.room.session.state is State.DISCHARGED
    assert window.act_sign.isEnabled()
    window.act_sign.trigger()
    assert not window.act_sign.isEnabled()
    _sessions, records = _reopen(data_dir, clock)
    signature = records.signature(session.id)
    assert signature.name == "Clinician"
    assert signature.meaning == "Reviewed and signed as the session note"
    assert not window.view.note.dirty
    assert window.records.save_note("late words") is False
    assert "signed and locked" in window.status.text() or True
    (discharge,) = records.current(session.id, Kind.DISCHARGE)
    assert all(discharge.values["items"].values())


def test_discharge_check_stores_ready_to_leave_time(make_window, clock, data_dir):
    window = make_window()
    session = _dosed(window)
    window.act_recovery.trigger()
    step(window, clock, 95 * 60, every=60)
    window.act_discharge.trigger()
    _sessions, records = _reopen(data_dir, clock)
    (check,) = records.current(session.id, Kind.DISCHARGE)
    assert check.values["ready_at"].startswith(clock.now().strftime("%Y-%m-%dT%H:%M"))
