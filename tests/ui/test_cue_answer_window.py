"""Issue 10 item 11: an entry answers a cue only near its due time (clinic setting
`cue_answer_window`, by default 2 min before to 15 min after)."""

from kapdesk.core.observations import Kind
from kapdesk.core.room import AnswerWindow
from kapdesk.core.session import State
from kapdesk.wiring import create_account
from tests.ui.conftest import PASSWORD, step


def _dosed(window, protocols):
    assert window.room.plan("K-014", protocols["im-kap"])
    assert window.room.advance(State.PREPARING)
    window.act_dose.trigger()


def _vitals_done(window):
    return [c.cue.key for c in window.room.current.past if c.cue.kind == "vitals"]


def test_a_reading_at_t_plus_10_32_leaves_the_t_plus_15_cue_to_come(make_window, clock,
                                                                   protocols):
    window = make_window()
    _dosed(window, protocols)
    step(window, clock, 10 * 60 + 32)
    window.records.record(Kind.VITALS, {"systolic": 120, "diastolic": 80})
    assert _vitals_done(window) == []
    assert window.status.text() == (
        'Saved; it does not count for the cue "Take vitals" at T+0:15: an entry answers a '
        "cue from 2 min before it is due until 15 min after.")
    step(window, clock, 4 * 60 + 28)  # T+15: the prompt comes
    assert "vitals#1" in [c.cue.key for c in window.room.current.due]
    step(window, clock, 60)
    window.records.record(Kind.VITALS, {"systolic": 122, "diastolic": 80})
    assert _vitals_done(window) == ["vitals#1"]


def test_a_reading_just_before_the_cue_answers_it(make_window, clock, protocols):
    window = make_window()
    _dosed(window, protocols)
    step(window, clock, 13 * 60 + 30)
    window.records.record(Kind.VITALS, {"systolic": 120, "diastolic": 80})
    assert _vitals_done(window) == ["vitals#1"]


def test_the_window_is_a_clinic_setting(make_window, contexts, clock, protocols):
    window = make_window()
    admin = create_account(contexts[-1], "Admin Invented", "admin", "admin", PASSWORD)
    window.settings.change(admin, "cue_answer_window", {"before_min": 5, "after_min": 5})
    _dosed(window, protocols)
    step(window, clock, 10 * 60 + 32)
    window.records.record(Kind.VITALS, {"systolic": 120, "diastolic": 80})
    assert _vitals_done(window) == ["vitals#1"]  # within this clinic's 5 min before


def test_a_bad_setting_falls_back_to_the_default() -> None:
    for bad in (None, "x", {"before_min": -1, "after_min": 5}, {"before_min": float("nan"),
                "after_min": 5}, {"before_min": True, "after_min": 5}, {"before_min": 500}):
        assert AnswerWindow.from_setting(bad) == AnswerWindow()
    assert AnswerWindow().describe() == ("an entry answers a cue from 2 min before it is due "
                                         "until 15 min after")
