"""What the room screen shows at one instant, computed from the session and its events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kapdesk.core.cues import CueEvent, CueState, CueStatus, expand_schedule, fold_cues
from kapdesk.core.protocol import Phase
from kapdesk.core.session import Session


@dataclass(frozen=True)
class TimerView:
    name: str
    remaining_s: float
    total_s: float


@dataclass(frozen=True)
class RoomSnapshot:
    session: Session
    elapsed_s: float  # since the dose; 0 before it
    phase: Phase | None
    phase_elapsed_s: float
    cues: tuple[CueState, ...]
    timers: tuple[TimerView, ...]

    @property
    def discharged_s(self) -> float | None:
        """Session seconds at discharge; None until discharged. No cue is due after it."""
        return self.session.discharged_s if self.session.discharged else None

    @property
    def due(self) -> list[CueState]:
        """Cues waiting for the clinician, the longest-waiting first."""
        if self.discharged_s is not None:
            return []
        return sorted((c for c in self.cues if c.status is CueStatus.DUE),
                      key=lambda c: (c.due_s, c.cue.key))

    @property
    def upcoming(self) -> list[CueState]:
        if self.discharged_s is not None:
            return []
        return sorted((c for c in self.cues
                       if c.status in (CueStatus.UPCOMING, CueStatus.SNOOZED)),
                      key=lambda c: (c.due_s, c.cue.key))

    @property
    def phase_left_s(self) -> float | None:
        """Seconds left in the phase the session is in; None before the dose, between
        phases, and once discharged (the clock has stopped: nothing counts down)."""
        if self.phase is None or self.session.t0 is None or self.discharged_s is not None:
            return None
        return self.phase.end_min * 60 - self.elapsed_s

    @property
    def status_line(self) -> str | None:
        """"Discharged at T+1:05" once discharged, else None."""
        if self.discharged_s is None:
            return None
        return f"Discharged at {format_t_plus(self.discharged_s)}"

    @property
    def past(self) -> list[CueState]:
        return sorted((c for c in self.cues if not c.open),
                      key=lambda c: c.done_s or 0.0, reverse=True)

    @property
    def next_cue(self) -> CueState | None:
        upcoming = self.upcoming
        return upcoming[0] if upcoming else None

    @property
    def minutes_to_minimum(self) -> float:
        return max(0.0, self.session.protocol.min_monitoring_minutes - self.elapsed_s / 60)


# Which kind of cue an entry of each kind answers (the entry kinds of core.observations).
CUE_ANSWERED_BY = {"vitals": "vitals", "moaas": "rating", "rass": "rating",
                   "dissociation": "rating", "cadss6": "rating", "medication": "medication",
                   "dose": "medication", "discharge": "checklist"}
@dataclass(frozen=True)
class AnswerWindow:
    """How near its due time an entry must be to answer a cue (a clinic setting,
    `cue_answer_window`). By default from 2 min before it is due to 15 min after: a
    reading at T+10:32 does not answer the T+15 vitals cue, which still comes; a reading
    late by more than 15 min leaves the cue open, to be done or skipped with a reason."""

    before_s: float = 2 * 60
    after_s: float = 15 * 60

    @classmethod
    def from_setting(cls, value: object) -> AnswerWindow:
        """{"before_min": 2, "after_min": 15}; anything else (or out of 0-60 min) gives
        the default."""
        if not isinstance(value, dict):
            return cls()
        numbers = [value.get("before_min"), value.get("after_min")]
        if not all(isinstance(n, int | float) and not isinstance(n, bool)
                   and 0 <= n <= 60 for n in numbers):
            return cls()
        return cls(float(numbers[0]) * 60, float(numbers[1]) * 60)  # type: ignore[arg-type]

    def holds(self, due_s: float, at_s: float) -> bool:
        return due_s - self.before_s <= at_s <= due_s + self.after_s

    def describe(self) -> str:
        return (f"an entry answers a cue from {self.before_s / 60:g} min before it is due "
                f"until {self.after_s / 60:g} min after")


def cue_answered_by(snap: RoomSnapshot, entry_kind: str, at_s: float | None = None,
                    window: AnswerWindow | None = None) -> CueState | None:
    """The open cue that an entry of `entry_kind` taken at session second `at_s` (default:
    now) answers, if any: one entry, one cue, the longest-waiting first among those whose
    due time is within the answer window."""
    cue_kind = CUE_ANSWERED_BY.get(entry_kind)
    if cue_kind is None or snap.session.t0 is None:
        return None
    at = snap.elapsed_s if at_s is None else at_s
    window = window or AnswerWindow()
    for state in sorted(snap.cues, key=lambda c: (c.due_s, c.cue.key)):
        if state.cue.kind == cue_kind and state.open and window.holds(state.due_s, at):
            return state
    return None


def snapshot(session: Session, events: Sequence[CueEvent], now: datetime) -> RoomSnapshot:
    protocol = session.protocol
    elapsed = session.elapsed(now) if session.t0 is not None else 0.0
    folded = session.clock_running or session.discharged
    states = tuple(fold_cues(expand_schedule(protocol), events,
                             elapsed if folded else float("-inf")))
    if session.t0 is None:
        return RoomSnapshot(session, 0.0, None, 0.0, states, ())
    phase = protocol.phase_at(elapsed / 60)
    phase_elapsed = elapsed - phase.start_min * 60 if phase else 0.0
    timers = tuple(
        TimerView(t.name, (t.start_min + t.minutes) * 60 - elapsed, t.minutes * 60)
        for t in protocol.timers
        if t.start_min * 60 <= elapsed < (t.start_min + t.minutes) * 60
    )
    return RoomSnapshot(session, elapsed, phase, phase_elapsed, states, timers)


def format_elapsed(seconds: float) -> str:
    """H:MM:SS for the room clock (no sign before the dose)."""
    total = max(0, int(seconds))
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


def format_t_plus(seconds: float) -> str:
    """T+h:mm since the dose."""
    minutes = max(0, int(seconds // 60))
    return f"T+{minutes // 60}:{minutes % 60:02d}"


def format_cue_time(seconds: float) -> str:
    """When a cue is due (or was done) since the dose, read as the room clock reads it:
    T+h:mm on a whole minute ("T+0:15"), T+h:mm:ss otherwise ("T+0:00:45"), never
    rounded to a minute it is not."""
    total = max(0, int(seconds))
    hours, minutes, secs = total // 3600, total % 3600 // 60, total % 60
    return f"T+{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def format_countdown(seconds: float) -> str:
    total = max(0, int(seconds + 0.999))
    if total >= 3600:
        return f"{total // 3600} h {total % 3600 // 60:02d} min"
    return f"{total // 60}:{total % 60:02d}"
