"""Time: the fake clock, suspend and clock-jump detection, and elapsed time without drift."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from kapdesk.core.clock import ClockDiscontinuity, ClockWatch, FakeClock
from kapdesk.core.cues import CueStatus, expand_schedule, fold_cues
from kapdesk.core.protocol import parse_protocol
from kapdesk.core.room import snapshot
from kapdesk.core.session import ClockAdjustment, Session, State, Timeline

THREE_HOURS = """\
id = "three-hours"
name = "Three hours"
route = "sublingual"
session_minutes = 180

[[phases]]
key = "hold"
start = 0
end = 12.5
music = "onset"

[[phases]]
key = "rest"
start = 12.5
end = 180
music = "peak"

[[cues]]
id = "vitals"
at = 7
repeat_every = 10
repeat_until = 177
kind = "vitals"
text = "Take vitals"
escalate_after = 4

[[cues]]
id = "ratings"
at = 0.25
repeat_every = 33.3
kind = "rating"
text = "Rate sedation"

[[timers]]
id = "hold"
name = "Lozenge hold"
start = 0
minutes = 12.5
end_text = "Spit out the lozenge"
"""


def test_fake_clock_moves_only_when_told(clock: FakeClock) -> None:
    start, mono, boot = clock.now(), clock.monotonic(), clock.boottime()
    assert start.tzinfo is UTC
    assert (clock.now(), clock.monotonic(), clock.boottime()) == (start, mono, boot)
    clock.advance(1.5)
    assert clock.now() - start == timedelta(seconds=1.5)
    assert (clock.monotonic() - mono, clock.boottime() - boot) == (1.5, 1.5)
    clock.suspend(60)
    assert (clock.monotonic() - mono, clock.boottime() - boot) == (1.5, 61.5)
    clock.jump_wall(-3600)
    assert clock.now() - start == timedelta(seconds=61.5 - 3600)
    assert clock.boottime() - boot == 61.5


def test_fake_clock_needs_an_aware_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeClock(datetime(2026, 3, 2, 9, 0))


def test_normal_advancing_detects_nothing(clock: FakeClock) -> None:
    watch = ClockWatch(clock)
    for step in (0.25, 1.0, 7.3, 60.0, 1800.0):
        clock.advance(step)
        assert watch.look() == []


def test_suspend_is_detected_with_its_length(clock: FakeClock) -> None:
    watch = ClockWatch(clock)
    clock.advance(10)
    clock.suspend(1800)
    clock.advance(3)
    found = watch.look()
    assert found == [ClockDiscontinuity("suspend", clock.now(), 1800.0)]
    assert found[0].describe() == (
        "The laptop was asleep for 30.0 min; the session clock kept counting.")
    clock.advance(5)
    assert watch.look() == []  # reported once


@pytest.mark.parametrize(("seconds", "word"), [(3600, "forward"), (-600, "back")])
def test_wall_clock_jump_is_detected(clock: FakeClock, seconds: float, word: str) -> None:
    watch = ClockWatch(clock)
    clock.advance(30)
    clock.jump_wall(seconds)
    found = watch.look()
    assert found == [ClockDiscontinuity("clock_jump", clock.now(), float(seconds))]
    minutes = abs(seconds) / 60
    assert found[0].describe() == (f"The system clock was set {word} by {minutes:.1f} min; "
                                   "session times have been kept continuous.")


def test_small_wobbles_are_within_tolerance(clock: FakeClock) -> None:
    watch = ClockWatch(clock, tolerance_s=2.0)
    clock.advance(30)
    clock.jump_wall(1.5)  # NTP slew, scheduling noise
    assert watch.look() == []


def test_suspend_and_jump_together_are_both_reported(clock: FakeClock) -> None:
    watch = ClockWatch(clock)
    clock.suspend(600)
    clock.jump_wall(-120)
    kinds = {d.kind: d.seconds for d in watch.look()}
    assert kinds == {"suspend": 600.0, "clock_jump": -120.0}


def test_timeline_before_the_dose_is_zero(clock: FakeClock) -> None:
    assert Timeline(None).elapsed_at(clock.now()) == 0.0


@pytest.mark.parametrize("jump_s", [3600.0, -600.0])
def test_clock_adjustment_keeps_elapsed_continuous(clock: FakeClock, jump_s: float) -> None:
    t0 = clock.now()
    watch = ClockWatch(clock)
    clock.advance(1800)
    assert watch.look() == []
    clock.jump_wall(jump_s)
    (jump,) = watch.look()
    timeline = Timeline(t0, (ClockAdjustment(jump.detected_at, jump.seconds),))
    assert Timeline(t0).elapsed_at(clock.now()) == 1800 + jump_s  # what a naive count says
    assert timeline.elapsed_at(clock.now()) == 1800.0
    clock.advance(60.5)
    assert timeline.elapsed_at(clock.now()) == 1860.5
    # an instant stored before the jump (outside the replayed window of a backward jump)
    assert timeline.elapsed_at(t0 + timedelta(minutes=10)) == 600.0


def test_jump_before_the_dose_is_not_taken_out(clock: FakeClock) -> None:
    before_dose = clock.now()
    clock.advance(300)
    t0 = clock.now()
    timeline = Timeline(t0, (ClockAdjustment(before_dose, 3600.0),))
    clock.advance(90)
    assert timeline.elapsed_at(clock.now()) == 90.0


def test_three_hour_session_has_no_drift(clock: FakeClock) -> None:
    """Uneven ticks for 3 h: elapsed is exact to the microsecond; cues fall due on time."""
    protocol = parse_protocol(THREE_HOURS, "three-hours.toml")
    schedule = expand_schedule(protocol)
    assert len(schedule) > 20
    session = Session(1, "P-001", protocol, State.DOSED, clock.now() - timedelta(minutes=30),
                      t0=clock.now())
    due_us = {c.key: round(c.due_s * 1_000_000) for c in schedule}
    escalate_us = {c.key: due_us[c.key] + round(c.escalate_after_s * 1_000_000)
                   for c in schedule}
    # land on every due and escalation instant, and one microsecond before each
    checkpoints = sorted({t + d for t in (*due_us.values(), *escalate_us.values())
                          for d in (-1, 0)})
    rng = random.Random(20260302)
    true_us, seen_due_at = 0, {}
    end_us = 3 * 3600 * 1_000_000
    while true_us < end_us:
        target = min(true_us + rng.randint(1, 2_500_000), end_us)
        target = min([target, *(c for c in checkpoints if c > true_us)])
        clock.advance((target - true_us) / 1_000_000)
        true_us = target
        elapsed = session.elapsed(clock.now())
        assert elapsed == true_us / 1_000_000
        for state in fold_cues(schedule, [], elapsed):
            key = state.cue.key
            assert (state.status is CueStatus.DUE) == (true_us >= due_us[key]), key
            assert state.escalated == (true_us >= escalate_us[key]), key
            if state.status is CueStatus.DUE:
                seen_due_at.setdefault(key, true_us)
    assert seen_due_at == due_us  # each cue first seen due exactly at its offset
    assert clock.now() - session.t0 == timedelta(hours=3)
    room = snapshot(session, [], clock.now())
    assert room.elapsed_s == 10800.0
    assert len(room.due) == len(schedule)
