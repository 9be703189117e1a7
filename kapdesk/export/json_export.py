"""JSON: everything in a session report (or a course), with `format_version` 1.

The layout is described in docs/exports.md. Instants are UTC ISO 8601 strings; session
minutes ("minute") are minutes since the dose as the record's timeline computes them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from kapdesk.core.course_report import CourseReport
from kapdesk.core.deidentify import deidentify, deidentify_course
from kapdesk.core.report import PatientInfo, SessionReport
from kapdesk.export.common import utc_iso, write_text

FORMAT_VERSION = 1


def plain(value: Any) -> Any:
    """Dataclasses, enums, mappings and instants as JSON values."""
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(v) for v in value]
    return value


def _patient(patient: PatientInfo, deidentified: bool) -> dict[str, Any]:
    if deidentified:
        return {"code": patient.code}
    return plain(patient)  # type: ignore[no-any-return]


def session_dict(report: SessionReport) -> dict[str, Any]:
    """The session as JSON values (no `format_version`: see `session_document`)."""
    current = {o.id for o in report.current}
    p = report.protocol
    return {
        "session": {
            "id": report.session_id, "kind": report.kind, "state": report.state.value,
            "planned_at": utc_iso(report.planned_at), "t0": utc_iso(report.t0),
            "discharged_at": utc_iso(report.discharged_at), "course_id": report.course_id,
            "number": report.number,
            "protocol": {"id": p.id, "name": p.name, "route": p.route, "drug": p.drug,
                         "session_minutes": p.session_minutes,
                         "min_monitoring_minutes": p.min_monitoring_minutes,
                         "phases": plain(p.phases)},
        },
        "patient": _patient(report.patient, report.deidentified),
        "clinicians": [{"id": k, "name": v} for k, v in sorted(report.clinicians.items())],
        "transitions": plain(report.transitions),
        "t0_corrections": plain(report.t0_corrections),
        "observations": [
            {"id": o.id, "kind": o.kind.value, "observed_at": utc_iso(o.observed_at),
             "recorded_at": utc_iso(o.recorded_at),
             "minute": round(report.minute_of_entry(o), 2) if report.t0 else None,
             "user_id": o.user_id, "values": plain(o.values), "corrects": o.corrects,
             "amendment": o.amendment, "reason": o.reason, "current": o.id in current}
            for o in report.entries],
        "alerts": plain(report.alerts),
        "cue_events": plain(report.cue_events),
        "note": None if report.deidentified else report.note,
        "discharge": plain(report.discharge),
        "signature": plain(report.signature),
        "music": plain(report.plays),
    }


def session_document(report: SessionReport, exported_at: datetime | None = None, *,
                     deidentified: bool = False) -> dict[str, Any]:
    if deidentified and not report.deidentified:
        report = deidentify(report)
    return {"format_version": FORMAT_VERSION, "type": "kapdesk.session",
            "exported_at": utc_iso(exported_at), "clinic": report.clinic_name,
            "deidentified": report.deidentified, **session_dict(report)}


def course_document(course: CourseReport, sessions: Sequence[SessionReport] = (),
                    exported_at: datetime | None = None, *,
                    deidentified: bool = False) -> dict[str, Any]:
    """The course summary, its dose history, and (when given) each session whole."""
    if deidentified and not course.deidentified:
        course = deidentify_course(course)
        sessions = [deidentify(s) for s in sessions]
    return {
        "format_version": FORMAT_VERSION, "type": "kapdesk.course",
        "exported_at": utc_iso(exported_at), "clinic": course.clinic_name,
        "deidentified": course.deidentified,
        "patient": _patient(course.patient, course.deidentified),
        "courses": plain(course.courses),
        "sessions": plain(course.sessions),
        "doses": plain(course.doses),
        "session_reports": [session_dict(s) for s in sessions],
    }


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_json(document: Mapping[str, Any], path: Path, *, overwrite: bool = False) -> Path:
    text = dumps(document)
    return write_text(path, lambda out: out.write(text), overwrite=overwrite)
