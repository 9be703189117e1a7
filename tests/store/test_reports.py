"""Reading a session and a course whole, the export audit rows, and the REMS list."""

import json
from datetime import timedelta

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.deidentify import deidentify
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.export.csv_export import session_rows
from kapdesk.store.audit import AuditTrail, verify_chain
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.reports import (
    UnknownPatientError,
    UnknownSessionError,
    find_sessions,
    load_course_report,
    load_session_report,
    observation_rows,
    record_export,
    rems_due,
)
from kapdesk.store.timefmt import to_db
from tests.export.sample_session import (
    AMENDMENT_TEXT,
    CORRECTION_REASON,
    NOTE_TEXT,
    PATIENT_DOB,
    PATIENT_NAME,
    write_session,
)

DAY = 24 * 3600.0


def test_session_report_holds_the_whole_record(db: Database, clock: FakeClock,
                                               protocols: dict[str, Protocol]) -> None:
    sample = write_session(db, clock, protocols["im-kap"])
    r = load_session_report(db, sample.session_id, "Harbour", sample.plays)
    assert (r.clinic_name, r.patient.code, r.patient.name, r.patient.date_of_birth) == (
        "Harbour", "K-204", PATIENT_NAME, PATIENT_DOB)
    assert r.patient.weight_kg == 68 and "Penicillin" in r.patient.allergies
    assert r.clinicians == {sample.clinician: "Dr Ana Silva", sample.nurse: "Sam Okafor, RN"}
    assert [t.to_state for t in r.transitions] == [
        "planned", "preparing", "dosed", "recovery", "discharged", "closed"]
    assert r.state is State.CLOSED and r.t0 is not None
    # every row is kept; "current" holds the latest of each chain
    assert len(r.entries) == db.execute("SELECT count(*) FROM observations").fetchone()[0]
    assert len(r.current) == len(r.entries) - 2
    corrected = next(o for o in r.vitals if o.reason == CORRECTION_REASON)
    assert corrected.values["systolic"] == 135
    assert [o.values["systolic"] for o in r.chain(corrected.id)] == [145, 135]
    amended = next(o for o in r.vitals if o.amendment)
    assert amended.values["heart_rate"] == 86
    assert len(r.revised) == 2
    assert r.note == NOTE_TEXT
    assert [o.values["text"] for o in r.note_amendments] == [AMENDMENT_TEXT]
    assert {a.rule for a in r.alerts} == {"bp_high", "bp_rise", "moaas_low"}
    assert all(a.acknowledged_by == sample.clinician for a in r.alerts)
    assert r.signature is not None and r.signature.name == "Dr Ana Silva"
    assert r.signature.meaning == "Reviewed and signed as the session note"
    lights = [c for c in r.cue_events if c.cue_kind == "lights" and c.event == "cue_acknowledged"]
    assert [round(c.elapsed_s / 60) for c in lights] == [3, 51]
    assert any(c.event == "cue_skipped" and c.reason for c in r.cue_events)
    d = r.discharge
    assert d is not None and d.ready_at == r.t0 + timedelta(minutes=80)
    assert d.monitoring_minutes is not None and d.monitoring_minutes >= 90
    assert r.screening is not None and r.total_dose_mg == 70
    assert r.plays[0].title == "Slow Tide (onset)"


def test_unknown_session_and_patient_are_clear_errors(db: Database) -> None:
    with pytest.raises(UnknownSessionError, match="There is no session 999"):
        load_session_report(db, 999, "Harbour")
    with pytest.raises(UnknownPatientError, match="no patient with the code 'Z-1'"):
        find_sessions(db, "Z-1")
    with pytest.raises(UnknownPatientError):
        load_course_report(db, " Z-1 ", "Harbour")
    with pytest.raises(UnknownSessionError):
        record_export(db, FakeClock(), None, "pdf", "/tmp/x.pdf", session_id=999)


def test_course_report_spacing_and_integration(db: Database, clock: FakeClock,
                                               protocols: dict[str, Protocol]) -> None:
    first = write_session(db, clock, protocols["im-kap"])
    clock.advance(DAY)
    PatientStore(db, clock, AuditTrail(db, clock)).record_integration(
        "K-204", clock.now() - timedelta(hours=1), "Reflected on the session.", "Journal.",
        first.clinician)
    clock.advance(2 * DAY)
    second = write_session(db, clock, protocols["im-kap"])
    course = load_course_report(db, "K-204", "Harbour")
    assert [s.kind for s in course.sessions] == ["dosing", "integration", "dosing"]
    assert [s.session_id for s in course.dosing] == [first.session_id, second.session_id]
    summary = course.sessions[0]
    assert (summary.dose_mg, summary.lowest_moaas, summary.max_dissociation) == (
        70, 3, "moderate")
    assert summary.side_effects == ("Nausea (mild)",) and summary.signed
    assert summary.alerts == 3
    doses = course.doses
    assert doses[0].hours_since_previous is None
    assert doses[1].hours_since_previous is not None and 72 < doses[1].hours_since_previous < 78
    assert doses[1].integration_before and doses[1].in_window == 2
    assert "Reflected" in course.integration[0].note
    assert find_sessions(db, "K-204") == list(course.sessions)


def test_sql_rows_match_the_report_rows(db: Database, clock: FakeClock,
                                        protocols: dict[str, Protocol]) -> None:
    """The streamed CSV rows (SQL) and a report's rows (Python) are the same, value for value."""
    a = write_session(db, clock, protocols["im-kap"])
    clock.advance(3 * DAY)
    b = write_session(db, clock, protocols["esketamine-nasal"], code="K-205", signed=False)
    for deidentified in (False, True):
        sql = [list(map(_text, row)) for row in observation_rows(db, deidentified=deidentified)]
        py = []
        for sample in (a, b):
            report = load_session_report(db, sample.session_id, "Harbour")
            if deidentified:
                report = deidentify(report)
            py += [list(map(_text, row)) for row in session_rows(report)]
        assert sql == py
    only_b = list(observation_rows(db, patient_code="K-205"))
    assert {row[1] for row in only_b} == {b.session_id}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def test_record_export_is_audited(db: Database, clock: FakeClock,
                                  protocols: dict[str, Protocol]) -> None:
    sample = write_session(db, clock, protocols["im-kap"])
    rid = record_export(db, clock, sample.clinician, "pdf", "/exports/K-204.pdf",
                        session_id=sample.session_id)
    pid = record_export(db, clock, sample.clinician, "csv", "/exports/K-204.csv",
                        patient_code="K-204", deidentified=True)
    rows = {r["id"]: r for r in AuditTrail(db, clock).rows()}
    assert rows[rid]["action"] == "export" and rows[rid]["entity"] == "session"
    assert rows[rid]["entity_id"] == sample.session_id
    assert json.loads(rows[rid]["new"]) == {"what": "pdf", "target": "/exports/K-204.pdf",
                                            "deidentified": False}
    assert rows[pid]["entity"] == "patient"
    assert json.loads(rows[pid]["new"])["deidentified"] is True
    assert verify_chain(db) is None


def test_rems_due_lists_unexported_esketamine_sessions_for_seven_days(
        db: Database, clock: FakeClock, protocols: dict[str, Protocol]) -> None:
    write_session(db, clock, protocols["im-kap"])  # not esketamine: never listed
    clock.advance(DAY)
    esk = write_session(db, clock, protocols["esketamine-nasal"], code="K-205", signed=False)
    due = rems_due(db, clock)
    assert [(sid, code) for sid, code, _t0, _by in due] == [(esk.session_id, "K-205")]
    t0 = due[0][2]
    assert due[0][3] == t0 + timedelta(days=7)
    record_export(db, clock, esk.clinician, "pdf", "note.pdf", session_id=esk.session_id)
    assert len(rems_due(db, clock)) == 1  # a session note is not the REMS summary
    clock.advance(DAY)
    other = write_session(db, clock, protocols["esketamine-nasal"], code="K-206")
    record_export(db, clock, esk.clinician, "rems", "rems.pdf", session_id=esk.session_id)
    assert [d[0] for d in rems_due(db, clock)] == [other.session_id]
    clock.advance(8 * DAY)
    assert rems_due(db, clock) == []  # its 7 days have passed


def test_rems_due_skips_a_session_still_running(db: Database, clock: FakeClock,
                                                protocols: dict[str, Protocol]) -> None:
    from kapdesk.store.sessions import SessionStore
    from kapdesk.store.users import UserStore

    uid = UserStore(db, clock).add("Dr Ana Silva").id
    sessions = SessionStore(db, clock)
    sid = sessions.plan("K-301", protocols["esketamine-nasal"], uid).id
    sessions.transition(sid, State.PREPARING, uid)
    sessions.transition(sid, State.DOSED, uid)
    assert rems_due(db, clock) == []


def test_music_played_is_read_from_the_session_record(db: Database, clock: FakeClock,
                                                      protocols: dict[str, Protocol]) -> None:
    sample = write_session(db, clock, protocols["im-kap"], signed=False)
    t0 = load_session_report(db, sample.session_id, "Harbour").t0
    assert t0 is not None
    rows = [("onset", "/music/set/01 Slow Tide.ogg", 2, 11, "played", ""),
            ("peak", "/music/set/missing.ogg", 11, 11, "skipped", "file not found"),
            ("peak", "/music/set/02 Long Light.ogg", 11, None, None, "")]
    for phase, path, start, end, outcome, reason in rows:
        db.execute("INSERT INTO music_plays (session_id, phase, path, started_at, ended_at, "
                   "outcome, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [sample.session_id, phase, path, to_db(t0 + timedelta(minutes=start)),
                    to_db(t0 + timedelta(minutes=end)) if end is not None else None, outcome,
                    reason])
    db.execute("INSERT INTO music_tracks (path, size, mtime, tags, checked_at) "
               "VALUES (?, 1, 1, ?, ?)", ["/music/set/01 Slow Tide.ogg",
                                          json.dumps({"title": "Slow Tide", "artist": "Ensemble"}),
                                          to_db(t0)])
    plays = load_session_report(db, sample.session_id, "Harbour").plays
    assert [(p.title, p.phase, p.skipped_reason) for p in plays] == [
        ("Ensemble - Slow Tide", "onset", ""), ("missing", "peak", "file not found"),
        ("02 Long Light", "peak", "")]
    assert plays[0].ended_at == t0 + timedelta(minutes=11) and plays[2].ended_at is None
