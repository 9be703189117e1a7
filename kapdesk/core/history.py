"""The history view's values: filters, patient lines, course groups, entry lines.

Pure Python over kapdesk.core.course_report and kapdesk.core.report; the store fills them
from SQL and the UI shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from kapdesk.core.course import Course
from kapdesk.core.course_report import CourseReport, SessionSummary
from kapdesk.core.observations import Kind, Observation, describe
from kapdesk.core.report import SessionReport
from kapdesk.core.session import signable


def needs_signature(s: SessionSummary) -> bool:
    """A dosing session that has ended and is not signed yet."""
    return signable(s.kind, s.state, s.signed)


def signature_word(s: SessionSummary) -> str:
    if s.signed:
        return "signed"
    return "unsigned" if needs_signature(s) else "—"


@dataclass(frozen=True)
class HistoryFilter:
    """What the history lists: patients whose code or name contains `text`, and of their
    sessions those in [since, until), of one protocol, unsigned, or with alerts raised."""

    text: str = ""
    since: datetime | None = None
    until: datetime | None = None
    protocol_id: str | None = None
    unsigned_only: bool = False
    alerts_only: bool = False

    @property
    def narrows_sessions(self) -> bool:
        return (self.since is not None or self.until is not None or bool(self.protocol_id)
                or self.unsigned_only or self.alerts_only)

    def matches(self, s: SessionSummary) -> bool:
        when = s.when
        return ((self.since is None or when >= self.since)
                and (self.until is None or when < self.until)
                and (not self.protocol_id or s.protocol_id == self.protocol_id)
                and (not self.unsigned_only or needs_signature(s))
                and (not self.alerts_only or s.alerts > 0))


@dataclass(frozen=True)
class PatientRow:
    """One patient in the history's list, with the sessions the filter let through."""

    code: str
    name: str
    sessions: int
    last_at: datetime | None
    unsigned: int
    alerts: int


@dataclass(frozen=True)
class RemsDue:
    """An esketamine session whose REMS monitoring form is still to be sent."""

    session_id: int
    patient_code: str
    dosed_at: datetime
    due_by: datetime

    def days_left(self, now: datetime) -> float:
        return (self.due_by - now).total_seconds() / 86400


@dataclass(frozen=True)
class CourseGroup:
    """A course (or None: sessions outside any course) and its sessions, newest first."""

    course: Course | None
    sessions: tuple[SessionSummary, ...]
    dosing_done: int = 0
    protocol_name: str = ""

    @property
    def title(self) -> str:
        if self.course is None:
            return "Sessions outside a course"
        c = self.course
        return (f"Course from {c.start_date} · {self.protocol_name or c.protocol_id} · "
                f"{self.dosing_done} of {c.planned_sessions} dosing · {c.status}")


def course_groups(report: CourseReport, flt: HistoryFilter | None = None,
                  ) -> tuple[CourseGroup, ...]:
    """The patient's courses, newest first, each with its sessions that pass the filter
    (newest first); a course none of whose sessions pass is left out when filtering."""
    by_course: dict[int | None, list[SessionSummary]] = {}
    for s in report.sessions:
        by_course.setdefault(s.course_id, []).append(s)
    known = {c.id for c in report.courses}
    courses: list[Course | None] = [*report.courses]
    if any(cid not in known for cid in by_course):
        courses.append(None)
    groups: list[tuple[datetime | None, CourseGroup]] = []
    for course in courses:
        cid = course.id if course is not None else None
        rows = by_course.get(cid, []) if course is not None else [
            s for k, v in by_course.items() if k not in known for s in v]
        done = sum(1 for s in rows if s.kind == "dosing" and s.t0 is not None)
        shown = [s for s in rows if flt is None or flt.matches(s)]
        if flt is not None and flt.narrows_sessions and not shown:
            continue
        shown.sort(key=lambda s: (s.when, s.session_id), reverse=True)
        latest = max((s.when for s in rows), default=None)
        if latest is None and course is not None:
            latest = datetime.combine(date.fromisoformat(course.start_date), time.min, UTC)
        name = next((s.protocol_name for s in rows if s.kind == "dosing"), "")
        groups.append((latest, CourseGroup(course, tuple(shown), done, name)))
    groups.sort(key=lambda g: (g[0] is not None, g[0] or datetime.min), reverse=True)
    return tuple(g for _latest, g in groups)


@dataclass(frozen=True)
class EntryLine:
    """An entry as it stands, with what it replaced and the alerts it raised."""

    observation: Observation
    text: str
    earlier: tuple[Observation, ...] = ()
    alerts: int = 0
    marks: tuple[str, ...] = ()

    @property
    def revised(self) -> bool:
        return bool(self.earlier)


def entry_lines(report: SessionReport) -> tuple[EntryLine, ...]:
    """The session's entries as they stand, oldest first; a corrected entry says what it
    was and why it changed, an amendment after sign-off says so."""
    out: list[EntryLine] = []
    for o in report.current:
        earlier = report.earlier_versions(o)
        marks: list[str] = []
        if earlier:
            was = describe(earlier[-1].kind, earlier[-1].values) if earlier[-1].values else ""
            word = "amended after sign-off" if o.amendment else "corrected"
            marks.append(f"{word} by {report.user_name(o.user_id)}"
                         + (f" (was: {was})" if was else "")
                         + (f"; reason: {o.reason}" if o.reason else ""))
        elif o.amendment:
            marks.append(f"added after sign-off by {report.user_name(o.user_id)}"
                         + (f"; reason: {o.reason}" if o.reason else ""))
        alerts = report.alerts_for(o.id)
        for earlier_o in earlier:
            alerts += report.alerts_for(earlier_o.id)
        if alerts:
            marks.append("alert: " + "; ".join(a.message for a in alerts))
        text = describe(o.kind, o.values) if o.kind is not Kind.NOTE else \
            "Note added: " + str(o.values.get("text", ""))
        out.append(EntryLine(o, text, earlier, len(alerts), tuple(marks)))
    return tuple(out)


def session_title(s: SessionSummary) -> str:
    if s.kind == "integration":
        return "Integration"
    return f"Dosing #{s.number}" if s.number else "Dosing"

