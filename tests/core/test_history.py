"""The history's filter, course groups and entry lines, over plain values."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from kapdesk.core.course import Course
from kapdesk.core.course_report import CourseReport, SessionSummary
from kapdesk.core.history import (
    HistoryFilter,
    course_groups,
    needs_signature,
    session_title,
    signature_word,
)
from kapdesk.core.report import PatientInfo

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _s(sid: int, day: int, kind: str = "dosing", *, course: int | None = 1,
       state: str = "closed", signed: bool = True, alerts: int = 0,
       protocol: str = "im-kap") -> SessionSummary:
    at = START + timedelta(days=day)
    return SessionSummary(sid, kind, protocol if kind == "dosing" else "integration",
                          "Intramuscular ketamine (KAP)" if kind == "dosing" else
                          "Integration session", state, at,
                          at if kind == "dosing" and state != "planned" else None, course,
                          sid if kind == "dosing" else None, signed=signed, alerts=alerts)


def test_what_needs_a_signature() -> None:
    assert needs_signature(_s(1, 0, signed=False))
    assert needs_signature(_s(1, 0, state="discharged", signed=False))
    assert not needs_signature(_s(1, 0))
    assert not needs_signature(_s(1, 0, "integration", signed=False))
    assert not needs_signature(_s(1, 0, state="planned", signed=False))
    assert [signature_word(s) for s in (_s(1, 0), _s(2, 0, signed=False),
                                        _s(3, 0, "integration", signed=False))] == [
        "signed", "unsigned", "—"]
    assert session_title(_s(4, 0)) == "Dosing #4"
    assert session_title(_s(5, 0, "integration")) == "Integration"


def test_the_filter_lets_through_dates_protocol_unsigned_and_alerts() -> None:
    rows = [_s(1, 0), _s(2, 1, "integration", signed=False), _s(3, 4, signed=False),
            _s(4, 9, alerts=2, protocol="esketamine-nasal")]
    assert not HistoryFilter("K-1").narrows_sessions

    def ids(flt: HistoryFilter) -> list[int]:
        return [s.session_id for s in rows if flt.matches(s)]

    assert ids(HistoryFilter()) == [1, 2, 3, 4]
    assert ids(HistoryFilter(since=START + timedelta(days=1),
                             until=START + timedelta(days=9))) == [2, 3]
    assert ids(HistoryFilter(protocol_id="im-kap")) == [1, 3]
    assert ids(HistoryFilter(unsigned_only=True)) == [3]
    assert ids(HistoryFilter(alerts_only=True)) == [4]
    assert ids(HistoryFilter(unsigned_only=True, alerts_only=True)) == []


def test_courses_newest_first_with_their_sessions_newest_first() -> None:
    old = Course(1, "K-1", "im-kap", 6, "2026-03-02")
    new = Course(2, "K-1", "im-kap", 6, "2026-06-01")
    empty = Course(3, "K-1", "im-kap", 4, "2026-09-01")
    sessions = (_s(1, 0), _s(2, 1, "integration"), _s(3, 4, signed=False),
                _s(7, 91, course=2, alerts=1), _s(8, 95, course=None))
    report = CourseReport("Clinic", PatientInfo("K-1"), (old, new, empty), sessions)
    groups = course_groups(report)
    # by their latest session (an empty course by its start date)
    assert [g.course.id if g.course else None for g in groups] == [3, None, 2, 1]
    assert [s.session_id for s in groups[-1].sessions] == [3, 2, 1]
    assert groups[-1].dosing_done == 2
    assert groups[-1].title == ("Course from 2026-03-02 · Intramuscular ketamine (KAP) · "
                                "2 of 6 dosing · active")
    assert groups[1].title == "Sessions outside a course"
    filtered = course_groups(report, HistoryFilter(unsigned_only=True))
    assert [(g.course.id if g.course else None, [s.session_id for s in g.sessions])
            for g in filtered] == [(1, [3])]
    assert course_groups(replace(report, sessions=()), HistoryFilter(alerts_only=True)) == ()
