"""Issue 10 item 6: "Dose given" with the preparation incomplete asks why, and stores it."""

from PySide6.QtCore import Qt

from kapdesk.core.checklists import SCREENING_ITEMS
from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.store.database import open_database
from kapdesk.store.sessions import SessionStore


def _preparing(window, protocols):
    assert window.room.plan("K-014", protocols["im-kap"])
    assert window.room.advance(State.PREPARING)


def _dose_event(data_dir, clock, session_id):
    store = SessionStore(open_database(data_dir / "kapdesk.sqlite3"), clock)
    return next(e for e in store.events(session_id) if e.data.get("to") == "dosed")


def test_dose_with_nothing_prepared_asks_and_stores_the_reason(make_window, clock, protocols,
                                                               data_dir):
    window = make_window()
    _preparing(window, protocols)
    asked: list[tuple[str, str]] = []
    window.ask_text = lambda title, label: asked.append((title, label)) or "Patient ready, " \
        "screening done on paper"
    window.act_dose.trigger()
    assert window.room.session.state is State.DOSED
    assert [title for title, _ in asked] == ["Preparation incomplete"]
    label = asked[0][1]
    assert "• No screening checklist recorded" in label
    assert "• No baseline vitals recorded" in label
    assert "• Preparation not ticked: Screening confirmed for today; Baseline" in label
    event = _dose_event(data_dir, clock, window.room.session.id)
    assert event.data["reason"] == "Patient ready, screening done on paper"
    assert event.data["preparation_gaps"][:2] == ["no screening checklist recorded",
                                                 "no baseline vitals recorded"]
    assert set(event.data["preparation"].values()) == {False}


def test_no_reason_no_dose(make_window, protocols):
    window = make_window()
    _preparing(window, protocols)
    window.ask_text = lambda _title, _label: None  # the clinician cancels the question
    window.act_dose.trigger()
    assert window.room.session.state is State.PREPARING
    assert "The dose was not recorded: the preparation is incomplete" in window.status.text()


def test_complete_preparation_doses_without_a_question(make_window, clock, protocols,
                                                       data_dir):
    window = make_window()
    _preparing(window, protocols)
    window.records.record(Kind.SCREENING, {"items": dict.fromkeys(SCREENING_ITEMS, True)})
    window.records.record(Kind.VITALS, {"systolic": 120, "diastolic": 80})
    prep = window.view.prep_list
    for i in range(prep.count()):
        prep.item(i).setCheckState(Qt.CheckState.Checked)
    window.ask_text = lambda title, label: (_ for _ in ()).throw(AssertionError(title))
    window.act_dose.trigger()
    assert window.room.session.state is State.DOSED
    event = _dose_event(data_dir, clock, window.room.session.id)
    assert "preparation_gaps" not in event.data and "reason" not in event.data
    assert set(event.data["preparation"].values()) == {True}


def test_ticks_survive_the_room_being_shown_again(make_window, protocols):
    window = make_window()
    _preparing(window, protocols)
    window.view.prep_list.item(1).setCheckState(Qt.CheckState.Checked)
    window.access.user_changed.emit(window.room.user)  # e.g. unlocked by another clinician
    ticks = window.view.preparation_ticks()
    assert [ticked for ticked in ticks.values()] == [False, True, False, False, False]


def test_a_screening_with_items_unconfirmed_is_a_gap(make_window, protocols):
    window = make_window()
    _preparing(window, protocols)
    items = dict.fromkeys(SCREENING_ITEMS, True)
    items[SCREENING_ITEMS[0]] = False
    window.records.record(Kind.SCREENING, {"items": items})
    gaps = window.room.preparation_gaps({})
    assert gaps[0] == f"screening: 1 of {len(SCREENING_ITEMS)} items not confirmed"
