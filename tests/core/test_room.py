"""What the room screen shows at one instant."""

from datetime import timedelta

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.cues import CueEvent, CueEventKind, CueStatus
from kapdesk.core.protocol import Protocol
from kapdesk.core.room import format_countdown, format_elapsed, snapshot
from kapdesk.core.session import Session, State


def dosed(protocol: Protocol, clock: FakeClock, state: State = State.DOSED) -> Session:
    return Session(3, "P-003", protocol, state, clock.now() - timedelta(minutes=40), clock.now())


def test_before_the_dose_nothing_is_due(protocols: dict[str, Protocol],
                                        clock: FakeClock) -> None:
    session = Session(3, "P-003", protocols["im-kap"], State.PREPARING, clock.now())
    clock.advance(3 * 3600)
    room = snapshot(session, [], clock.now())
    assert room.elapsed_s == 0.0 and room.phase is None and room.timers == ()
    assert room.due == [] and {c.status for c in room.cues} == {CueStatus.UPCOMING}
    assert room.minutes_to_minimum == 90.0


def test_phase_and_timer_during_the_hold(protocols: dict[str, Protocol],
                                         clock: FakeClock) -> None:
    session = dosed(protocols["sublingual-lozenge"], clock)
    clock.advance(4 * 60 + 30)
    room = snapshot(session, [], clock.now())
    assert room.phase is not None and room.phase.key == "absorption"
    assert room.phase_elapsed_s == 270.0
    (timer,) = room.timers
    assert (timer.name, timer.remaining_s, timer.total_s) == ("Lozenge hold", 330.0, 600.0)
    clock.advance(330)
    room = snapshot(session, [], clock.now())
    assert room.timers == ()  # the hold is over...
    assert [c.cue.key for c in room.due] == ["timer:hold#1"]  # ...and its end is a cue


def test_due_upcoming_past_and_next(protocols: dict[str, Protocol], clock: FakeClock) -> None:
    session = dosed(protocols["im-kap"], clock)
    events = [CueEvent("lights-dim#1", CueEventKind.ACKNOWLEDGED, 130.0),
              CueEvent("music-peak#1", CueEventKind.SKIPPED, 610.0, {"reason": "asleep"})]
    clock.advance(16 * 60)
    room = snapshot(session, events, clock.now())
    assert room.elapsed_s == 960.0
    assert room.phase is not None and room.phase.key == "peak"
    assert room.phase_elapsed_s == 360.0
    assert [c.cue.key for c in room.due] == ["vitals#1"]
    assert [c.cue.key for c in room.past] == ["music-peak#1", "lights-dim#1"]  # latest first
    assert room.past[0].note == "asleep"
    assert room.next_cue is not None and room.next_cue.cue.key == "ratings#1"
    assert [c.due_s for c in room.upcoming] == sorted(c.due_s for c in room.upcoming)
    assert room.minutes_to_minimum == 74.0


def test_due_list_is_longest_waiting_first(protocols: dict[str, Protocol],
                                           clock: FakeClock) -> None:
    session = dosed(protocols["im-kap"], clock)
    clock.advance(31 * 60)
    room = snapshot(session, [], clock.now())
    assert [c.cue.key for c in room.due] == [
        "lights-dim#1", "music-peak#1", "vitals#1", "ratings#1", "vitals#2"]
    assert all(c.escalated for c in room.due[:3])


def test_after_the_session_no_phase_and_nothing_upcoming(protocols: dict[str, Protocol],
                                                          clock: FakeClock) -> None:
    session = dosed(protocols["im-kap"], clock, State.RECOVERY)
    clock.advance(125 * 60)
    room = snapshot(session, [], clock.now())
    assert room.phase is None and room.phase_elapsed_s == 0.0
    assert room.upcoming == [] and room.next_cue is None
    assert room.minutes_to_minimum == 0.0


def test_phase_time_left_counts_down_only_while_the_clock_runs(
        protocols: dict[str, Protocol], clock: FakeClock) -> None:
    protocol = protocols["im-kap"]
    planned = Session(3, "P-003", protocol, State.PREPARING, clock.now())
    assert snapshot(planned, [], clock.now()).phase_left_s is None  # not dosed yet
    session = dosed(protocol, clock)
    clock.advance(16 * 60)
    room = snapshot(session, [], clock.now())
    assert room.phase is not None and room.phase.key == "peak"
    assert room.phase_left_s == (45 - 16) * 60.0  # peak ends at 45 min
    discharged = Session(3, "P-003", protocol, State.DISCHARGED, session.planned_at,
                         session.t0, discharged_s=16 * 60.0)
    clock.advance(60)
    room = snapshot(discharged, [], clock.now())
    assert room.phase is not None and room.phase_left_s is None  # the clock has stopped
    clock.advance(120 * 60)
    assert snapshot(session, [], clock.now()).phase_left_s is None  # past every phase


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0:00:00"), (59.99, "0:00:59"), (3725.9, "1:02:05"), (10800, "3:00:00"),
    (-30, "0:00:00"),
])
def test_format_elapsed(seconds: float, text: str) -> None:
    assert format_elapsed(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0:00"), (0.2, "0:01"), (59.2, "1:00"), (330, "5:30"), (3599, "59:59"),
    (3600, "1 h 00 min"), (5400, "1 h 30 min"), (-5, "0:00"),
])
def test_format_countdown(seconds: float, text: str) -> None:
    assert format_countdown(seconds) == text


def test_cue_times_read_as_the_clock_reads_them_and_are_never_rounded():
    from kapdesk.core.room import format_cue_time

    assert format_cue_time(15 * 60) == "T+0:15"
    assert format_cue_time(45) == "T+0:00:45"  # not "T+0", nor "T+1"
    assert format_cue_time(29.9) == "T+0:00:29"  # the clock shows 0:00:29 then
    assert format_cue_time(90 * 60 + 30) == "T+1:30:30"
    assert format_cue_time(-5) == "T+0:00"
