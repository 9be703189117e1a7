"""One patient's course for the history view and exports: sessions and dose spacing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.core.course import Course
from kapdesk.core.observations import SEVERITIES
from kapdesk.core.report import PatientInfo


@dataclass(frozen=True)
class SessionSummary:
    """One line of a patient's history."""

    session_id: int
    kind: str  # "dosing" | "integration"
    protocol_id: str
    protocol_name: str
    state: str
    planned_at: datetime
    t0: datetime | None = None
    course_id: int | None = None
    number: int | None = None
    drug: str = ""
    dose_mg: float | None = None
    signed: bool = False
    alerts: int = 0
    lowest_moaas: int | None = None
    max_dissociation: str = ""  # the highest global rating recorded, "" if none
    side_effects: tuple[str, ...] = ()
    note: str = ""  # integration sessions: the talk's note and plan
    spacing_reason: str = ""  # why it went ahead despite the spacing rules

    @property
    def when(self) -> datetime:
        return self.t0 or self.planned_at


@dataclass(frozen=True)
class DoseSpacing:
    """A dosing session in the dose history, with its distance from the one before."""

    session_id: int
    at: datetime
    drug: str
    dose_mg: float | None
    hours_since_previous: float | None
    in_window: int  # dosing sessions in the rolling window ending here, this one included
    integration_before: bool  # an integration session since the previous dose
    spacing_reason: str = ""


@dataclass(frozen=True)
class CourseReport:
    clinic_name: str
    patient: PatientInfo
    courses: tuple[Course, ...]
    sessions: tuple[SessionSummary, ...]  # oldest first
    window_days: float = 7
    deidentified: bool = False

    @property
    def dosing(self) -> tuple[SessionSummary, ...]:
        return tuple(s for s in self.sessions if s.kind == "dosing" and s.t0 is not None)

    @property
    def integration(self) -> tuple[SessionSummary, ...]:
        return tuple(s for s in self.sessions if s.kind == "integration")

    @property
    def doses(self) -> tuple[DoseSpacing, ...]:
        return dose_history(self.sessions, self.window_days)


def worst_severity(values: Sequence[str]) -> str:
    ranked = [v for v in values if v in SEVERITIES]
    return max(ranked, key=SEVERITIES.index, default="")


def dose_history(sessions: Sequence[SessionSummary], window_days: float = 7,
                 ) -> tuple[DoseSpacing, ...]:
    """Every dose given, oldest first, with the hours since the previous one."""
    dosing = sorted((s for s in sessions if s.kind == "dosing" and s.t0 is not None),
                    key=lambda s: s.when)
    talks = [s.planned_at for s in sessions if s.kind == "integration"]
    out: list[DoseSpacing] = []
    previous: datetime | None = None
    for s in dosing:
        at = s.when
        window_start = at - timedelta(days=window_days)
        in_window = sum(1 for d in dosing if window_start < d.when <= at)
        hours = (at - previous).total_seconds() / 3600 if previous else None
        talked = previous is not None and any(previous < t < at for t in talks)
        out.append(DoseSpacing(s.session_id, at, s.drug, s.dose_mg,
                               round(hours, 1) if hours is not None else None, in_window,
                               talked, s.spacing_reason))
        previous = at
    return tuple(out)
