"""The ranges every number of a protocol template must keep, in one place.

`core.protocol` applies them when a clinic file is read (naming the line) and
`core.protocol_stored` when a session's stored copy is read back (leaving out what fails).
`cue_minutes` expands a cue's repeats, never past MAX_CUE_OCCURRENCES.
"""

from __future__ import annotations

import math

from kapdesk.core.limits import (
    MAX_CUE_OCCURRENCES,
    MAX_ESCALATE_MINUTES,
    MAX_SESSION_MINUTES,
    MIN_REPEAT_MINUTES,
    finite_in,
)
from kapdesk.core.protocol_model import CueSpec, Protocol, TimerSpec

CUE_KINDS = ("lights", "vitals", "rating", "music", "medication", "checklist", "custom")


def cue_minutes(spec: CueSpec, protocol: Protocol) -> list[float]:
    """The minutes after the dose at which a cue falls due, its repeats included
    (never more than MAX_CUE_OCCURRENCES + 1, whatever the numbers say)."""
    times = [spec.at_min]
    every = spec.repeat_every_min
    if every is None or not math.isfinite(every) or every < MIN_REPEAT_MINUTES:
        return times
    phase = protocol.phase(spec.repeat_within) if spec.repeat_within else None
    if spec.repeat_until_min is not None:
        end, inclusive = spec.repeat_until_min, True
    elif phase is not None:
        end, inclusive = phase.end_min, False
    else:
        end, inclusive = protocol.session_minutes, True
    t = spec.at_min + every
    while (t < end - 1e-9 or (inclusive and abs(t - end) < 1e-9)) and \
            len(times) <= MAX_CUE_OCCURRENCES:
        times.append(t)
        t += every
    return times


def occurrences(protocol: Protocol) -> int:
    return sum(len(cue_minutes(c, protocol)) for c in protocol.cues) + len(protocol.timers)


def cue_problem(cue: CueSpec, session_minutes: float, phase_keys: set[str]) -> str | None:
    """Why a cue cannot be used in a session of `session_minutes`, or None."""
    if not finite_in(cue.at_min, 0, session_minutes):
        return (f"is at {cue.at_min:g} min, outside the session "
                f"(0-{session_minutes:g} min after the dose)")
    if cue.kind not in CUE_KINDS:
        return f"unknown cue kind {cue.kind!r} (use one of: {', '.join(CUE_KINDS)})"
    if cue.repeat_every_min is not None and not finite_in(
            cue.repeat_every_min, MIN_REPEAT_MINUTES, MAX_SESSION_MINUTES):
        return (f"repeat_every must be between {MIN_REPEAT_MINUTES:g} and "
                f"{MAX_SESSION_MINUTES} minutes, not {cue.repeat_every_min:g}")
    if cue.repeat_until_min is not None and not finite_in(
            cue.repeat_until_min, cue.at_min, session_minutes):
        return (f"repeat_until must lie between the cue's time and the end of "
                f"the session ({cue.at_min:g}-{session_minutes:g} min)")
    if cue.repeat_within is not None and cue.repeat_within not in phase_keys:
        return f"repeat_within names no phase ('{cue.repeat_within}')"
    if not finite_in(cue.escalate_after_min, 0, MAX_ESCALATE_MINUTES, low_open=True):
        return (f"escalate_after must be more than 0 and at most {MAX_ESCALATE_MINUTES:g} "
                f"minutes, not {cue.escalate_after_min:g}")
    return None


def timer_problem(timer: TimerSpec, session_minutes: float) -> str | None:
    if not (finite_in(timer.minutes, 0, session_minutes, low_open=True)
            and finite_in(timer.start_min, 0, session_minutes)
            and timer.start_min + timer.minutes <= session_minutes):
        return ("must run for more than 0 minutes, start at 0 min or later and end "
                f"within the session (0-{session_minutes:g} min)")
    return None


def session_problem(session_minutes: float, min_monitoring: float,
                    escalate: float) -> tuple[str, str] | None:
    """(the key, why) when a template's top-level numbers are out of range."""
    if not finite_in(session_minutes, 0, MAX_SESSION_MINUTES, low_open=True):
        return ("session_minutes", f"session_minutes must be more than 0 and at most "
                f"{MAX_SESSION_MINUTES} (24 h), not {session_minutes:g}")
    if not finite_in(min_monitoring, 0, MAX_SESSION_MINUTES):
        return ("min_monitoring_minutes", f"min_monitoring_minutes must be between 0 and "
                f"{MAX_SESSION_MINUTES} (24 h), not {min_monitoring:g}")
    if not finite_in(escalate, 0, MAX_ESCALATE_MINUTES, low_open=True):
        return ("escalate_after", f"escalate_after must be more than 0 and at most "
                f"{MAX_ESCALATE_MINUTES:g} minutes, not {escalate:g}")
    return None
