"""Invented demo data: patients, courses, past sessions with their cues, vitals, ratings,
notes and signatures, integration sessions between doses, and one session planned today.

Everything here is made up. It is written through the real stores, on a clock set to
the past, so the demo looks exactly like a clinic's own record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.core.checklists import SCREENING_ITEMS
from kapdesk.core.clock import FakeClock
from kapdesk.core.cues import CueEventKind, expand_schedule
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.accounts import AccountStore
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore

# Invented accounts (display name, username, role), all with the demo password below.
DEMO_ACCOUNTS = (("Dr Ada Quill", "ada.quill", "clinician"),
                 ("Sam Okafor, RN", "sam.okafor", "clinician"),
                 ("Riley Park", "riley.park", "staff"),
                 ("Jo Admin", "admin", "admin"))
DEMO_PASSWORD = "demo-password"
DEMO_LOGIN = ("ada.quill", DEMO_PASSWORD)
# code, invented name, date of birth, weight (kg)
DEMO_PATIENTS = (
    ("K-101", "Morgan Vale", "1984-05-12", 71.0),
    ("K-102", "Jules Arden", "1979-11-03", 82.5),
    ("K-103", "Robin Ashby", "1991-02-27", 64.0),
    ("K-104", "Casey Lund", "1968-08-19", 90.0),
    ("K-105", "Avery Stone", "1995-12-01", 58.5),
    ("K-106", "Quinn Harlow", "1988-04-09", 77.0),
)
SKIP_REASONS = ("Patient asleep, not disturbed", "Done with the previous cue")
NOTES = (
    "Settled quickly with eyeshades. Brief nausea at T+20, settled without medication.",
    "Tearful during the peak, then calm. Spoke of a sense of distance from old worries.",
    "Comfortable throughout. Asked for the music a little lower at the return.",
)


@dataclass
class _Stores:
    clock: FakeClock
    sessions: SessionStore
    records: RecordStore
    patients: PatientStore


def write_demo(db: Database, protocols: dict[str, Protocol], now: datetime,
               seed: int = 7) -> dict[str, int]:
    """Fill an empty database with invented history. Returns counts of what was written."""
    rng = random.Random(seed)
    clock = FakeClock(now - timedelta(days=60))
    audit = AuditTrail(db, clock)
    sessions = SessionStore(db, clock, audit)
    stores = _Stores(clock, sessions, RecordStore(db, clock, sessions, audit),
                     PatientStore(db, clock, audit))
    accounts = AccountStore(db, clock, audit)
    made = [accounts.create(name, login, role, DEMO_PASSWORD, None)
            for name, login, role in DEMO_ACCOUNTS]
    staff = [u for u in made if u.role == "clinician"]
    order = [p for p in ("im-kap", "iv-infusion", "sublingual-lozenge", "esketamine-nasal")
             if p in protocols]
    plan: list[tuple[datetime, str, Protocol, int]] = []
    for i, (code, name, born, weight) in enumerate(DEMO_PATIENTS):
        protocol = protocols[order[i % len(order)]]
        stores.patients.save(code, staff[0].id, name=name, date_of_birth=born,
                             weight_kg=weight, allergies="none known" if i % 2 else "")
        start = now - timedelta(days=56 - 7 * i)
        course = stores.patients.add_course(code, protocol.id, 6, start.date(), staff[0].id)
        for n in range(rng.randint(2, 6)):
            day = start + timedelta(days=4 * n, hours=rng.randint(0, 4))
            if day < now - timedelta(hours=30):
                plan.append((day, code, protocol, course.id))
    count = 0
    for when, code, protocol, course_id in sorted(plan, key=lambda p: p[0]):
        user = rng.choice(staff)
        _past_session(stores, when, code, protocol, course_id, user.id, user.display_name, rng)
        count += 1
    clock.advance_to(now)
    sessions.plan("K-107", protocols[order[0]], staff[0].id)
    return {"patients": len(DEMO_PATIENTS) + 1, "sessions": count + 1}


def _past_session(s: _Stores, when: datetime, code: str, protocol: Protocol, course_id: int,
                  user: int, user_name: str, rng: random.Random) -> None:
    clock = s.clock
    clock.advance_to(max(when, clock.now()))
    session = s.sessions.plan(code, protocol, user, course_id=course_id,
                              spacing_reason="Planned in the course schedule")
    clock.advance(20 * 60)
    s.sessions.transition(session.id, State.PREPARING, user)
    s.records.record(session.id, Kind.SCREENING,
                     {"items": dict.fromkeys(SCREENING_ITEMS, True)}, user)
    base = (rng.randint(112, 132), rng.randint(70, 84))
    s.records.record(session.id, Kind.VITALS, {"systolic": base[0], "diastolic": base[1],
                                               "heart_rate": rng.randint(62, 80), "spo2": 98,
                                               "resp_rate": 14}, user)
    clock.advance(rng.randint(15, 30) * 60)
    session = s.sessions.transition(session.id, State.DOSED, user)
    dosed_at = clock.now()
    patient = s.patients.by_code(code)
    weight = (patient.weight_kg if patient is not None else None) or 70.0

    def dose(device: int | None) -> None:
        s.records.record(session.id, Kind.DOSE, {
            "drug": protocol.drug.capitalize(), "route": protocol.route,
            "dose_mg": 28.0 if device else round(weight * 0.75), "lot": f"DEMO-{when:%y%m}",
            **({"device": device} if device else {})}, user)

    dose(1 if protocol.drug == "esketamine" else None)
    for cue in expand_schedule(protocol):
        clock.advance_to(max(dosed_at + timedelta(seconds=cue.due_s), clock.now()))
        s.sessions.record_cue(session.id, cue.key, CueEventKind.DUE, None, {"due_s": cue.due_s})
        clock.advance(rng.randint(5, 90))
        if cue.key.startswith("device-"):  # esketamine: one record per device
            dose(int(cue.key.split("-")[1].split("#")[0]))
        elif cue.kind == "vitals":
            rise = 25 if cue.due_s <= 45 * 60 else 8
            s.records.record(session.id, Kind.VITALS, {
                "systolic": base[0] + rng.randint(0, rise),
                "diastolic": base[1] + rng.randint(0, 12),
                "heart_rate": rng.randint(68, 96), "spo2": rng.randint(95, 99),
                "resp_rate": rng.randint(12, 16)}, user)
        elif cue.kind == "rating":
            peak = cue.due_s <= 45 * 60
            s.records.record(session.id, Kind.MOAAS, {"score": 4 if peak else 5}, user)
            s.records.record(session.id, Kind.DISSOCIATION,
                             {"severity": rng.choice(("moderate", "severe") if peak
                                                     else ("none", "mild"))}, user)
        kind = CueEventKind.SKIPPED if rng.random() < 0.05 else CueEventKind.ACKNOWLEDGED
        data = {"reason": rng.choice(SKIP_REASONS)} if kind is CueEventKind.SKIPPED else {}
        s.sessions.record_cue(session.id, cue.key, kind, user, data)
        if cue.due_s >= protocol.phases[-1].start_min * 60 and \
                s.sessions.get(session.id).state is State.DOSED:
            s.sessions.transition(session.id, State.RECOVERY, user)
    if rng.random() < 0.3:
        s.records.record(session.id, Kind.SIDE_EFFECT, {"name": "Nausea", "severity": "mild"},
                         user)
    s.records.save_note(session.id, rng.choice(NOTES), user)
    if s.sessions.get(session.id).state is State.DOSED:
        s.sessions.transition(session.id, State.RECOVERY, user)
    minimum = dosed_at + timedelta(minutes=protocol.min_monitoring_minutes + rng.randint(0, 15))
    clock.advance_to(max(clock.now(), minimum))
    s.sessions.transition(session.id, State.DISCHARGED, user)
    clock.advance(5 * 60)
    s.sessions.transition(session.id, State.CLOSED, user)
    if rng.random() < 0.85:  # a few are left unsigned, as in any clinic
        clock.advance(30 * 60)
        s.records.sign(session.id, user, user_name)
    clock.advance(24 * 3600)  # integration the next day
    s.patients.record_integration(
        code, clock.now(), "Integration talk: reflected on the session's themes.",
        "Journal daily; next dosing session as planned.", user, course_id)
