"""Issue 10 item 13: what the clocks say, at start, about the time KAPdesk was closed."""

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock, Heartbeat, SystemClock
from kapdesk.core.closure import (
    adjusted,
    believable_s,
    describe,
    judge,
    judge_session,
    missed,
    span,
)
from kapdesk.core.cues import CueEvent, CueEventKind
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import Session, State

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _session(protocols: dict[str, Protocol], clock: FakeClock) -> Session:
    return Session(1, "K-014", protocols["im-kap"], State.DOSED, START - timedelta(hours=1),
                   t0=clock.now())


def test_same_boot_the_boot_clock_says_how_much_time_passed() -> None:
    clock = FakeClock(START)
    last = Heartbeat.read(clock)
    clock.advance(30)
    clock.jump_wall(7200)
    closure = judge(last, Heartbeat.read(clock))
    assert closure is not None and not closure.restart and closure.believed
    assert (closure.wall_s, closure.counted_s, closure.change_s) == (7230, 30, 7200)
    assert closure.changed and closure.how == "same_boot"
    clock.jump_wall(-7200 - 3 * 3600)  # now three hours behind where it should be
    back = judge(last, Heartbeat.read(clock))
    assert back is not None and back.change_s == -3 * 3600 and back.counted_s == 30


def test_same_boot_a_suspend_or_a_small_step_is_no_change() -> None:
    clock = FakeClock(START)
    last = Heartbeat.read(clock)
    clock.suspend(3600)
    clock.jump_wall(3)  # NTP's step, within tolerance
    closure = judge(last, Heartbeat.read(clock))
    assert closure is not None and not closure.changed and closure.counted_s == 3600


def test_restart_a_plausible_gap_is_believed() -> None:
    clock = FakeClock(START)
    last = Heartbeat.read(clock)
    clock.reboot(1800)
    closure = judge(last, Heartbeat.read(clock), limit_s=4 * 3600, elapsed_at_beat_s=600)
    assert closure is not None and closure.restart and closure.believed
    assert (closure.counted_s, closure.change_s, closure.how) == (1800, 0, "restart")
    assert not closure.changed


def test_restart_a_wall_clock_before_the_heartbeat_is_flagged() -> None:
    clock = FakeClock(START)
    last = Heartbeat.read(clock)
    clock.reboot(60)
    clock.jump_wall(-3600)
    closure = judge(last, Heartbeat.read(clock), limit_s=4 * 3600, elapsed_at_beat_s=600)
    assert closure is not None and not closure.believed and closure.changed
    # the machine has run 10 s since it started: at least that passed since the heartbeat
    assert (closure.wall_s, closure.counted_s, closure.change_s) == (-3540, 10, -3550)


def test_restart_the_wall_clock_behind_the_time_since_boot_gives_it_away() -> None:
    clock = FakeClock(START)
    last = Heartbeat.read(clock)
    clock.reboot(5)
    clock.advance(600)  # up for 10 min 10 s, but the wall clock says only 5 min 5 s passed
    clock.jump_wall(-300)
    closure = judge(last, Heartbeat.read(clock))
    assert closure is not None and not closure.believed
    assert (closure.wall_s, closure.counted_s, closure.change_s) == (305, 610, -305)


def test_restart_a_gap_far_past_the_session_length_is_not_believed(protocols) -> None:
    clock = FakeClock(START)
    session = _session(protocols, clock)
    assert believable_s(session) == 4 * 3600  # twice the 2 h session
    clock.advance(600)
    last = Heartbeat.read(clock)
    clock.reboot(3 * 3600)  # T+3:10: long, but believed
    ok = judge_session(last, Heartbeat.read(clock), session)
    assert ok is not None and ok.believed
    clock.reboot(30 * 3600)
    far = judge_session(last, Heartbeat.read(clock), session)
    assert far is not None and not far.believed and far.counted_s == 10
    text = describe(far, session)
    assert "says 33 h 0 min passed" in text and "not believed" in text
    assert "(T+0:10)" in text and "Check the time against a watch" in text


def test_unknown_boot_ids_only_a_clock_set_back_is_seen() -> None:
    clock = FakeClock(START)
    last = replace(Heartbeat.read(clock), boot_id="")
    clock.advance(100)
    now = replace(Heartbeat.read(clock), boot_id="")
    closure = judge(last, now)
    assert closure is not None and closure.how == "boot_unknown"
    assert closure.believed and closure.counted_s == 100
    clock.jump_wall(-3600)
    back = judge(last, replace(Heartbeat.read(clock), boot_id=""))
    assert back is not None and not back.believed and back.counted_s == 0  # no floor known


def test_same_boot_id_with_a_boot_clock_gone_backwards_is_taken_as_a_restart() -> None:
    clock = FakeClock(START)
    last = replace(Heartbeat.read(clock), boottime=10_000_000.0)
    closure = judge(last, Heartbeat.read(clock))
    assert closure is not None and closure.restart


def test_no_heartbeat_no_judgement(protocols) -> None:
    clock = FakeClock(START)
    assert judge(None, Heartbeat.read(clock)) is None
    assert judge_session(None, Heartbeat.read(clock), _session(protocols, clock)) is None


def test_stored_heartbeats_that_are_not_one_are_refused() -> None:
    clock = FakeClock(START)
    beat = Heartbeat.read(clock)
    assert Heartbeat.from_dict(beat.to_dict()) == beat
    bad = [{"wall": "yesterday", "boottime": 1}, "x", None, [],
           {"wall": "2026-03-02T09:00:00", "boottime": 1},  # no time zone
           {"wall": beat.wall.isoformat(), "boottime": math.nan},
           {"wall": beat.wall.isoformat(), "boottime": "inf"},
           {"wall": beat.wall.isoformat()}]
    assert [Heartbeat.from_dict(b) for b in bad] == [None] * len(bad)
    odd = Heartbeat.from_dict({"wall": "2026-03-02T14:00:00+05:00", "boottime": 1000,
                               "boot_id": "x" * 10_000})
    assert odd is not None and odd.wall == beat.wall and len(odd.boot_id) == 64
    ancient = Heartbeat.from_dict({"wall": "0001-01-01T00:00:00+00:00", "boottime": 1})
    assert ancient is not None
    closure = judge(ancient, beat)  # no session to check it against: only said
    assert closure is not None and closure.restart and closure.believed


def test_cues_that_went_by_while_closed_are_missed_not_due(protocols) -> None:
    clock = FakeClock(START)
    session = _session(protocols, clock)
    clock.advance(600)
    last = Heartbeat.read(clock)
    clock.advance(7200)  # really closed for 2 h (same boot)
    closure = judge_session(last, Heartbeat.read(clock), session)
    assert closure is not None and not closure.changed
    events = [CueEvent("lights-dim#1", CueEventKind.ACKNOWLEDGED, 130.0)]
    gone = missed(adjusted(session, closure), events, clock.now(), closure.counted_s)
    keys = [c.cue.key for c in gone]
    assert keys and "lights-dim#1" not in keys
    assert all(c.due_s > 600 and c.escalates_at_s < 7800 for c in gone)
    assert "vitals#1" in keys  # due at T+15, while closed
    text = describe(closure, session, len(gone))
    assert text == (f"KAPdesk was closed for 2 h 0 min, from T+0:10. {len(gone)} cues fell "
                    "due while KAPdesk was closed and are listed as missed.")


def test_a_change_is_taken_out_before_cues_are_judged(protocols) -> None:
    clock = FakeClock(START)
    session = _session(protocols, clock)
    clock.advance(600)
    last = Heartbeat.read(clock)
    clock.advance(30)
    clock.jump_wall(7200)
    closure = judge_session(last, Heartbeat.read(clock), session)
    assert closure is not None
    now_session = adjusted(session, closure)
    assert now_session.elapsed(clock.now()) == 630
    assert missed(now_session, [], clock.now(), closure.counted_s) == []
    assert describe(closure, session) == (
        "The computer's clock changed by +2 h 0 min while KAPdesk was closed; session time "
        "is kept from the last heartbeat (T+0:10) + the 30 s that really passed (by the "
        "computer's boot clock).")


@pytest.mark.parametrize(("seconds", "signed", "words"), [
    (0, False, "0 s"), (59.4, False, "59 s"), (60, False, "1 min"), (7200, True, "+2 h 0 min"),
    (-3 * 3600 - 300, True, "\u22123 h 5 min"), (-40, False, "40 s")])
def test_span_in_words(seconds: float, signed: bool, words: str) -> None:
    assert span(seconds, signed) == words


def test_the_real_clocks_name_this_boot_and_count_through_it() -> None:
    system = SystemClock()
    proc = Path("/proc/sys/kernel/random/boot_id")
    expected = proc.read_text(encoding="ascii").strip() if proc.exists() else ""
    assert system.boot_id() == expected
    first = Heartbeat.read(system)
    again = Heartbeat.read(system)
    assert again.boottime >= first.boottime and system.boottime() >= system.monotonic() - 1
    closure = judge(first, again)
    assert closure is not None and not closure.changed
    assert closure.restart is (expected == "")  # without a boot id, no boot-clock delta


def test_a_heartbeat_that_cannot_be_of_this_session_is_ignored(protocols) -> None:
    clock = FakeClock(START)
    session = _session(protocols, clock)
    clock.advance(600)
    now = Heartbeat.read(clock)
    far = replace(now, wall=datetime(9999, 12, 31, tzinfo=UTC))
    stale = replace(now, wall=START - timedelta(days=30))
    assert judge_session(far, now, session) is None
    assert judge_session(stale, now, session) is None
    assert judge_session(replace(now, wall=START - timedelta(seconds=20)), now,
                         session) is not None  # killed just after the dose: still its own


def test_without_boot_ids_the_words_do_not_claim_a_restart(protocols) -> None:
    clock = FakeClock(START)
    session = _session(protocols, clock)
    clock.advance(600)
    last = replace(Heartbeat.read(clock), boot_id="")
    clock.advance(1200)
    closure = judge_session(last, replace(Heartbeat.read(clock), boot_id=""), session)
    assert closure is not None and closure.believed and closure.counted_s == 1200
    assert describe(closure, session) == (
        "KAPdesk was closed for 20 min (this computer does not say whether it was "
        "restarted), by the computer's clock; that cannot be checked, and it is counted in "
        "session time. Check the time against a watch; correct the dose time if it is wrong.")
    clock.jump_wall(-7200)
    back = judge_session(last, replace(Heartbeat.read(clock), boot_id=""), session)
    assert back is not None and not back.believed
    assert describe(back, session).startswith(
        "The computer's clock was set back by at least 1 h 40 min while KAPdesk was closed "
        "(this computer does not say whether it was restarted): it reads earlier than the "
        "last heartbeat allows; session time is kept from the last heartbeat (T+0:10) + the "
        "0 s that surely passed; the rest cannot be known.")
