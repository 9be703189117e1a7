"""A session's lifecycle, as a state machine, and its timeline of stored instants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from kapdesk.core.errors import TransitionError
from kapdesk.core.protocol import Protocol


class State(StrEnum):
    PLANNED = "planned"
    PREPARING = "preparing"
    DOSED = "dosed"
    RECOVERY = "recovery"
    DISCHARGED = "discharged"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    State.PLANNED: "Planned",
    State.PREPARING: "Preparing",
    State.DOSED: "Dosed",
    State.RECOVERY: "Recovery",
    State.DISCHARGED: "Discharged",
    State.CLOSED: "Closed",
    State.CANCELLED: "Cancelled",
}

TRANSITIONS: dict[State, tuple[State, ...]] = {
    State.PLANNED: (State.PREPARING, State.CANCELLED),
    State.PREPARING: (State.DOSED, State.CANCELLED),
    State.DOSED: (State.RECOVERY,),
    State.RECOVERY: (State.DISCHARGED,),
    State.DISCHARGED: (State.CLOSED,),
    State.CLOSED: (),
    State.CANCELLED: (),
}

# States in which a session occupies the room: only one at a time.
RUNNING_STATES = (State.PREPARING, State.DOSED, State.RECOVERY, State.DISCHARGED)
ACTION_WORDS = {
    State.PLANNED: "return the session to planned",
    State.PREPARING: "start preparing",
    State.DOSED: "record the dose",
    State.RECOVERY: "begin recovery",
    State.DISCHARGED: "discharge",
    State.CLOSED: "close the session",
    State.CANCELLED: "cancel the session",
}


@dataclass(frozen=True)
class ClockAdjustment:
    """The wall clock was set by `seconds` at `at` (UTC, after the jump).

    `seq` is the id of the session event that recorded it and `observations_before` the
    highest observation id of the session then: what was stored before it is on the old
    clock, what came after on the new one. (A clock set back makes wall instants of the two
    overlap, so the order of the record, not the instant, says which side one is on.)
    """

    at: datetime
    seconds: float
    seq: int | None = None
    observations_before: int | None = None


@dataclass(frozen=True)
class Timeline:
    """Turns stored UTC instants into session seconds since the dose.

    A clock jump recorded during the session is taken out again, so that session time
    stays continuous whichever of the two clock readings was wrong, and however far the
    clock was set back.
    """

    t0: datetime | None
    adjustments: tuple[ClockAdjustment, ...] = ()

    def elapsed_now(self, now: datetime) -> float:
        """Session seconds at `now`, read from the clock after every recorded jump."""
        if self.t0 is None:
            return 0.0
        return (now - self.t0).total_seconds() - sum(a.seconds for a in self.adjustments)

    def elapsed_at(self, instant: datetime, *, event: int | None = None,
                   observation: int | None = None) -> float:
        """Session seconds at a stored instant: of the session event `event`, of the
        observation `observation`, or (neither known) judged by the wall instant alone."""
        if self.t0 is None:
            return 0.0
        seconds = (instant - self.t0).total_seconds()
        for adj in self.adjustments:
            if event is not None and adj.seq is not None:
                applies = adj.seq < event
            elif observation is not None and adj.observations_before is not None:
                applies = observation > adj.observations_before
            else:
                applies = adj.at <= instant and adj.at > self.t0
            if applies:
                seconds -= adj.seconds
        return seconds


@dataclass(frozen=True)
class Session:
    id: int
    patient_code: str
    protocol: Protocol
    state: State
    planned_at: datetime
    t0: datetime | None = None
    adjustments: tuple[ClockAdjustment, ...] = ()
    notes: dict[str, Any] = field(default_factory=dict)
    discharged_s: float | None = None  # session seconds at discharge: the clock stops there
    kind: str = "dosing"  # or "integration" (a talk recorded afterwards, no dose)

    @property
    def timeline(self) -> Timeline:
        return Timeline(self.t0, self.adjustments)

    def elapsed(self, now: datetime) -> float:
        """Session seconds at `now` (never below 0 once dosed, whatever the clock did)."""
        if self.t0 is None:
            return 0.0
        seconds = max(0.0, self.timeline.elapsed_now(now))
        return seconds if self.discharged_s is None else min(seconds, self.discharged_s)

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def clock_running(self) -> bool:
        """The session clock advances: dosed and not yet discharged."""
        return self.t0 is not None and self.state in (State.DOSED, State.RECOVERY)

    @property
    def discharged(self) -> bool:
        return self.state in (State.DISCHARGED, State.CLOSED) and self.t0 is not None


def check_transition(session: Session, target: State, now: datetime,
                     reason: str | None = None) -> None:
    """Raise TransitionError, in words, when `target` is not allowed now."""
    allowed = TRANSITIONS[session.state]
    if target not in allowed:
        if not allowed:
            raise TransitionError(
                f"This session is {session.state.label.lower()}; nothing more can be done "
                "in the room.")
        nexts = " or ".join(ACTION_WORDS[s] for s in allowed)
        raise TransitionError(
            f"Cannot {ACTION_WORDS[target]} while the session is "
            f"{session.state.label.lower()}: next you can {nexts}.")
    if target is State.CANCELLED and not (reason and reason.strip()):
        raise TransitionError("Cancelling a session needs a reason.")
    if target is State.DISCHARGED:
        minimum = session.protocol.min_monitoring_minutes
        elapsed_min = session.elapsed(now) / 60
        if elapsed_min < minimum:
            short = minimum - elapsed_min
            message = (
                f"{session.protocol.name} needs at least {minimum:g} min of monitoring after "
                f"the dose; {elapsed_min:.0f} min have passed ({short:.0f} min to go).")
            if session.protocol.min_monitoring_strict:
                raise TransitionError(message + " The session cannot be closed before then.")
            if not (reason and reason.strip()):
                raise TransitionError(message + " To discharge earlier, give a reason.")


# A session is often planned at the bedside after the injection: the dose time may be put
# back to this long before the session was planned (with a reason, like every correction).
T0_BEFORE_PLAN = timedelta(hours=12)


def check_t0_correction(session: Session, new_t0: datetime, now: datetime,
                        reason: str) -> None:
    """Raise TransitionError, in words, when the dose time cannot be corrected to `new_t0`."""
    if not dose_time_correctable(session):
        raise TransitionError("The dose time can be corrected only after the dose is "
                              "recorded and before discharge.")
    if new_t0 > now:
        raise TransitionError("The corrected dose time is in the future.")
    earliest = session.planned_at - T0_BEFORE_PLAN
    if new_t0 < earliest:
        hours = T0_BEFORE_PLAN.total_seconds() / 3600
        raise TransitionError(
            f"The corrected dose time is more than {hours:g} h before the session was "
            f"planned ({session.planned_at.astimezone():%Y-%m-%d %H:%M}); the earliest is "
            f"{earliest.astimezone():%Y-%m-%d %H:%M}.")
    if not reason.strip():
        raise TransitionError("Correcting the dose time needs a reason.")


def monitoring_minutes(session: Session, now: datetime) -> float:
    return max(0.0, session.elapsed(now) / 60)


def clock_adjustments(events: Sequence[tuple[datetime, float]]) -> tuple[ClockAdjustment, ...]:
    return tuple(ClockAdjustment(at, seconds) for at, seconds in events)


SIGNABLE_STATES = frozenset({State.DISCHARGED, State.CLOSED})
# The kinds of session whose record is signed: a dosing session. An integration session is
# a talk recorded afterwards (stored closed); it needs no signature.
SIGNED_KINDS = frozenset({"dosing"})


def signable(kind: str, state: State | str, signed: bool) -> bool:
    """The one rule for signing: a dosing session can be signed once it has ended
    (discharged, or closed after discharge) and while it has no signature yet. The room's
    toolbar, History's sign button, its "unsigned" filter (as SQL, from these constants)
    and the store that signs all ask this."""
    return not signed and kind in SIGNED_KINDS and State(state) in SIGNABLE_STATES


DOSE_TIME_STATES = frozenset({State.DOSED, State.RECOVERY})


def dose_time_correctable(session: Session) -> bool:
    """The one rule for correcting the dose time: after the dose, before discharge."""
    return session.t0 is not None and session.state in DOSE_TIME_STATES
