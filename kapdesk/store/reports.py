"""Reading a session or a patient's course whole, for the history view and the exports.

Read-only, except `record_export`, which writes the audit row every export needs. The
observation rows for a CSV of many sessions come straight from SQL (`observation_rows`), in
the column order of kapdesk.core.report.CSV_COLUMNS, so a 10-year database streams out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from kapdesk.core.clock import Clock
from kapdesk.core.course import Course
from kapdesk.core.course_report import CourseReport, SessionSummary
from kapdesk.core.cues import CueEventKind, expand_schedule
from kapdesk.core.errors import KapdeskError
from kapdesk.core.observations import Kind, Observation
from kapdesk.core.protocol_stored import stored_protocol
from kapdesk.core.report import (
    AlertInfo,
    CueRecord,
    PatientInfo,
    SessionReport,
    SignatureInfo,
    T0Correction,
    TrackPlay,
    Transition,
)
from kapdesk.core.session import ClockAdjustment, State, Timeline
from kapdesk.store.audit import AuditTrail, chain_head
from kapdesk.store.connection import Database
from kapdesk.store.course_rows import course_summaries
from kapdesk.store.signature import verify as verify_signature
from kapdesk.store.timefmt import from_db, to_db

REMS_PROTOCOL = "esketamine-nasal"
REMS_DAYS = 7


class UnknownSessionError(KapdeskError):
    """No session has this id."""


class UnknownPatientError(KapdeskError):
    """No patient has this code."""


_OBS = ("SELECT id, session_id, kind, observed_at, recorded_at, user_id, data, corrects, "
        "reason, amendment FROM observations ")


def observation(row: Sequence[Any]) -> Observation:
    (oid, sid, kind, observed, recorded, user, data, corrects, reason, amendment) = row
    return Observation(oid, sid, Kind(kind), from_db(observed), from_db(recorded), user,
                       json.loads(data), corrects, reason, bool(amendment))


def _patient(db: Database, code: str) -> tuple[int, PatientInfo]:
    row = db.execute("SELECT id, code, name, date_of_birth, weight_kg, allergies, sex "
                     "FROM patients WHERE code = ?", [code.strip()]).fetchone()
    if row is None:
        raise UnknownPatientError(f"There is no patient with the code '{code.strip()}'.")
    return int(row[0]), PatientInfo(row[1], row[2] or "", row[3], row[4], row[5] or "",
                                    row[6])


def _names(db: Database, ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    rows = db.execute(f"SELECT id, display_name FROM users WHERE id IN "
                      f"({','.join('?' * len(wanted))})", wanted).fetchall()
    return {int(r[0]): str(r[1]) for r in rows}


def _plays(db: Database, session_id: int) -> tuple[TrackPlay, ...]:
    """The tracks the room played (kapdesk.store.music writes them), titled from their tags."""
    rows = db.execute(
        "SELECT p.path, p.phase, p.started_at, p.ended_at, p.outcome, p.reason, "
        "json_extract(t.tags, '$.title'), json_extract(t.tags, '$.artist') "
        "FROM music_plays p LEFT JOIN music_tracks t ON t.path = p.path "
        "WHERE p.session_id = ? ORDER BY p.id", [session_id]).fetchall()
    out = []
    for path, phase, started, ended, outcome, reason, title, artist in rows:
        name = str(title) if title else PurePath(str(path).replace("\\", "/")).stem
        out.append(TrackPlay(f"{artist} - {name}" if artist and title else name,
                             from_db(started), from_db(ended) if ended else None, phase,
                             (reason or "skipped") if outcome == "skipped" else ""))
    return tuple(out)


def load_session_report(db: Database, session_id: int, clinic_name: str,
                        plays: Sequence[TrackPlay] | None = None) -> SessionReport:
    """Everything recorded for one session; `plays` overrides the music read from the
    session's record."""
    row = db.execute(
        "SELECT s.protocol_json, s.state, s.planned_at, s.t0, s.kind, s.course_id, s.number, "
        "s.created_by, p.code FROM sessions s JOIN patients p ON p.id = s.patient_id "
        "WHERE s.id = ?", [session_id]).fetchone()
    if row is None:
        raise UnknownSessionError(f"There is no session {session_id}.")
    (proto_json, state, planned_at, t0_text, kind, course_id, number, created_by, code) = row
    protocol = stored_protocol(proto_json)
    _pid, patient = _patient(db, code)
    t0 = from_db(t0_text) if t0_text else None
    events = db.execute("SELECT at, kind, cue_key, user_id, data, id FROM session_events "
                        "WHERE session_id = ? ORDER BY id", [session_id]).fetchall()
    transitions: list[Transition] = []
    corrections: list[T0Correction] = []
    adjustments: list[ClockAdjustment] = []
    cue_rows: list[tuple[datetime, str, str, int | None, dict[str, Any], int]] = []
    cue_kinds = {k.value for k in CueEventKind}
    for at_text, ev_kind, cue_key, user_id, data_text, event_id in events:
        at, data = from_db(at_text), json.loads(data_text)
        if ev_kind == "transition":
            transitions.append(Transition(
                at, data.get("from"), data["to"], user_id,
                str(data.get("reason") or data.get("spacing_reason") or ""),
                data.get("monitoring_minutes")))
        elif ev_kind == "t0_corrected":
            corrections.append(T0Correction(at, from_db(data["old"]), from_db(data["new"]),
                                            user_id, str(data.get("reason", ""))))
        elif ev_kind == "clock_jump":
            adjustments.append(ClockAdjustment(at, float(data["seconds"]), event_id,
                                               data.get("observations_before")))
        elif ev_kind in cue_kinds:
            cue_rows.append((at, ev_kind, cue_key or "", user_id, data, event_id))
    timeline = Timeline(t0, tuple(adjustments))
    schedule = {c.key: c for c in expand_schedule(protocol)}
    cues = tuple(
        CueRecord(at, timeline.elapsed_at(at, event=event_id), key, ev_kind,
                  schedule[key].kind if key in schedule else "",
                  schedule[key].text if key in schedule else key, user_id,
                  str(data.get("reason", "")))
        for at, ev_kind, key, user_id, data, event_id in cue_rows)
    entries = tuple(observation(r) for r in db.execute(
        _OBS + "WHERE session_id = ? ORDER BY id", [session_id]).fetchall())
    alerts = tuple(
        AlertInfo(r[0], r[1], r[2], r[3], r[4], from_db(r[5]), from_db(r[6]) if r[6] else None,
                  from_db(r[7]) if r[7] else None, r[8])
        for r in db.execute(
            "SELECT a.id, a.observation_id, a.rule, a.severity, a.message, a.raised_at, "
            "a.confirm_due_at, k.at, k.user_id FROM alerts a LEFT JOIN alert_acks k "
            "ON k.alert_id = a.id WHERE a.session_id = ? ORDER BY a.id", [session_id]))
    note_row = db.execute("SELECT text FROM session_notes WHERE session_id = ?",
                          [session_id]).fetchone()
    sig = db.execute("SELECT name, meaning, signed_at, user_id, content_hash FROM signatures "
                     "WHERE session_id = ?", [session_id]).fetchone()
    signature = SignatureInfo(sig[0], sig[1], from_db(sig[2]), sig[3], sig[4]) if sig else None
    check = verify_signature(db, session_id)
    people = ({created_by} | {o.user_id for o in entries} | {t.user_id for t in transitions}
              | {c.user_id for c in cues} | {a.acknowledged_by for a in alerts}
              | {c.user_id for c in corrections} | ({signature.user_id} if signature else set()))
    return SessionReport(
        clinic_name=clinic_name, session_id=session_id, kind=kind, patient=patient,
        protocol=protocol, state=State(state), planned_at=from_db(planned_at), t0=t0,
        clinicians=_names(db, people), transitions=tuple(transitions),
        t0_corrections=tuple(corrections), entries=entries, alerts=alerts, cue_events=cues,
        adjustments=tuple(adjustments), note=str(note_row[0]) if note_row else "",
        signature=signature, plays=_plays(db, session_id) if plays is None else tuple(plays),
        course_id=course_id, number=number, signature_check=check.words if check else "",
        signature_valid=check.valid if check else None, audit_head=chain_head(db))


def find_sessions(db: Database, patient_code: str) -> list[SessionSummary]:
    """The patient's sessions, dosing and integration, oldest first."""
    pid, _patient_info = _patient(db, patient_code)
    return course_summaries(db, pid)


def load_course_report(db: Database, patient_code: str, clinic_name: str,
                       window_days: float = 7) -> CourseReport:
    pid, patient = _patient(db, patient_code)
    courses = tuple(Course(*r) for r in db.execute(
        "SELECT c.id, p.code, c.protocol_id, c.planned_sessions, c.start_date, c.status "
        "FROM courses c JOIN patients p ON p.id = c.patient_id WHERE p.id = ? "
        "ORDER BY c.start_date, c.id", [pid]).fetchall())
    return CourseReport(clinic_name, patient, courses, tuple(course_summaries(db, pid)),
                        window_days)


def session_ids(db: Database, patient_code: str) -> list[int]:
    pid, _patient_info = _patient(db, patient_code)
    return [int(r[0]) for r in db.execute(
        "SELECT id FROM sessions WHERE patient_id = ? ORDER BY coalesce(t0, planned_at), id",
        [pid]).fetchall()]


def _value(key: str) -> str:
    return f"json_extract(o.data, '$.{key}')"


# The CSV's rows in SQL, column for column as kapdesk.export.csv_export writes them.
CSV_SQL = (
    "SELECT o.id, o.session_id, p.code, s.protocol_id, o.observed_at, o.recorded_at, o.kind, "
    + ", ".join(_value(k) for k in ("systolic", "diastolic", "heart_rate", "spo2",
                                    "resp_rate"))
    + f", coalesce({_value('score')}, {_value('total')}), "
    + ", ".join(_value(k) for k in ("severity", "name", "drug", "dose_mg", "route", "lot",
                                    "device", "items", "ready_at"))
    + f", CASE WHEN :deid THEN NULL ELSE coalesce({_value('text')}, {_value('comment')}) END"
    ", u.display_name, o.corrects, o.amendment, CASE WHEN :deid THEN '' ELSE o.reason END, "
    f"CASE WHEN c.cid IS NULL AND NOT coalesce({_value('withdrawn')}, 0) THEN 1 ELSE 0 END "
    "FROM observations o JOIN sessions s ON s.id = o.session_id "
    "JOIN patients p ON p.id = s.patient_id LEFT JOIN users u ON u.id = o.user_id "
    "LEFT JOIN (SELECT DISTINCT corrects AS cid FROM observations WHERE corrects IS NOT NULL) c "
    "ON c.cid = o.id ")


def observation_rows(db: Database, *, patient_code: str | None = None,
                     deidentified: bool = False) -> Iterator[tuple[Any, ...]]:
    """Every observation (of one patient, or all), one tuple per CSV row, streamed."""
    params: dict[str, Any] = {"deid": int(deidentified)}
    where = ""
    if patient_code is not None:
        params["pid"] = _patient(db, patient_code)[0]
        where = "WHERE s.patient_id = :pid "
    yield from db.conn.execute(CSV_SQL + where + "ORDER BY o.session_id, o.id", params)


EXPORT_ACTIONS = ("export_started", "export", "export_failed", "print")


def record_export(db: Database, clock: Clock, user_id: int | None, what: str,
                  target_description: str, *, session_id: int | None = None,
                  patient_code: str | None = None, deidentified: bool = False,
                  action: str = "export", extra: dict[str, Any] | None = None) -> int:
    """An audit row of one export: what (pdf, csv, json, fhir, rems), of what, to where.
    `action` is "export_started" before the file is written, then "export" once it is in
    place or "export_failed" (with the error); a started export with neither was killed.
    `extra` adds to the row (the started row's id, the error's words)."""
    if (session_id is None) == (patient_code is None):
        raise ValueError("an export is of one session or of one patient")
    if action not in EXPORT_ACTIONS:
        raise ValueError(f"an export's audit action is one of {EXPORT_ACTIONS}")
    new: dict[str, Any] = {"what": what, "target": target_description,
                           "deidentified": deidentified, **(extra or {})}
    if session_id is not None:
        if db.execute("SELECT 1 FROM sessions WHERE id = ?", [session_id]).fetchone() is None:
            raise UnknownSessionError(f"There is no session {session_id}.")
        entity, entity_id = "session", session_id
    else:
        assert patient_code is not None
        entity, entity_id = "patient", _patient(db, patient_code)[0]
        new["patient"] = patient_code.strip()
    with db.atomic():
        return AuditTrail(db, clock).append(user_id, action, entity, entity_id, None, new)


def rems_due(db: Database, clock: Clock) -> list[tuple[int, str, datetime, datetime]]:
    """Esketamine sessions whose REMS summary is not yet exported and still within its 7
    days: (session id, patient code, dose time, due by), the most urgent first."""
    now = clock.now()
    since = now - timedelta(days=REMS_DAYS)
    rows = db.execute(
        "SELECT s.id, p.code, s.t0 FROM sessions s JOIN patients p ON p.id = s.patient_id "
        "WHERE s.protocol_id = ? AND s.kind = 'dosing' AND s.t0 IS NOT NULL "
        "AND s.state IN ('discharged', 'closed') AND s.t0 >= ? ORDER BY s.t0",
        [REMS_PROTOCOL, to_db(since)]).fetchall()
    if not rows:
        return []
    exported: set[int] = set()
    # newest audit rows first; exports of these sessions come after their dose (a day's
    # margin for a clock set back), so the scan stops long before a 10-year trail's start
    stop = to_db(from_db(rows[0][2]) - timedelta(days=1))
    for at, entity_id, new in db.execute(
            "SELECT at, entity_id, new FROM audit WHERE action = 'export' AND "
            "entity = 'session' OR at < ? ORDER BY id DESC", [stop]):
        if at < stop:
            break
        if new and json.loads(new).get("what") == "rems":
            exported.add(int(entity_id))
    return [(sid, code, from_db(t0), from_db(t0) + timedelta(days=REMS_DAYS))
            for sid, code, t0 in rows if sid not in exported]
