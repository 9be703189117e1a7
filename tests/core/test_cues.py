"""The cue schedule (repeats, timers) and the state of each cue folded from its events."""

import pytest

from kapdesk.core.cues import (
    CueEvent,
    CueEventKind,
    CueInstance,
    CueState,
    CueStatus,
    expand_schedule,
    fold_cues,
    next_change_s,
)
from kapdesk.core.protocol import Protocol, parse_protocol

REPEATS = """\
id = "repeats"
name = "Repeats"
route = "test"
session_minutes = 60

[[phases]]
key = "infusion"
start = 0
end = 40

[[cues]]
id = "every-20"
at = 0
repeat_every = 20
kind = "vitals"
text = "Until the end of the session, inclusive"

[[cues]]
id = "within"
at = 5
repeat_every = 5
repeat_within = "infusion"
kind = "vitals"
text = "Within the infusion phase"

[[cues]]
id = "until"
at = 30
repeat_every = 15
repeat_until = 45
repeat_within = "infusion"
kind = "rating"
text = "repeat_until wins over repeat_within"
"""


def due_minutes(schedule: tuple[CueInstance, ...], spec_id: str) -> list[float]:
    return [c.due_s / 60 for c in schedule if c.key.startswith(f"{spec_id}#")]


def state_of(states: list[CueState], key: str) -> CueState:
    return next(s for s in states if s.cue.key == key)


def ev(key: str, kind: CueEventKind, at_s: float, **data: object) -> CueEvent:
    return CueEvent(key, kind, at_s, dict(data))


@pytest.fixture
def im_schedule(protocols: dict[str, Protocol]) -> tuple[CueInstance, ...]:
    return expand_schedule(protocols["im-kap"])


def test_repeat_until_is_inclusive(im_schedule: tuple[CueInstance, ...]) -> None:
    assert due_minutes(im_schedule, "vitals") == [15, 30, 45, 60]
    assert due_minutes(im_schedule, "ratings") == [30, 60]
    assert [c.key for c in im_schedule if c.key.startswith("vitals#")] == [
        "vitals#1", "vitals#2", "vitals#3", "vitals#4"]


def test_repeat_within_stops_before_the_phase_end(protocols: dict[str, Protocol]) -> None:
    schedule = expand_schedule(protocols["iv-infusion"])
    assert due_minutes(schedule, "bp-infusion") == [10, 20, 30]  # not 40: the phase ends
    assert due_minutes(schedule, "bp-after") == [55, 70, 85]


def test_repeat_variants_in_one_template() -> None:
    schedule = expand_schedule(parse_protocol(REPEATS, "repeats.toml"))
    assert due_minutes(schedule, "every-20") == [0, 20, 40, 60]  # to the session end
    assert due_minutes(schedule, "within") == [5, 10, 15, 20, 25, 30, 35]
    assert due_minutes(schedule, "until") == [30, 45]


def test_timers_become_cues(protocols: dict[str, Protocol]) -> None:
    protocol = protocols["sublingual-lozenge"]
    timer = protocol.timers[0]
    schedule = expand_schedule(protocol)
    cue = next(c for c in schedule if c.key == f"timer:{timer.id}#1")
    assert cue.kind == "medication"
    assert cue.text == timer.end_text == "Ask the patient to spit out the lozenge"
    assert cue.detail == "Lozenge hold: 10 min are up"
    assert cue.due_s == (timer.start_min + timer.minutes) * 60 == 600
    assert cue.escalate_after_s == 120


def test_schedule_is_ordered_and_keys_unique(protocols: dict[str, Protocol]) -> None:
    for protocol in protocols.values():
        schedule = expand_schedule(protocol)
        assert [c.due_s for c in schedule] == sorted(c.due_s for c in schedule)
        assert len({c.key for c in schedule}) == len(schedule)


def test_escalate_after_comes_from_the_spec(im_schedule: tuple[CueInstance, ...]) -> None:
    by_key = {c.key: c for c in im_schedule}
    assert by_key["lights-dim#1"].escalate_after_s == 180  # escalate_after = 3
    assert by_key["vitals#1"].escalate_after_s == 300  # the template default, 5


def test_before_due_everything_is_upcoming(im_schedule: tuple[CueInstance, ...]) -> None:
    states = fold_cues(im_schedule, [], 0.0)
    assert {s.status for s in states} == {CueStatus.UPCOMING}
    assert all(s.open and not s.escalated for s in states)


def test_due_exactly_at_its_time(im_schedule: tuple[CueInstance, ...]) -> None:
    assert state_of(fold_cues(im_schedule, [], 119.999), "lights-dim#1").status is \
        CueStatus.UPCOMING
    state = state_of(fold_cues(im_schedule, [], 120.0), "lights-dim#1")
    assert state.status is CueStatus.DUE and not state.escalated
    assert state.due_s == 120.0 and state.escalates_at_s == 300.0


def test_escalates_after_escalate_after(im_schedule: tuple[CueInstance, ...]) -> None:
    assert not state_of(fold_cues(im_schedule, [], 299.9), "lights-dim#1").escalated
    assert state_of(fold_cues(im_schedule, [], 300.0), "lights-dim#1").escalated


def test_snooze_moves_due_and_resets_escalation(im_schedule: tuple[CueInstance, ...]) -> None:
    events = [ev("lights-dim#1", CueEventKind.ESCALATED, 300.0),
              ev("lights-dim#1", CueEventKind.SNOOZED, 320.0, minutes=5)]
    snoozed = state_of(fold_cues(im_schedule, events, 400.0), "lights-dim#1")
    assert snoozed.status is CueStatus.SNOOZED
    assert snoozed.due_s == 620.0 and not snoozed.escalated and snoozed.open
    due_again = state_of(fold_cues(im_schedule, events, 620.0), "lights-dim#1")
    assert due_again.status is CueStatus.DUE and not due_again.escalated
    assert state_of(fold_cues(im_schedule, events, 800.0), "lights-dim#1").escalated


def test_snooze_defaults_to_two_minutes(im_schedule: tuple[CueInstance, ...]) -> None:
    events = [ev("vitals#1", CueEventKind.SNOOZED, 950.0)]
    assert state_of(fold_cues(im_schedule, events, 960.0), "vitals#1").due_s == 1070.0


def test_snooze_never_brings_a_cue_forward(im_schedule: tuple[CueInstance, ...]) -> None:
    events = [ev("music-peak#1", CueEventKind.SNOOZED, 0.0, minutes=2)]
    state = state_of(fold_cues(im_schedule, events, 200.0), "music-peak#1")
    assert state.due_s == 600.0 and state.status is CueStatus.SNOOZED


def test_acknowledged_and_skipped_are_closed(im_schedule: tuple[CueInstance, ...]) -> None:
    events = [ev("vitals#1", CueEventKind.ESCALATED, 1200.0),
              ev("vitals#1", CueEventKind.ACKNOWLEDGED, 1250.0),
              ev("ratings#1", CueEventKind.SKIPPED, 1810.0, reason="patient asleep")]
    states = fold_cues(im_schedule, events, 2000.0)
    acked = state_of(states, "vitals#1")
    assert acked.status is CueStatus.ACKNOWLEDGED and not acked.open
    assert acked.done_s == 1250.0 and acked.escalated  # it was late, and that is kept
    skipped = state_of(states, "ratings#1")
    assert skipped.status is CueStatus.SKIPPED and skipped.note == "patient asleep"
    assert state_of(states, "vitals#2").status is CueStatus.DUE  # other occurrences unaffected


def test_events_are_folded_in_time_order(im_schedule: tuple[CueInstance, ...]) -> None:
    events = [ev("lights-dim#1", CueEventKind.ACKNOWLEDGED, 200.0),
              ev("lights-dim#1", CueEventKind.SNOOZED, 130.0, minutes=2)]
    state = state_of(fold_cues(im_schedule, events, 210.0), "lights-dim#1")
    assert state.status is CueStatus.ACKNOWLEDGED and state.due_s == 250.0


def test_acknowledged_early_is_closed(im_schedule: tuple[CueInstance, ...]) -> None:
    events = [ev("music-peak#1", CueEventKind.ACKNOWLEDGED, 500.0)]
    state = state_of(fold_cues(im_schedule, events, 520.0), "music-peak#1")
    assert state.status is CueStatus.ACKNOWLEDGED and state.done_s == 500.0


def test_next_change_is_the_next_due_time(im_schedule: tuple[CueInstance, ...]) -> None:
    assert next_change_s(fold_cues(im_schedule, [], 0.0), 0.0) == 120.0


def test_next_change_includes_escalation(im_schedule: tuple[CueInstance, ...]) -> None:
    states = fold_cues(im_schedule, [], 130.0)
    assert next_change_s(states, 130.0) == 300.0  # lights-dim escalates before music at 600


def test_next_change_skips_closed_and_escalated(im_schedule: tuple[CueInstance, ...]) -> None:
    acked = [ev("lights-dim#1", CueEventKind.ACKNOWLEDGED, 130.0)]
    assert next_change_s(fold_cues(im_schedule, acked, 140.0), 140.0) == 600.0
    late = fold_cues(im_schedule, [], 400.0)  # lights-dim due and escalated already
    assert next_change_s(late, 400.0) == 600.0


def test_next_change_follows_a_snooze(im_schedule: tuple[CueInstance, ...]) -> None:
    events = [ev("lights-dim#1", CueEventKind.SNOOZED, 125.0, minutes=2)]
    assert next_change_s(fold_cues(im_schedule, events, 126.0), 126.0) == 245.0


def test_next_change_none_when_all_done(im_schedule: tuple[CueInstance, ...]) -> None:
    events = [ev(c.key, CueEventKind.ACKNOWLEDGED, c.due_s) for c in im_schedule]
    end = im_schedule[-1].due_s + 1
    assert next_change_s(fold_cues(im_schedule, events, end), end) is None
