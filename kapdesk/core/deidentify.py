"""De-identified copies of reports: no name, date of birth, weight, allergies or free text.

What stays: the pseudonymous patient code, coded values (readings, ratings, side effects
from the checklist, medicines, doses, lots, checklist answers), times, and the clinicians'
names. What goes: the patient's identifying fields, the session note and note amendments,
checklist comments, and every reason typed by hand (corrections, skips, cancellations,
spacing), any of which may name a person.
"""

from __future__ import annotations

from dataclasses import replace

from kapdesk.core.course_report import CourseReport
from kapdesk.core.observations import Kind, Observation
from kapdesk.core.report import PatientInfo, SessionReport

FREE_TEXT_KEYS = ("text", "comment")


def _entry(obs: Observation) -> Observation:
    values = {k: ("" if k in FREE_TEXT_KEYS else v) for k, v in obs.values.items()}
    if obs.kind is Kind.NOTE:
        values["text"] = ""
    return replace(obs, values=values, reason="", extra={})


def deidentify(report: SessionReport) -> SessionReport:
    """The same report with nothing that names or describes the patient in words."""
    return replace(
        report,
        patient=PatientInfo(report.patient.code),
        note="",
        entries=tuple(_entry(o) for o in report.entries),
        transitions=tuple(replace(t, reason="") for t in report.transitions),
        t0_corrections=tuple(replace(c, reason="") for c in report.t0_corrections),
        cue_events=tuple(replace(c, reason="") for c in report.cue_events),
        deidentified=True,
    )


def deidentify_course(report: CourseReport) -> CourseReport:
    return replace(
        report,
        patient=PatientInfo(report.patient.code),
        sessions=tuple(replace(s, note="", spacing_reason="") for s in report.sessions),
        deidentified=True,
    )
