"""A session protocol template as values: its phases, timed cues and timers.

`kapdesk.core.protocol` reads one from TOML (and re-exports these names);
`kapdesk.core.protocol_stored` reads a session's stored copy back. The rules that judge a
template's numbers (`protocol_rules`) and its music (`protocol_music`) take these values,
so none of them imports the reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from kapdesk.core.course import SpacingRules


@dataclass(frozen=True)
class Phase:
    key: str
    name: str
    start_min: float
    end_min: float
    # the playlist phase that plays in it (kapdesk.core.protocol_music): a template's
    # phase always says, or is refused; "settling" for the few phases built in code
    music: str = "settling"


@dataclass(frozen=True)
class CueSpec:
    id: str
    at_min: float
    kind: str
    text: str
    detail: str = ""
    repeat_every_min: float | None = None
    repeat_within: str | None = None  # a phase key; repeats stop at that phase's end
    repeat_until_min: float | None = None  # or repeats stop after this minute
    escalate_after_min: float = 5.0


@dataclass(frozen=True)
class TimerSpec:
    """A countdown shown on the room screen, e.g. hold a lozenge then spit."""

    id: str
    name: str
    start_min: float
    minutes: float
    end_text: str


@dataclass(frozen=True)
class Protocol:
    id: str
    name: str
    route: str
    drug: str
    description: str
    session_minutes: float
    min_monitoring_minutes: float
    min_monitoring_strict: bool
    phases: tuple[Phase, ...]
    cues: tuple[CueSpec, ...]
    timers: tuple[TimerSpec, ...] = ()
    preparation: tuple[str, ...] = ()
    spacing: SpacingRules = field(default_factory=SpacingRules)
    source: str = field(default="", compare=False)
    # what was wrong with a stored template and left out when it was read back
    problems: tuple[str, ...] = field(default=(), compare=False)

    def phase_at(self, minute: float) -> Phase | None:
        for phase in self.phases:
            if phase.start_min <= minute < phase.end_min:
                return phase
        return None

    def phase(self, key: str) -> Phase | None:
        return next((p for p in self.phases if p.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("source")
        data.pop("problems")
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "") -> Protocol:
        return cls(
            id=data["id"],
            name=data["name"],
            route=data["route"],
            drug=data["drug"],
            description=data["description"],
            session_minutes=data["session_minutes"],
            min_monitoring_minutes=data["min_monitoring_minutes"],
            min_monitoring_strict=data["min_monitoring_strict"],
            phases=tuple(Phase(**p) for p in data["phases"]),
            cues=tuple(CueSpec(**c) for c in data["cues"]),
            timers=tuple(TimerSpec(**t) for t in data.get("timers", ())),
            preparation=tuple(data.get("preparation", ())),
            spacing=SpacingRules(**data.get("spacing", {})),
            source=source,
        )
