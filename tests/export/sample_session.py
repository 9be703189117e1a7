"""A full session, written through the real stores with invented data: the export tests'
and the export benchmark's subject. Every name, date and note here is made up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kapdesk.core.clock import FakeClock
from kapdesk.core.cues import CueEventKind, expand_schedule
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.core.report import TrackPlay
from kapdesk.core.session import State
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.users import UserStore

PATIENT_NAME = "Morgan Testperson"
PATIENT_DOB = "1984-05-12"
SCREENING_COMMENT = "Escort is her sister Juniper Quarrel"
NOTE_TEXT = ("Settled quickly with eyeshades. Spoke about her grandmother Odalys during the "
             "peak; calm at the return.\n\nPlan: integration session on Thursday.")
AMENDMENT_TEXT = "Late entry: telephoned the next morning, slept well, no nausea."
CORRECTION_REASON = "Typed 145 for 135 (Zebulon checked the monitor log)"


@dataclass(frozen=True)
class Sample:
    session_id: int
    clinician: int
    nurse: int
    code: str
    plays: tuple[TrackPlay, ...]


def write_session(db: Database, clock: FakeClock, protocol: Protocol, *, code: str = "K-204",
                  signed: bool = True, amend: bool = True,
                  course_id: int | None = None) -> Sample:
    """Plan, screen, dose, monitor (with an alert, a correction, ratings, a side effect and
    an antiemetic), discharge, and optionally sign and amend one session."""
    audit = AuditTrail(db, clock)
    sessions = SessionStore(db, clock, audit)
    records = RecordStore(db, clock, sessions, audit)
    users = UserStore(db, clock)
    names = {u.display_name: u.id for u in users.all()}
    doc = names.get("Dr Ana Silva") or users.add("Dr Ana Silva").id
    nurse = names.get("Sam Okafor, RN") or users.add("Sam Okafor, RN").id
    PatientStore(db, clock, audit).save(code, doc, name=PATIENT_NAME,
                                        date_of_birth=PATIENT_DOB, weight_kg=68.0,
                                        allergies="Penicillin (rash)")
    sid = sessions.plan(code, protocol, doc, spacing_reason="First session of the course",
                        course_id=course_id).id
    clock.advance(10 * 60)
    sessions.transition(sid, State.PREPARING, doc)
    records.record(sid, Kind.SCREENING, {
        "items": {"Medical and psychiatric history reviewed": True,
                  "Escort arranged for discharge": True, "Consent confirmed": True,
                  "Current medicines reviewed (benzodiazepines/sedatives, psychostimulants, "
                  "MAOIs, opioids)": True,
                  "Pregnancy excluded or discussed": False},
        "comment": SCREENING_COMMENT}, doc)
    records.record(sid, Kind.VITALS, {"systolic": 124, "diastolic": 78, "heart_rate": 72,
                                      "spo2": 98, "resp_rate": 14}, nurse)
    clock.advance(15 * 60)
    t0 = sessions.transition(sid, State.DOSED, doc).t0
    assert t0 is not None
    esketamine = protocol.drug == "esketamine"
    devices = 3 if esketamine else 1
    for n in range(devices):
        clock.advance_to(t0 + timedelta(minutes=5 * n, seconds=30))
        values = {"drug": protocol.drug, "dose_mg": 28 if esketamine else 70.0,
                  "route": protocol.route, "lot": "LOT-7731A"}
        if esketamine:
            values["device"] = n + 1
        records.record(sid, Kind.DOSE, values, doc, observed_at=t0 + timedelta(minutes=5 * n))
    at = {15: (138, 84, 88, 97, 15), 30: (182, 112, 96, 95, 13), 35: (150, 92, 90, 96, 14),
          40: (146, 90, 86, 96, 14), 45: (145, 88, 82, 97, 14), 60: (132, 82, 78, 98, 15),
          85: (126, 80, 74, 98, 15), 115: (122, 78, 72, 98, 15)}
    ratings = {30: (3, "moderate"), 60: (5, "mild"), 100: (5, "none")}
    last = 85 if not esketamine else 115
    schedule = expand_schedule(protocol)
    plan = sorted({*[m for m in at if m <= last], *ratings, 20, 22,
                   *(c.due_s / 60 for c in schedule)})
    recovery_from = protocol.phases[-1].start_min
    first_vitals = 0
    for minute in plan:
        clock.advance_to(max(clock.now(), t0 + timedelta(minutes=minute)))
        for cue in schedule:
            if cue.due_s == minute * 60:
                sessions.record_cue(sid, cue.key, CueEventKind.DUE, None)
                clock.advance(40)
                kind = CueEventKind.SKIPPED if cue.kind == "music" and minute > 40 \
                    else CueEventKind.ACKNOWLEDGED
                data = {"reason": "Patient asleep, Zebulon agreed"} \
                    if kind is CueEventKind.SKIPPED else {}
                sessions.record_cue(sid, cue.key, kind, nurse, data)
        if minute in at and minute <= last:
            s, d, hr, spo2, rr = at[minute]
            saved = records.record(sid, Kind.VITALS, {
                "systolic": s, "diastolic": d, "heart_rate": hr, "spo2": spo2,
                "resp_rate": rr}, nurse)
            first_vitals = first_vitals or saved.observation.id
            for alert in saved.alerts:
                clock.advance(20)
                records.acknowledge_alert(alert.id, doc)
            if minute == 45:
                clock.advance(60)
                records.correct(saved.observation.id, nurse, CORRECTION_REASON,
                                {"systolic": 135, "diastolic": 88, "heart_rate": 82,
                                 "spo2": 97, "resp_rate": 14})
        if minute in ratings:
            score, severity = ratings[minute]
            for alert in records.record(sid, Kind.MOAAS, {"score": score}, doc).alerts:
                records.acknowledge_alert(alert.id, doc)
            records.record(sid, Kind.DISSOCIATION, {"severity": severity}, doc)
        if minute == 30:
            records.record(sid, Kind.CADSS6, {"items": {"1": 2, "2": 1, "6": 2, "7": 1,
                                                        "15": 0, "22": 1}}, doc)
        if minute == 20:
            records.record(sid, Kind.SIDE_EFFECT, {"name": "Nausea", "severity": "mild"}, nurse)
        if minute == 22:
            records.record(sid, Kind.MEDICATION, {"drug": "Ondansetron", "dose_mg": 4,
                                                  "route": "oral"}, nurse)
        if minute >= recovery_from and sessions.get(sid).state is State.DOSED:
            sessions.transition(sid, State.RECOVERY, doc)
    records.save_note(sid, NOTE_TEXT, doc)
    if sessions.get(sid).state is State.DOSED:
        sessions.transition(sid, State.RECOVERY, doc)
    clock.advance_to(max(clock.now(), t0 + timedelta(minutes=protocol.min_monitoring_minutes
                                                     + 3)))
    records.record(sid, Kind.DISCHARGE, {
        "items": {"Back to baseline: alert, oriented, walking steadily": True,
                  "Vitals acceptable": True, "Responsible adult escort present": True},
        "ready_at": (t0 + timedelta(minutes=80)).isoformat()}, doc)
    sessions.transition(sid, State.DISCHARGED, doc)
    clock.advance(5 * 60)
    sessions.transition(sid, State.CLOSED, doc)
    if signed:
        clock.advance(20 * 60)
        records.sign(sid, doc, "Dr Ana Silva")
        if amend:
            clock.advance(3600)
            records.amend(first_vitals, doc, "Monitor printout shows HR 86",
                          {"systolic": 138, "diastolic": 84, "heart_rate": 86, "spo2": 97,
                           "resp_rate": 15})
            records.add_amendment(sid, Kind.NOTE, {"text": AMENDMENT_TEXT}, doc,
                                  "Follow-up call")
    plays = (TrackPlay("Slow Tide (onset)", t0 + timedelta(minutes=2),
                       t0 + timedelta(minutes=11), "onset"),
             TrackPlay("Long Light (peak)", t0 + timedelta(minutes=11),
                       t0 + timedelta(minutes=44), "peak"),
             TrackPlay("Harbour (return)", t0 + timedelta(minutes=44),
                       t0 + timedelta(minutes=76), "return"))
    return Sample(sid, doc, nurse, code, plays)
