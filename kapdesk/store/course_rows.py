"""A patient's sessions as history lines: a few queries for all of them, not one per session."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from kapdesk.core.course_report import SessionSummary, worst_severity
from kapdesk.core.observations import Kind, Observation
from kapdesk.core.report import current_entries
from kapdesk.store.connection import Database
from kapdesk.store.timefmt import from_db

_SUMMARY_KINDS = (Kind.DOSE, Kind.MOAAS, Kind.DISSOCIATION, Kind.SIDE_EFFECT)


def course_summaries(db: Database, patient_id: int) -> list[SessionSummary]:
    """Every session of the patient, oldest first, with its dose and what was seen."""
    rows = db.execute(
        "SELECT s.id, s.kind, s.protocol_id, json_extract(s.protocol_json, '$.name'), "
        "json_extract(s.protocol_json, '$.drug'), s.state, s.planned_at, s.t0, s.course_id, "
        "s.number, (SELECT count(*) FROM alerts a WHERE a.session_id = s.id), "
        "EXISTS (SELECT 1 FROM signatures g WHERE g.session_id = s.id), "
        "(SELECT text FROM session_notes n WHERE n.session_id = s.id) "
        "FROM sessions s WHERE s.patient_id = ? ORDER BY coalesce(s.t0, s.planned_at), s.id",
        [patient_id]).fetchall()
    marks = ",".join("?" * len(_SUMMARY_KINDS))
    by_session: dict[int, list[Observation]] = defaultdict(list)
    for oid, sid, kind, observed, data, corrects in db.execute(
            "SELECT o.id, o.session_id, o.kind, o.observed_at, o.data, o.corrects "
            "FROM observations o JOIN sessions s ON s.id = o.session_id "
            f"WHERE s.patient_id = ? AND o.kind IN ({marks}) ORDER BY o.id",
            [patient_id, *(k.value for k in _SUMMARY_KINDS)]):
        at = from_db(observed)
        by_session[sid].append(Observation(oid, sid, Kind(kind), at, at, 0, json.loads(data),
                                           corrects))
    reasons: dict[int, str] = {}
    for sid, reason in db.execute(
            "SELECT e.session_id, json_extract(e.data, '$.spacing_reason') FROM session_events e "
            "JOIN sessions s ON s.id = e.session_id WHERE s.patient_id = ? AND e.kind = "
            "'transition' AND json_extract(e.data, '$.spacing_reason') IS NOT NULL",
            [patient_id]):
        reasons[sid] = str(reason)
    return [_summary(row, current_entries(tuple(by_session.get(row[0], ()))),
                     reasons.get(row[0], "")) for row in rows]


def _summary(row: tuple[Any, ...], current: tuple[Observation, ...],
             reason: str) -> SessionSummary:
    (sid, kind, protocol_id, protocol_name, drug, state, planned_at, t0, course_id, number,
     alerts, signed, note) = row
    doses = [o for o in current if o.kind is Kind.DOSE]
    moaas = [int(o.values["score"]) for o in current if o.kind is Kind.MOAAS]
    dissociation = [str(o.values["severity"]) for o in current if o.kind is Kind.DISSOCIATION]
    effects = tuple(dict.fromkeys(
        f"{o.values['name']} ({o.values['severity']})" for o in current
        if o.kind is Kind.SIDE_EFFECT))
    return SessionSummary(
        session_id=sid, kind=kind, protocol_id=protocol_id, protocol_name=protocol_name or "",
        state=state, planned_at=from_db(planned_at), t0=from_db(t0) if t0 else None,
        course_id=course_id, number=number,
        drug=str(doses[0].values["drug"]) if doses else str(drug or ""),
        dose_mg=sum(float(o.values["dose_mg"]) for o in doses) if doses else None,
        signed=bool(signed), alerts=int(alerts), lowest_moaas=min(moaas, default=None),
        max_dissociation=worst_severity(dissociation), side_effects=effects,
        note=str(note or "") if kind == "integration" else "", spacing_reason=reason)
