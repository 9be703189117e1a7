"""The cue schedule of a session and the state of each cue, folded from its events.

Everything here is in session seconds: seconds since the dose (T0), as computed by the
session's timeline from stored UTC instants. Nothing is counted from timer ticks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kapdesk.core.limits import MAX_CUE_OCCURRENCES
from kapdesk.core.protocol import Protocol
from kapdesk.core.protocol_rules import cue_minutes

SNOOZE_CHOICES_MIN = (2, 5)


class CueEventKind(StrEnum):
    DUE = "cue_due"
    ACKNOWLEDGED = "cue_acknowledged"
    SNOOZED = "cue_snoozed"
    SKIPPED = "cue_skipped"
    ESCALATED = "cue_escalated"
    MISSED = "cue_missed"  # fell due and escalated while KAPdesk was closed


class CueStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    SNOOZED = "snoozed"
    ACKNOWLEDGED = "acknowledged"
    SKIPPED = "skipped"
    MISSED = "missed"


@dataclass(frozen=True)
class CueInstance:
    """One occurrence of a cue in this session's schedule."""

    key: str  # unique in the session: "<spec id>#<occurrence>"
    kind: str
    text: str
    detail: str
    due_s: float
    escalate_after_s: float


@dataclass(frozen=True)
class CueEvent:
    cue_key: str
    kind: CueEventKind
    elapsed_s: float  # session seconds when it happened
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CueState:
    cue: CueInstance
    status: CueStatus
    due_s: float  # when it is (or was last) due, snoozes included
    escalated: bool
    done_s: float | None = None  # when acknowledged or skipped (missed: when it was due)
    note: str = ""  # the skip reason, or why it was missed

    @property
    def escalates_at_s(self) -> float:
        return self.due_s + self.cue.escalate_after_s

    @property
    def open(self) -> bool:
        return self.status in (CueStatus.UPCOMING, CueStatus.DUE, CueStatus.SNOOZED)


def expand_schedule(protocol: Protocol) -> tuple[CueInstance, ...]:
    """Every cue occurrence of the protocol, repeats and timer ends included, by due time."""
    out: list[CueInstance] = []
    for spec in protocol.cues:
        if len(out) >= MAX_CUE_OCCURRENCES:
            break  # a checked template never gets here; a stored one is cut short
        for n, minute in enumerate(cue_minutes(spec, protocol), start=1):
            out.append(CueInstance(f"{spec.id}#{n}", spec.kind, spec.text, spec.detail,
                                   minute * 60.0, spec.escalate_after_min * 60.0))
    del out[MAX_CUE_OCCURRENCES:]
    for timer in protocol.timers:
        out.append(CueInstance(f"timer:{timer.id}#1", "medication", timer.end_text,
                               f"{timer.name}: {timer.minutes:g} min are up",
                               (timer.start_min + timer.minutes) * 60.0, 120.0))
    return tuple(sorted(out, key=lambda c: (c.due_s, c.key)))


_DONE = {CueEventKind.ACKNOWLEDGED: CueStatus.ACKNOWLEDGED,
         CueEventKind.SKIPPED: CueStatus.SKIPPED, CueEventKind.MISSED: CueStatus.MISSED}


def fold_cues(schedule: Sequence[CueInstance], events: Iterable[CueEvent],
              now_s: float) -> list[CueState]:
    """The state of every cue at session second `now_s`, from its stored events."""
    by_key: dict[str, list[CueEvent]] = {}
    for event in events:
        by_key.setdefault(event.cue_key, []).append(event)
    states: list[CueState] = []
    for cue in schedule:
        due_s = cue.due_s
        escalated = False
        snoozed = False
        done: CueEvent | None = None
        for event in sorted(by_key.get(cue.key, ()), key=lambda e: e.elapsed_s):
            if event.kind is CueEventKind.SNOOZED:
                due_s = max(due_s, event.elapsed_s + float(event.data.get("minutes", 2)) * 60)
                escalated = False
                snoozed = True
            elif event.kind is CueEventKind.ESCALATED:
                escalated = True
            elif event.kind in _DONE:
                done = event
        if done is not None:
            status = _DONE[done.kind]
            done_s = due_s if status is CueStatus.MISSED else done.elapsed_s
            states.append(CueState(cue, status, due_s, escalated, done_s,
                                   str(done.data.get("reason", ""))))
            continue
        if now_s >= due_s:
            escalated = escalated or now_s >= due_s + cue.escalate_after_s
            states.append(CueState(cue, CueStatus.DUE, due_s, escalated))
        else:
            status = CueStatus.SNOOZED if snoozed else CueStatus.UPCOMING
            states.append(CueState(cue, status, due_s, False))
    return states


def next_change_s(states: Iterable[CueState], now_s: float) -> float | None:
    """The next session second at which some cue falls due or escalates."""
    times: list[float] = []
    for state in states:
        if not state.open:
            continue
        if state.due_s > now_s:
            times.append(state.due_s)
        elif not state.escalated and state.escalates_at_s > now_s:
            times.append(state.escalates_at_s)
    return min(times, default=None)
