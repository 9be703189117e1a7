"""Session protocol templates: phases, timed cues and timers, read from TOML.

A template is checked as a whole when it is read. Every problem is reported with the
file, the line and the reason, and a broken template never stops the others loading.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from kapdesk.core.course import SpacingRules
from kapdesk.core.limits import (
    MAX_CUE_OCCURRENCES,
    MAX_CUES,
    MAX_TEMPLATE_BYTES,
    MAX_TEXT,
    FileRefused,
    finite_in,
    read_bounded,
)
from kapdesk.core.protocol_model import CueSpec as CueSpec
from kapdesk.core.protocol_model import Phase as Phase
from kapdesk.core.protocol_model import Protocol as Protocol
from kapdesk.core.protocol_model import TimerSpec as TimerSpec
from kapdesk.core.protocol_music import phase_music
from kapdesk.core.protocol_rules import (
    CUE_KINDS as CUE_KINDS,
)
from kapdesk.core.protocol_rules import (
    cue_problem,
    occurrences,
    session_problem,
    timer_problem,
)


class ProtocolError(Exception):
    """A template that cannot be used, with where and why."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.source = source
        self.line = line
        self.reason = reason
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {reason}")


_TOP_KEYS = {
    "id", "name", "route", "drug", "description", "session_minutes", "min_monitoring_minutes",
    "min_monitoring_strict", "escalate_after", "preparation", "phases", "cues", "timers",
    "spacing",
}
_SPACING_KEYS = {"min_hours_between", "max_in_window", "window_days", "want_integration"}
_PHASE_KEYS = {"key", "name", "start", "end", "music"}
_CUE_KEYS = {"id", "at", "kind", "text", "detail", "repeat_every", "repeat_within",
             "repeat_until", "escalate_after"}
_TIMER_KEYS = {"id", "name", "start", "minutes", "end_text"}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Locator:
    """Finds the line of a key or of the n-th [[table]] in the TOML text."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def key(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self._lines, start=1):
            if line.lstrip().startswith("["):
                return None  # top-level keys come before any table
            if pattern.match(line):
                return number
        return None

    def table(self, name: str, index: int) -> int | None:
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        seen = -1
        for number, line in enumerate(self._lines, start=1):
            if pattern.match(line):
                seen += 1
                if seen == index:
                    return number
        return None

    def table_key(self, name: str, index: int, key: str) -> int | None:
        start = self.table(name, index)
        if start is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start + 1, len(self._lines) + 1):
            line = self._lines[number - 1]
            if line.lstrip().startswith("["):
                break
            if pattern.match(line):
                return number
        return start


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number of minutes, not {_short(value)}")
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number of minutes, not {value!r}")
    return float(value)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be non-empty text")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{what} is {len(value):,} characters long; at most {MAX_TEXT}")
    return value.strip()


def _optional_text(value: object, what: str) -> str:
    if value is None or value == "":
        return ""
    return _text(value, what)


def parse_protocol(text: str, source: str = "<protocol>") -> Protocol:
    """Parse and check one template. Raises ProtocolError naming the line and reason."""
    if len(text) > MAX_TEMPLATE_BYTES:
        raise ProtocolError(source, None, f"is {len(text):,} characters long; a template may "
                            f"be at most {MAX_TEMPLATE_BYTES:,}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ProtocolError(source, int(match.group(1)) if match else None,
                            f"not valid TOML ({exc})") from None
    except RecursionError:
        raise ProtocolError(source, None, "is nested too deeply to read (arrays or tables "
                            "inside each other hundreds of levels deep)") from None
    loc = _Locator(text)

    def fail(line: int | None, reason: str) -> ProtocolError:
        return ProtocolError(source, line, reason)

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(loc.key(unknown[0]), f"unknown setting '{unknown[0]}'")
    for required in ("id", "name", "route", "session_minutes", "phases", "cues"):
        if required not in data:
            raise fail(None, f"missing '{required}'")
    try:
        proto_id = _text(data["id"], "id")
        if not _ID_RE.match(proto_id):
            raise ValueError("id must be lower-case letters, digits, '-' or '_'")
        name = _text(data["name"], "name")
        route = _text(data["route"], "route")
        session_minutes = _number(data["session_minutes"], "session_minutes")
        min_monitoring = _number(data.get("min_monitoring_minutes", 0), "min_monitoring_minutes")
        default_escalate = _number(data.get("escalate_after", 5), "escalate_after")
        out_of_range = session_problem(session_minutes, min_monitoring, default_escalate)
        if out_of_range:
            raise ValueError(out_of_range[1])
        drug = _optional_text(data.get("drug", "ketamine"), "drug") or "ketamine"
        description = data.get("description", "")
        if not isinstance(description, str) or len(description) > 20 * MAX_TEXT:
            raise ValueError(f"description must be text of at most {20 * MAX_TEXT} characters")
        strict = data.get("min_monitoring_strict", False)
        if not isinstance(strict, bool):
            raise ValueError("min_monitoring_strict must be true or false")
        preparation = data.get("preparation", [])
        if not isinstance(preparation, list) or len(preparation) > MAX_CUES or not all(
            isinstance(p, str) and p.strip() and len(p) <= MAX_TEXT for p in preparation
        ):
            raise ValueError("preparation must be a list of checklist items (text)")
    except ValueError as exc:
        # every message above starts with the key it is about
        raise fail(loc.key(str(exc).split(" ", 1)[0]), str(exc)) from None

    phases = _parse_phases(data["phases"], session_minutes, loc, fail)
    phase_keys = {p.key for p in phases}
    cues = _parse_cues(data["cues"], session_minutes, default_escalate, phase_keys, loc, fail)
    timers = _parse_timers(data.get("timers", []), session_minutes, loc, fail)
    spacing = _parse_spacing(data.get("spacing", {}), text, fail)
    protocol = Protocol(
        id=proto_id,
        name=name,
        route=route,
        drug=drug,
        description=description.strip(),
        session_minutes=session_minutes,
        min_monitoring_minutes=min_monitoring,
        min_monitoring_strict=strict,
        phases=phases,
        cues=cues,
        timers=timers,
        preparation=tuple(p.strip() for p in preparation),
        spacing=spacing,
        source=source,
    )
    count = occurrences(protocol)
    if count > MAX_CUE_OCCURRENCES:
        raise fail(loc.key("cues"), f"its cues fall due {count:,} times or more in one "
                   f"session (repeats included); at most {MAX_CUE_OCCURRENCES:,}")
    return protocol


def _spacing_line(text: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^\s*(\[\s*spacing\s*\]|spacing\s*=)", line):
            return number
    return None


def _spacing_value(table: dict[str, Any], key: str, default: Any, kinds: tuple[type, ...],
                   words: str) -> Any:
    value = table.get(key, default)
    if isinstance(value, bool) != (kinds == (bool,)) or not isinstance(value, kinds):
        raise ValueError(f"spacing: {key} must be {words}, not {value!r}")
    return value


def _parse_spacing(value: object, text: str, fail: Any) -> SpacingRules:
    line = _spacing_line(text)
    if not isinstance(value, dict):
        raise fail(line, "'spacing' must be a [spacing] table")
    unknown = sorted(set(value) - _SPACING_KEYS)
    if unknown:
        raise fail(line, f"spacing: unknown setting '{unknown[0]}'")
    number = (int, float)
    try:
        rules = SpacingRules(
            min_hours_between=float(_spacing_value(value, "min_hours_between", 48, number,
                                                   "a number of hours")),
            max_in_window=_spacing_value(value, "max_in_window", 2, (int,), "a whole number"),
            window_days=float(_spacing_value(value, "window_days", 7, number,
                                             "a number of days")),
            want_integration=_spacing_value(value, "want_integration", True, (bool,),
                                            "true or false"),
        )
    except ValueError as exc:
        raise fail(line, str(exc)) from None
    if not (finite_in(rules.min_hours_between, 0, 24 * 366)
            and 1 <= rules.max_in_window <= 100
            and finite_in(rules.window_days, 0, 366, low_open=True)):
        raise fail(line, "spacing: min_hours_between must be 0 to 8784 hours, max_in_window "
                         "1 to 100, window_days more than 0 and at most 366")
    return rules


def _tables(value: object, name: str, loc: _Locator, fail: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise fail(loc.key(name), f"'{name}' must be a list of [[{name}]] tables")
    if len(value) > MAX_CUES:
        raise fail(loc.key(name), f"{len(value):,} [[{name}]] tables; at most {MAX_CUES}")
    return value


def _parse_phases(value: object, session_minutes: float, loc: _Locator, fail: Any,
                  ) -> tuple[Phase, ...]:
    tables = _tables(value, "phases", loc, fail)
    if not tables:
        raise fail(loc.key("phases"), "a protocol needs at least one phase")
    phases: list[Phase] = []
    for i, table in enumerate(tables):
        label = f"phase {i + 1}"
        unknown = sorted(set(table) - _PHASE_KEYS)
        if unknown:
            raise fail(loc.table_key("phases", i, unknown[0]),
                       f"{label}: unknown setting '{unknown[0]}'")
        try:
            key = _text(table.get("key"), f"{label}: key")
            label = f"phase '{key}'"
            phase = Phase(key, _text(table.get("name", key), f"{label}: name"),
                          _number(table.get("start"), f"{label}: start"),
                          _number(table.get("end"), f"{label}: end"))
        except ValueError as exc:
            raise fail(loc.table("phases", i), str(exc)) from None
        try:
            phase = replace(phase, music=phase_music(key, table.get("music")))
        except ValueError as exc:
            raise fail(loc.table_key("phases", i, "music"), str(exc)) from None
        if not 0 <= phase.start_min < phase.end_min <= session_minutes:
            raise fail(loc.table("phases", i),
                       f"{label} runs {phase.start_min:g}-{phase.end_min:g} min: it must start "
                       f"before it ends and lie within the session (0-{session_minutes:g} min)")
        phases.append(phase)
    keys = [p.key for p in phases]
    for i, key in enumerate(keys):
        if keys.index(key) != i:
            raise fail(loc.table("phases", i), f"phase key '{key}' is used twice")
    order = sorted(range(len(phases)), key=lambda j: phases[j].start_min)
    for a, b in itertools.pairwise(order):
        if phases[b].start_min < phases[a].end_min:
            raise fail(loc.table("phases", b),
                       f"phase '{phases[b].key}' ({phases[b].start_min:g}-{phases[b].end_min:g} "
                       f"min) overlaps phase '{phases[a].key}' "
                       f"({phases[a].start_min:g}-{phases[a].end_min:g} min)")
    return tuple(phases[j] for j in order)


def _parse_cues(value: object, session_minutes: float, default_escalate: float,
                phase_keys: set[str], loc: _Locator, fail: Any) -> tuple[CueSpec, ...]:
    cues: list[CueSpec] = []
    for i, table in enumerate(_tables(value, "cues", loc, fail)):
        label = f"cue {i + 1}"
        unknown = sorted(set(table) - _CUE_KEYS)
        if unknown:
            raise fail(loc.table_key("cues", i, unknown[0]),
                       f"{label}: unknown setting '{unknown[0]}'")
        kind = table.get("kind")
        if kind not in CUE_KINDS:
            raise fail(loc.table_key("cues", i, "kind"),
                       f"{label}: unknown cue kind {kind!r} (use one of: {', '.join(CUE_KINDS)})")
        try:
            text = _text(table.get("text"), f"{label}: text")
            label = f"cue {i + 1} ('{text}')"
            at = _number(table.get("at"), f"{label}: at")
            every = table.get("repeat_every")
            until = table.get("repeat_until")
            within = table.get("repeat_within")
            if within is not None and not isinstance(within, str):
                raise ValueError(f"{label}: repeat_within must be the key of a phase (text), "
                                 f"not {_short(within)}")
            cue = CueSpec(
                id=_text(table.get("id", f"cue-{i + 1}"), f"{label}: id"),
                at_min=at, kind=kind, text=text,
                detail=_optional_text(table.get("detail", ""), f"{label}: detail"),
                repeat_every_min=None if every is None
                else _number(every, f"{label}: repeat_every"),
                repeat_within=within,
                repeat_until_min=None if until is None
                else _number(until, f"{label}: repeat_until"),
                escalate_after_min=_number(table.get("escalate_after", default_escalate),
                                           f"{label}: escalate_after"),
            )
        except ValueError as exc:
            raise fail(loc.table("cues", i), str(exc)) from None
        problem = cue_problem(cue, session_minutes, phase_keys)
        if problem is not None:
            key = next((k for k in ("repeat_every", "repeat_until", "repeat_within",
                                    "escalate_after") if problem.startswith(k)), "at")
            sep = " " if key == "at" else ": "
            raise fail(loc.table_key("cues", i, key), f"{label}{sep}{problem}")
        if any(c.id == cue.id for c in cues):
            raise fail(loc.table("cues", i), f"cue id '{cue.id}' is used twice")
        cues.append(cue)
    return tuple(sorted(cues, key=lambda c: c.at_min))


def _parse_timers(value: object, session_minutes: float, loc: _Locator, fail: Any,
                  ) -> tuple[TimerSpec, ...]:
    timers: list[TimerSpec] = []
    for i, table in enumerate(_tables(value, "timers", loc, fail)):
        label = f"timer {i + 1}"
        unknown = sorted(set(table) - _TIMER_KEYS)
        if unknown:
            raise fail(loc.table_key("timers", i, unknown[0]),
                       f"{label}: unknown setting '{unknown[0]}'")
        try:
            timer = TimerSpec(
                id=_text(table.get("id", f"timer-{i + 1}"), f"{label}: id"),
                name=_text(table.get("name"), f"{label}: name"),
                start_min=_number(table.get("start", 0), f"{label}: start"),
                minutes=_number(table.get("minutes"), f"{label}: minutes"),
                end_text=_text(table.get("end_text"), f"{label}: end_text"),
            )
        except ValueError as exc:
            raise fail(loc.table("timers", i), str(exc)) from None
        problem = timer_problem(timer, session_minutes)
        if problem is not None:
            raise fail(loc.table("timers", i), f"{label} ('{timer.name}') {problem}")
        timers.append(timer)
    return tuple(timers)


def load_protocol_file(path: Path) -> Protocol:
    try:
        text = read_bounded(path, MAX_TEMPLATE_BYTES).decode("utf-8")
    except FileRefused as exc:
        raise ProtocolError(str(path), None, str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ProtocolError(str(path), None, f"cannot be read ({exc})") from None
    return parse_protocol(text, str(path))


def load_protocols(folders: Iterable[Path]) -> tuple[list[Protocol], list[ProtocolError]]:
    """Every *.toml template in the folders, in order; a later folder's id wins.

    Returns the templates that loaded and the errors of those that did not. Two files of
    one folder with the same id are an error: the first (by file name) loads.
    """
    found: dict[str, Protocol] = {}
    errors: list[ProtocolError] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        here: dict[str, str] = {}
        for path in sorted(folder.glob("*.toml")):
            try:
                protocol = load_protocol_file(path)
            except ProtocolError as exc:
                errors.append(exc)
                continue
            if protocol.id in here:
                errors.append(ProtocolError(
                    str(path), None, f"has the id '{protocol.id}' of {here[protocol.id]} "
                    "in the same folder; it was not loaded (give each template its own id)"))
                continue
            here[protocol.id] = path.name
            found[protocol.id] = protocol
    return list(found.values()), errors
