"""Issue 10 item 13: session time stays true when the clock is set back past the dose, and
when it is set while the app is closed (found at the next start by the stored heartbeat)."""

from datetime import timedelta

from kapdesk.core.clock import FakeClock, Heartbeat, closed_change
from kapdesk.core.observations import Kind
from kapdesk.core.session import ClockAdjustment, State, Timeline
from kapdesk.store.database import open_database
from kapdesk.store.reports import load_session_report
from kapdesk.store.sessions import SessionStore
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


def _events(data_dir, clock, session_id, kind):
    store = SessionStore(open_database(data_dir / "kapdesk.sqlite3"), clock)
    return [e for e in store.events(session_id) if e.kind == kind]


def test_clock_set_forward_while_closed_is_found_at_start_and_kept_out(make_window, clock,
                                                                       protocols, data_dir):
    window = make_window()
    session = _dosed(window, protocols, clock)
    step(window, clock, 600)
    window.close()  # the app is closed at T+10 ...
    clock.advance(30)
    clock.jump_wall(2 * 3600)  # ... and the clock set forward 2 h before it starts again
    again = make_window()
    snap = again.room.current
    assert snap.elapsed_s == 630
    assert len(snap.due) <= 3  # not the 13 cues of a T+2:10
    assert "While KAPdesk was closed, the system clock was set forward by 120.0 min" in \
        again.view.notice.text()
    jumps = _events(data_dir, clock, session.id, "clock_jump")
    assert [e.data["seconds"] for e in jumps] == [7200]
    again.act_recovery.trigger()
    refusal = again.room.refusal(State.DISCHARGED)
    assert refusal is not None and "To discharge earlier, give a reason." in refusal
    again.close()
    clock.advance(5)
    third = make_window()  # found once: a third start adds nothing
    assert third.room.current.elapsed_s == 635
    assert len(_events(data_dir, clock, session.id, "clock_jump")) == 1


def test_clock_set_back_while_closed_never_shows_negative_time(make_window, clock, protocols,
                                                               data_dir):
    window = make_window()
    _dosed(window, protocols, clock)
    step(window, clock, 300)
    window.close()
    clock.jump_wall(-3 * 3600)
    again = make_window()
    assert again.room.current.elapsed_s == 300
    assert again.room.current.phase is not None
    assert "set back by 180.0 min" in again.view.notice.text()


def test_heartbeat_rules_for_the_same_boot_and_a_restart() -> None:
    clock = FakeClock()
    before = Heartbeat.read(clock)
    clock.suspend(3600)  # asleep while closed: not a change of the clock
    assert closed_change(before, Heartbeat.read(clock)) is None
    clock.jump_wall(3)  # NTP's small step is within tolerance
    assert closed_change(before, Heartbeat.read(clock)) is None
    clock.jump_wall(600)
    change = closed_change(before, Heartbeat.read(clock))
    assert change is not None and change.seconds == 603 and change.while_closed
    last = Heartbeat.read(clock)
    clock.reboot(120)
    assert closed_change(last, Heartbeat.read(clock)) is None  # a restart: cannot tell
    last = Heartbeat.read(clock)
    clock.reboot(60)
    clock.jump_wall(-3600)  # but a clock now behind the heartbeat gives itself away
    change = closed_change(last, Heartbeat.read(clock))
    assert change is not None and change.seconds == -3540
    assert Heartbeat.from_dict(last.to_dict()) == last
    assert Heartbeat.from_dict({"wall": "yesterday"}) is None
    assert Heartbeat.from_dict("x") is None


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
