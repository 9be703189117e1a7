"""A session's own copy of its template, read back from the record without ever failing.

A session stores the template it was planned with (as JSON), so that later edits to the
clinic's files never change a session's record. A copy stored by an older version may
hold what today's checks refuse (a cue repeating every microsecond, an endless session,
NaN). Reading it back keeps every part that passes the checks of `core.protocol`, leaves
out the rest and says what was left out (`Protocol.problems`), so the session still opens
and its schedule stays bounded.
"""

from __future__ import annotations

import json
import math
from typing import Any

from kapdesk.core.course import SpacingRules
from kapdesk.core.limits import (
    MAX_CUE_OCCURRENCES,
    MAX_CUES,
    MAX_SESSION_MINUTES,
    MAX_TEXT,
    finite_in,
)
from kapdesk.core.protocol import CueSpec, Phase, Protocol, TimerSpec
from kapdesk.core.protocol_music import stored_phase_music
from kapdesk.core.protocol_rules import cue_minutes, cue_problem, timer_problem


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _str(value: object, default: str = "") -> str:
    return value[:MAX_TEXT * 20] if isinstance(value, str) else default


def stored_protocol(text: str) -> Protocol:
    """The template a session stored, with whatever is unusable left out (never raises)."""
    try:
        data = json.loads(text)  # NaN and Infinity parse, as older versions wrote them
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return Protocol("unknown", "Template unreadable", "unknown", "", "", 60.0, 0.0, False,
                        (Phase("all", "Session", 0.0, 60.0),), (),
                        problems=("the session's stored template cannot be read; it is shown "
                                  "with no cues",))
    problems: list[str] = []
    minutes = _num(data.get("session_minutes"))
    if minutes is None or not finite_in(minutes, 0, MAX_SESSION_MINUTES, low_open=True):
        problems.append(f"session length {data.get('session_minutes')!r} is out of range; "
                        f"{MAX_SESSION_MINUTES} min is used")
        minutes = float(MAX_SESSION_MINUTES)
    monitoring = _num(data.get("min_monitoring_minutes"))
    if monitoring is None or not finite_in(monitoring, 0, MAX_SESSION_MINUTES):
        problems.append(f"minimum monitoring {data.get('min_monitoring_minutes')!r} is out "
                        "of range; no minimum is applied, judge the time yourself")
        monitoring = 0.0
    phases = _phases(data.get("phases"), minutes, problems)
    keys = {p.key for p in phases}
    cues = _cues(data.get("cues"), minutes, keys, problems)
    timers = _timers(data.get("timers"), minutes, problems)
    preparation = data.get("preparation", [])
    if not isinstance(preparation, list) or not all(isinstance(p, str) for p in preparation):
        problems.append("the preparation list is unreadable and left out")
        preparation = []
    try:
        spacing = SpacingRules(**data.get("spacing", {}))
        hours, days = _num(spacing.min_hours_between), _num(spacing.window_days)
        count = spacing.max_in_window
        if hours is None or days is None or not (
                finite_in(hours, 0, 24 * 366) and finite_in(days, 0, 366, low_open=True)
                and isinstance(count, int) and not isinstance(count, bool)
                and 1 <= count <= 100 and isinstance(spacing.want_integration, bool)):
            raise ValueError
    except (TypeError, ValueError):
        problems.append("the spacing rules are unreadable; the defaults are used")
        spacing = SpacingRules()
    protocol = Protocol(
        id=_str(data.get("id"), "unknown"), name=_str(data.get("name"), "Unnamed template"),
        route=_str(data.get("route"), "unknown"), drug=_str(data.get("drug"), "ketamine"),
        description=_str(data.get("description")), session_minutes=minutes,
        min_monitoring_minutes=monitoring,
        min_monitoring_strict=data.get("min_monitoring_strict") is True,
        phases=phases, cues=cues, timers=timers,
        preparation=tuple(p[:MAX_TEXT] for p in preparation[:MAX_CUES]), spacing=spacing,
        problems=tuple(problems))
    return _bounded(protocol)


def _bounded(protocol: Protocol) -> Protocol:
    """Leave out the cues past MAX_CUE_OCCURRENCES occurrences (repeats included)."""
    kept: list[CueSpec] = []
    total = len(protocol.timers)
    problems = list(protocol.problems)
    for cue in protocol.cues:
        count = len(cue_minutes(cue, protocol))
        if total + count > MAX_CUE_OCCURRENCES:
            problems.append(f"cue '{cue.text}' is left out: the schedule would pass "
                            f"{MAX_CUE_OCCURRENCES:,} cues")
            continue
        total += count
        kept.append(cue)
    if len(kept) == len(protocol.cues):
        return protocol
    return Protocol(**{**vars(protocol), "cues": tuple(kept), "problems": tuple(problems)})


def _rows(value: object, what: str, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        if value is not None:
            problems.append(f"the {what} are unreadable and left out")
        return []
    rows = [v for v in value if isinstance(v, dict)]
    if len(rows) != len(value):
        problems.append(f"{len(value) - len(rows)} of the {what} are unreadable and left out")
    if len(rows) > MAX_CUES:
        problems.append(f"only the first {MAX_CUES} {what} are kept")
    return rows[:MAX_CUES]


def _phases(value: object, minutes: float, problems: list[str]) -> tuple[Phase, ...]:
    out: list[Phase] = []
    for row in _rows(value, "phases", problems):
        key, start, end = row.get("key"), _num(row.get("start_min")), _num(row.get("end_min"))
        if not isinstance(key, str) or start is None or end is None or \
                not 0 <= start < end <= minutes or any(p.key == key for p in out) or \
                any(start < p.end_min and p.start_min < end for p in out):
            problems.append(f"phase {key!r} is out of range and left out")
            continue
        out.append(Phase(key, _str(row.get("name"), key), start, end,
                         stored_phase_music(key, row.get("music"), problems)))
    return tuple(sorted(out, key=lambda p: p.start_min))


def _cues(value: object, minutes: float, keys: set[str], problems: list[str],
          ) -> tuple[CueSpec, ...]:
    out: list[CueSpec] = []
    for row in _rows(value, "cues", problems):
        label = _str(row.get("text"), "?")
        try:
            cue = CueSpec(
                id=_need_str(row.get("id")), at_min=_need_num(row.get("at_min")),
                kind=_need_str(row.get("kind")), text=_need_str(row.get("text")),
                detail=_str(row.get("detail")),
                repeat_every_min=_maybe_num(row.get("repeat_every_min")),
                repeat_within=_maybe_str(row.get("repeat_within")),
                repeat_until_min=_maybe_num(row.get("repeat_until_min")),
                escalate_after_min=_need_num(row.get("escalate_after_min", 5.0)))
        except ValueError:
            problems.append(f"cue '{label}' is unreadable and left out")
            continue
        why = cue_problem(cue, minutes, keys)
        if why is not None or any(c.id == cue.id for c in out):
            problems.append(f"cue '{label}' is left out: {why or 'its id is used twice'}")
            continue
        out.append(cue)
    return tuple(sorted(out, key=lambda c: c.at_min))


def _timers(value: object, minutes: float, problems: list[str]) -> tuple[TimerSpec, ...]:
    out: list[TimerSpec] = []
    for row in _rows(value, "timers", problems):
        try:
            timer = TimerSpec(_need_str(row.get("id")), _need_str(row.get("name")),
                              _need_num(row.get("start_min")), _need_num(row.get("minutes")),
                              _need_str(row.get("end_text")))
        except ValueError:
            problems.append("a timer is unreadable and left out")
            continue
        why = timer_problem(timer, minutes)
        if why is not None:
            problems.append(f"timer '{timer.name}' is left out: it {why}")
            continue
        out.append(timer)
    return tuple(out)


def _need_str(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError
    return value[:MAX_TEXT]


def _maybe_str(value: object) -> str | None:
    return None if value is None else _need_str(value)


def _need_num(value: object) -> float:
    number = _num(value)
    if number is None:
        raise ValueError
    return number


def _maybe_num(value: object) -> float | None:
    return None if value is None else _need_num(value)
