"""Corrections, amendments after sign-off, signing from the empty room, integration."""

from datetime import timedelta

from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.ui.amend_note_dialog import AmendNoteDialog
from kapdesk.ui.dialogs import CorrectEntryDialog, IntegrationDialog
from tests.ui.conftest import answer_dialog, step


def _closed_session_with_vitals(window, clock, protocols):
    room = window.room
    room.plan("K-800", protocols["im-kap"])
    room.advance(State.PREPARING)
    window.act_dose.trigger()
    step(window, clock, 15 * 60, every=60)
    saved = window.records.record(Kind.VITALS, {"systolic": 132, "diastolic": 84})
    window.act_recovery.trigger()
    step(window, clock, 80 * 60, every=60)
    window.act_discharge.trigger()
    return saved.observation


def _bp_row(window):
    entries = window.view.entries_list
    return next(entries.item(i) for i in range(entries.count())
                if "BP" in entries.item(i).text())


def _correct_with(window, values=None, reason="Typed the wrong reading", minutes=0):
    def answer(dialog):
        assert isinstance(dialog, CorrectEntryDialog)
        for key, value in (values or {}).items():
            dialog.value_edits[key].setText(str(value))
        if minutes:
            dialog.time_edit.setDateTime(dialog.time_edit.dateTime().addSecs(60 * minutes))
        dialog.reason_edit.setText(reason)
        answer.title = dialog.windowTitle()
        dialog.accept()
    window.prompts.answer = answer
    return answer


def test_correcting_an_entry_keeps_the_original(make_window, clock, protocols):
    window = make_window()
    original = _closed_session_with_vitals(window, clock, protocols)
    answer = _correct_with(window, {"systolic": 123}, minutes=-2)
    window.view.entries_list.itemDoubleClicked.emit(_bp_row(window))
    assert answer.title == "Correct an entry"
    store = window.records.records
    chain = store.chain(original.id)
    assert [o.values["systolic"] for o in chain] == [132, 123]
    assert chain[1].observed_at == original.observed_at - timedelta(minutes=2)
    assert chain[1].reason == "Typed the wrong reading" and not chain[1].amendment
    assert "BP 123/84" in _bp_row(window).text()
    assert "(corrected)" in _bp_row(window).text()


def test_after_signing_changes_are_amendments_beside_the_original(make_window, clock,
                                                                  protocols):
    window = make_window()
    original = _closed_session_with_vitals(window, clock, protocols)
    window.prompts.answer = answer_dialog
    window.act_sign.trigger()
    assert window.view.note.isReadOnly()
    assert window.view.note_amend_button.isVisible()
    answer = _correct_with(window, {"diastolic": 80}, reason="Cuff reading re-checked")
    window.view.entries_list.itemDoubleClicked.emit(_bp_row(window))
    assert answer.title == "Amend an entry"
    chain = window.records.records.chain(original.id)
    assert chain[0].values["diastolic"] == 84 and chain[1].values["diastolic"] == 80
    assert chain[1].amendment and chain[1].reason == "Cuff reading re-checked"
    refused = []

    def amend(dialog):
        assert isinstance(dialog, AmendNoteDialog)
        dialog.text_edit.setPlainText("Patient phoned: slept well.")
        dialog.save_button.click()  # no reason yet: refused in words, the dialog stays open
        refused.append(dialog.error_label.text())
        dialog.reason_edit.setText("Late information")
        dialog.save_button.click()
    window.prompts.answer = amend
    window.view.note_amend_button.click()
    assert refused == ["An amendment to a signed session needs a reason."]
    (note,) = window.records.records.current(original.session_id, Kind.NOTE)
    assert note.amendment and note.values["text"] == "Patient phoned: slept well."
    assert note.reason == "Late information"


def test_an_amendment_without_a_reason_is_refused_in_the_dialog(make_window, clock, protocols):
    window = make_window()
    original = _closed_session_with_vitals(window, clock, protocols)
    window.prompts.answer = answer_dialog
    window.act_sign.trigger()
    seen = []

    def answer(dialog):
        if dialog.error_label.isVisibleTo(dialog):
            seen.append(dialog.error_label.text())
            dialog.reject()
            return
        dialog.value_edits["systolic"].setText("140")
        dialog.accept()
    window.prompts.answer = answer
    assert window.flows.correct(original.id) is False
    assert seen == ["An amendment to a signed session needs a reason."]
    assert len(window.records.records.chain(original.id)) == 1


def test_sign_from_the_empty_room_list(make_window, clock, protocols):
    window = make_window()
    original = _closed_session_with_vitals(window, clock, protocols)
    window.act_close.trigger()
    empty = window.view.empty
    assert empty.unsigned_list.count() == 1
    window.prompts.answer = answer_dialog
    empty.sign_button.click()
    assert window.records.records.signature(original.session_id) is not None
    assert empty.unsigned_list.count() == 0


def test_integration_session_is_recorded_and_counts_for_spacing(make_window, clock, protocols):
    window = make_window()
    _closed_session_with_vitals(window, clock, protocols)
    window.act_close.trigger()
    clock.advance(2 * 24 * 3600)

    def answer(dialog):
        assert isinstance(dialog, IntegrationDialog)
        dialog.code_edit.setText("K-800")
        dialog.note_edit.setPlainText("Reflected on the session; felt lighter.")
        dialog.plan_edit.setText("Second dose next week")
        dialog.accept()
    window.prompts.answer = answer
    window.view.empty.integration_button.click()
    assert window.status.text() == "Integration session for K-800 saved"
    assert window.room.spacing("K-800", protocols["im-kap"]) == []


def _esketamine_discharged(window, clock, protocols, screen=None):
    room = window.room
    room.plan("K-820", protocols["esketamine-nasal"])
    room.advance(State.PREPARING)
    if screen is not None:
        window.prompts.answer = screen
        window.entry.open("screening")
    window.act_dose.trigger()
    window.act_recovery.trigger()
    step(window, clock, 125 * 60, every=60)
    window.prompts.answer = answer_dialog
    window.act_discharge.trigger()
    assert room.session.state is State.DISCHARGED
    return room.session


def test_esketamine_checklists_ask_the_rems_questions(make_window, clock, protocols):
    from kapdesk.core.rems import SCREENING_ITEMS

    window = make_window()
    seen = []

    def screen(dialog):
        seen.extend(dialog.list.item(i).text() for i in range(dialog.list.count()))
        answer_dialog(dialog)
    _esketamine_discharged(window, clock, protocols, screen)
    assert set(SCREENING_ITEMS) <= set(seen)
    (screening,) = window.records.records.current(window.room.session.id, Kind.SCREENING)
    assert set(SCREENING_ITEMS) <= set(screening.values["items"])


def test_signing_an_esketamine_session_names_the_missing_rems_items(make_window, clock,
                                                                    protocols):
    from PySide6.QtWidgets import QPushButton

    window = make_window()
    session = _esketamine_discharged(window, clock, protocols)
    asked = []

    def go_back(dialog):
        asked.append(dialog.text())
        dialog.findChild(QPushButton, "rems_go_back").click()
    window.prompts.answer = go_back
    window.act_sign.trigger()
    assert asked and "First treatment" in asked[0] and "Benzodiazepines" in asked[0]
    assert "Provider telephone" in asked[0] and "ZIP" in asked[0]
    assert window.records.records.signature(session.id) is None

    def sign_anyway(dialog):
        if dialog.objectName() == "rems_gaps_dialog":
            dialog.findChild(QPushButton, "rems_sign_anyway").click()
        else:
            answer_dialog(dialog)
    window.prompts.answer = sign_anyway
    window.act_sign.trigger()
    assert window.records.records.signature(session.id) is not None
