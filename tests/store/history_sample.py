"""A small invented clinic for the history tests, written through the real stores; and a
patient with many sessions written straight into the schema. Every name is made up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import Protocol
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.timefmt import to_db
from kapdesk.store.users import User, UserStore
from tests.export.sample_session import Sample, write_session

TALK_NOTE = "Integration talk: felt lighter; spoke of the garden again."
QUIET_NAME = "Rowan Quietly"


@dataclass(frozen=True)
class Clinic:
    signed: Sample  # K-204, im-kap, signed, an alert, a correction, amendments
    second: Sample  # K-204 two days later, im-kap, unsigned, an alert
    esketamine: Sample  # K-205, unsigned, its REMS form due
    talk_id: int  # K-204's integration session between the two doses
    planned_id: int  # K-310's planned session: no alerts, nothing to sign
    course_id: int  # K-204's course
    users: dict[str, User]  # clinician, staff, admin


def write_clinic(db: Database, clock: FakeClock, protocols: dict[str, Protocol]) -> Clinic:
    audit = AuditTrail(db, clock)
    users = UserStore(db, clock)
    patients = PatientStore(db, clock, audit)
    doc = users.add("Dr Ana Silva")  # write_session finds its clinician by name
    # the course first: a signed session's course cannot be set afterwards
    course = patients.add_course("K-204", "im-kap", 6, clock.now().date(), doc.id)
    signed = write_session(db, clock, protocols["im-kap"], code="K-204", course_id=course.id)
    clock.advance(timedelta(days=1).total_seconds())
    talk = patients.record_integration("K-204", clock.now() - timedelta(hours=1), TALK_NOTE,
                                       "Journal daily", doc.id, course.id)
    clock.advance(timedelta(days=1).total_seconds())
    second = write_session(db, clock, protocols["im-kap"], code="K-204", signed=False,
                           amend=False, course_id=course.id)
    clock.advance(timedelta(days=1).total_seconds())
    esketamine = write_session(db, clock, protocols["esketamine-nasal"], code="K-205",
                               signed=False, amend=False)
    patients.save("K-310", doc.id, name=QUIET_NAME)
    planned = SessionStore(db, clock, audit).plan("K-310", protocols["im-kap"], doc.id).id
    clock.advance(3600)
    return Clinic(signed, second, esketamine, talk, planned, course.id, {
        "clinician": doc, "staff": users.add("Riley Invented", "staff"),
        "admin": users.add("Jo Invented", "admin")})


def write_many_sessions(db: Database, clock: FakeClock, protocol: Protocol, code: str,
                        count: int, user_id: int) -> list[int]:
    """`count` closed dosing sessions of one patient, a week apart, ending before now, each
    with vitals and ratings; every third unsigned. Straight into the schema, for speed."""
    patient = PatientStore(db, clock, AuditTrail(db, clock)).save(code, user_id,
                                                                   name="Sasha Many")
    start = clock.now() - timedelta(days=7 * count + 1)
    proto = json.dumps(protocol.to_dict())
    ids = []
    with db.atomic():
        for n in range(count):
            t0 = start + timedelta(days=7 * n)
            sid = int(db.execute(
                "INSERT INTO sessions (patient_id, protocol_id, protocol_json, state, "
                "planned_at, t0, created_by, kind, number) VALUES (?, ?, ?, 'closed', ?, ?, "
                "?, 'dosing', ?)", [patient.id, protocol.id, proto,
                                    to_db(t0 - timedelta(minutes=30)), to_db(t0), user_id,
                                    n + 1]).lastrowid or 0)
            rows = [(sid, "dose", t0, {"drug": "ketamine", "dose_mg": 70.0,
                                       "route": "intramuscular"})]
            for minute in range(0, 91, 15):
                at = t0 + timedelta(minutes=minute)
                rows.append((sid, "vitals", at, {"systolic": 120 + minute % 30,
                                                 "diastolic": 78, "heart_rate": 74,
                                                 "spo2": 97, "resp_rate": 14}))
                rows.append((sid, "moaas", at, {"score": 4 if minute < 45 else 5}))
            db.conn.executemany(
                "INSERT INTO observations (session_id, kind, observed_at, recorded_at, "
                "user_id, data) VALUES (?, ?, ?, ?, ?, ?)",
                [(s, k, to_db(at), to_db(at), user_id, json.dumps(v)) for s, k, at, v in rows])
            if n % 3:
                db.execute("INSERT INTO signatures (session_id, user_id, name, meaning, "
                           "signed_at, content_hash) VALUES (?, ?, 'Dr Invented', "
                           "'reviewed and signed', ?, 'x')",
                           [sid, user_id, to_db(t0 + timedelta(hours=3))])
            ids.append(sid)
    return ids
