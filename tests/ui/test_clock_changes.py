"""Issue 10 item 13: session time stays true when the clock is set back past the dose
(while the app is closed: tests/ui/test_clock_closed.py)."""

from datetime import timedelta

from kapdesk.core.clock import FakeClock
from kapdesk.core.observations import Kind
from kapdesk.core.session import ClockAdjustment, State, Timeline
from kapdesk.store.database import open_database
from kapdesk.store.reports import load_session_report
from tests.ui.conftest import step


def _dosed(window, protocols, clock):
    room = window.room
    assert room.plan("K-014", protocols["im-kap"])
    assert room.advance(State.PREPARING)
    window.records.record(Kind.VITALS, {"systolic": 150, "diastolic": 95})  # baseline
    clock.advance(60)
    window.act_dose.trigger()
    return room.session


def test_clock_set_back_past_the_dose_keeps_time_phase_and_cues(make_window, clock,
                                                                protocols, data_dir):
    window = make_window()
    session = _dosed(window, protocols, clock)
    step(window, clock, 600)
    clock.jump_wall(-3600)  # an hour back at T+10: more than the elapsed time
    step(window, clock, 1)
    snap = window.room.current
    assert snap.elapsed_s == 601
    assert snap.phase is not None and snap.phase.key == "peak"
    assert window.view.clock_label.text() == "0:10:01"
    assert "set back by 60.0 min" in window.view.notice.text()
    step(window, clock, 299)  # T+15: the vitals cue falls due on time
    assert [c.cue.key for c in window.room.current.due][-1] == "vitals#1"
    saved = window.records.record(Kind.VITALS, {"systolic": 150, "diastolic": 95})
    assert saved is not None and saved.alerts == ()  # no "before dosing: consider deferring"
    db = open_database(data_dir / "kapdesk.sqlite3")
    report = load_session_report(db, session.id, "Clinic")
    vitals = sorted(report.vitals, key=lambda o: o.id)
    minutes = [round(report.minute_of_entry(o), 1) for o in vitals]
    assert minutes == [-1.0, 15.0]  # pre-dose stays pre-dose; post stays post
    cue_minutes = [round(c.elapsed_s / 60, 2) for c in report.cue_events
                   if c.cue_key == "vitals#1"]
    assert cue_minutes == [15.0, 15.0]  # due, then answered by the reading
    db.conn.close()


def test_timeline_never_negative_after_a_set_back_larger_than_the_elapsed_time() -> None:
    clock = FakeClock()
    t0 = clock.now()
    clock.advance(600)
    clock.jump_wall(-3600)
    line = Timeline(t0, (ClockAdjustment(clock.now(), -3600, seq=5, observations_before=2),))
    assert line.elapsed_now(clock.now()) == 600
    assert line.elapsed_at(t0 + timedelta(seconds=300), event=4) == 300  # before the jump
    assert line.elapsed_at(clock.now(), event=6) == 600  # after it
    assert line.elapsed_at(t0 - timedelta(seconds=60), observation=2) == -60  # baseline
    assert line.elapsed_at(clock.now(), observation=3) == 600
