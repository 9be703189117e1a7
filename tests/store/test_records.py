"""Observations on disk: committed with their audit row, alerts raised and kept, corrections
that never overwrite, and times that must make sense."""

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from kapdesk.core.alerts import Thresholds
from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import ValidationError
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.signature import observation_digest
from kapdesk.store.timefmt import to_db
from tests.store.conftest import preparing

BASELINE = {"systolic": 122, "diastolic": 76, "heart_rate": 70, "spo2": 98, "resp_rate": 14}


@pytest.fixture
def sid(sessions: SessionStore, im_kap: Protocol, user_id: int) -> int:
    return preparing(sessions, im_kap, user_id)


def dose(sessions: SessionStore, clock: FakeClock, sid: int, user_id: int) -> None:
    clock.advance(600)
    sessions.transition(sid, State.DOSED, user_id)


def obs_rows(db_path: Path) -> list[tuple]:
    """What another connection sees: only what has been committed."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT id, session_id, kind, observed_at, recorded_at, user_id, "
                            "data, corrects, reason, amendment FROM observations "
                            "ORDER BY id").fetchall()
    finally:
        conn.close()


def test_record_is_committed_and_audited(records: RecordStore, audit: AuditTrail,
                                         db_path: Path, clock: FakeClock, sid: int,
                                         user_id: int) -> None:
    clock.advance(30)
    saved = records.record(sid, Kind.VITALS, {"systolic": 122, "diastolic": 76, "spo2": 98},
                           user_id)
    obs = saved.observation
    assert (obs.session_id, obs.kind, obs.user_id, obs.corrects, obs.amendment) == (
        sid, Kind.VITALS, user_id, None, False)
    assert obs.observed_at == obs.recorded_at == clock.now()
    assert obs.values == {"systolic": 122.0, "diastolic": 76.0, "spo2": 98.0}
    assert saved.alerts == ()
    assert obs_rows(db_path) == [(
        obs.id, sid, "vitals", to_db(clock.now()), to_db(clock.now()), user_id,
        '{"diastolic": 76.0, "spo2": 98.0, "systolic": 122.0}', None, "", 0)]
    [row] = audit.rows("observation:vitals")
    assert (row["user_id"], row["action"], row["entity_id"], row["old"]) == (
        user_id, "create", obs.id, None)
    new = json.loads(row["new"])
    assert new == {
        "values": {"systolic": 122.0, "diastolic": 76.0, "spo2": 98.0},
        "observed_at": to_db(clock.now()), "session": sid,
        "row": observation_digest([obs.id, sid, "vitals", to_db(clock.now()),
                                   to_db(clock.now()), user_id, json.loads(
                                       obs_rows(db_path)[0][6]), None, "", 0])}
    assert audit.verify() is None


def test_every_kind_round_trips(records: RecordStore, sid: int, user_id: int) -> None:
    entries = [
        (Kind.MOAAS, {"score": 5}), (Kind.RASS, {"score": -1}),
        (Kind.DISSOCIATION, {"severity": "mild"}),
        (Kind.CADSS6, {"items": {1: 1, 2: 0, 6: 2, 7: 0, 15: 1, 22: 0}}),
        (Kind.SIDE_EFFECT, {"name": "Nausea", "severity": "mild"}),
        (Kind.MEDICATION, {"drug": "Ondansetron", "dose_mg": 4, "route": "oral"}),
        (Kind.SCREENING, {"items": {"Consent": True}}),
    ]
    for kind, values in entries:
        records.record(sid, kind, values, user_id)
    stored = records.current(sid)
    assert [o.kind for o in stored] == [k for k, _ in entries]
    assert stored[3].values == {"items": {"1": 1, "2": 0, "6": 2, "7": 0, "15": 1, "22": 0},
                                "total": 4}
    assert records.current(sid, Kind.RASS)[0].values == {"score": -1}


def test_a_refused_entry_writes_nothing(records: RecordStore, audit: AuditTrail,
                                       db_path: Path, sid: int, user_id: int) -> None:
    before = len(audit.rows())
    with pytest.raises(ValidationError, match="Systolic blood pressure 1200 mmHg is outside"):
        records.record(sid, Kind.VITALS, {"systolic": 1200, "diastolic": 80}, user_id)
    assert obs_rows(db_path) == []
    assert len(audit.rows()) == before


def test_high_bp_alert_is_stored_with_its_observation_and_a_confirm_time(
        records: RecordStore, sessions: SessionStore, audit: AuditTrail, clock: FakeClock,
        sid: int, user_id: int) -> None:
    dose(sessions, clock, sid, user_id)
    clock.advance(40 * 60)
    saved = records.record(sid, Kind.VITALS, {"systolic": 184, "diastolic": 102}, user_id)
    [alert] = saved.alerts
    assert (alert.session_id, alert.observation_id, alert.rule, alert.severity) == (
        sid, saved.observation.id, "bp_high", "warning")
    assert alert.message == ("Blood pressure 184/102 is at or above 180/110: take a "
                             "confirming reading in 5 min.")
    assert alert.raised_at == clock.now()
    assert alert.confirm_due_at == clock.now() + timedelta(minutes=5)
    assert records.alerts(sid) == [alert]
    [row] = audit.rows("alert")
    assert (row["user_id"], row["entity_id"]) == (None, alert.id)
    assert json.loads(row["new"]) == {"rule": "bp_high", "observation": saved.observation.id,
                                      "session": sid}

    clock.advance(5 * 60)
    second = records.record(sid, Kind.VITALS, {"systolic": 181, "diastolic": 100}, user_id)
    assert [(a.rule, a.severity, a.confirm_due_at) for a in second.alerts] == [
        ("bp_high_confirmed", "urgent", None)]
    assert second.alerts[0].message == "High blood pressure confirmed: 181/100 after 184/102."
    assert [a.rule for a in records.alerts(sid)] == ["bp_high", "bp_high_confirmed"]


def test_confirm_time_follows_a_backdated_reading(records: RecordStore,
                                                  sessions: SessionStore, clock: FakeClock,
                                                  sid: int, user_id: int) -> None:
    dose(sessions, clock, sid, user_id)
    clock.advance(30 * 60)
    taken = clock.now() - timedelta(minutes=3)
    saved = records.record(sid, Kind.VITALS, {"systolic": 176, "diastolic": 112}, user_id,
                           observed_at=taken)
    assert saved.alerts[0].confirm_due_at == taken + timedelta(minutes=5)
    assert saved.alerts[0].raised_at == clock.now()


def test_predose_prompt_only_before_the_dose(records: RecordStore, sessions: SessionStore,
                                            clock: FakeClock, sid: int, user_id: int) -> None:
    before = records.record(sid, Kind.VITALS, {"systolic": 146, "diastolic": 88}, user_id)
    assert [(a.rule, a.severity) for a in before.alerts] == [("predose_bp", "prompt")]
    assert before.alerts[0].message == ("Blood pressure 146/88 is above 140/90 before dosing: "
                                        "consider deferring the dose.")
    dose(sessions, clock, sid, user_id)
    clock.advance(60)
    after = records.record(sid, Kind.VITALS, {"systolic": 146, "diastolic": 88}, user_id)
    assert after.alerts == ()


def test_baseline_is_the_pre_dose_reading(records: RecordStore, sessions: SessionStore,
                                         clock: FakeClock, sid: int, user_id: int) -> None:
    records.record(sid, Kind.VITALS, BASELINE, user_id)
    dose(sessions, clock, sid, user_id)
    clock.advance(15 * 60)
    fine = records.record(sid, Kind.VITALS, {"systolic": 162, "diastolic": 101}, user_id)
    assert fine.alerts == ()  # +40/+25 exactly
    clock.advance(15 * 60)
    risen = records.record(sid, Kind.VITALS, {"systolic": 163, "diastolic": 90}, user_id)
    assert [a.message for a in risen.alerts] == [
        "Blood pressure has risen +41/+14 mmHg over the baseline 122/76."]


def test_baseline_skips_pre_dose_readings_without_blood_pressure(
        records: RecordStore, sessions: SessionStore, clock: FakeClock, sid: int,
        user_id: int) -> None:
    records.record(sid, Kind.VITALS, {"spo2": 99}, user_id)  # pulse oximeter first
    clock.advance(60)
    records.record(sid, Kind.VITALS, {"systolic": 118, "diastolic": 74}, user_id)
    dose(sessions, clock, sid, user_id)
    clock.advance(40 * 60)
    risen = records.record(sid, Kind.VITALS, {"systolic": 170, "diastolic": 95}, user_id)
    assert [a.rule for a in risen.alerts] == ["bp_rise"]
    assert "over the baseline 118/74" in risen.alerts[0].message


def test_heart_rate_sustained_over_two_entries(records: RecordStore, sessions: SessionStore,
                                              clock: FakeClock, sid: int, user_id: int) -> None:
    records.record(sid, Kind.VITALS, {"heart_rate": 130}, user_id)  # before the dose: ignored
    dose(sessions, clock, sid, user_id)
    clock.advance(60)
    first = records.record(sid, Kind.VITALS, {"heart_rate": 124}, user_id)
    assert [(a.rule, a.severity) for a in first.alerts] == [("hr_high", "prompt")]
    clock.advance(300)
    second = records.record(sid, Kind.VITALS, {"heart_rate": 128, "spo2": 91}, user_id)
    assert [(a.rule, a.severity) for a in second.alerts] == [
        ("hr_sustained", "warning"), ("spo2_low", "warning")]


def test_sedation_alerts(records: RecordStore, sessions: SessionStore, clock: FakeClock,
                        sid: int, user_id: int) -> None:
    dose(sessions, clock, sid, user_id)
    assert records.record(sid, Kind.MOAAS, {"score": 4}, user_id).alerts == ()
    low = records.record(sid, Kind.MOAAS, {"score": 3}, user_id).alerts
    assert [(a.rule, a.severity) for a in low] == [("moaas_low", "warning")]
    zero = records.record(sid, Kind.MOAAS, {"score": 0}, user_id).alerts
    assert [(a.rule, a.severity, a.message) for a in zero] == [
        ("moaas_unresponsive", "emergency",
         "MOAA/S 0: no answer to a painful squeeze. Emergency.")]
    clock.advance(60)
    breathing = records.record(sid, Kind.VITALS, {"resp_rate": 8, "spo2": 88}, user_id)
    assert [a.rule for a in breathing.alerts] == ["spo2_hypoxia", "slow_breathing"]


def test_edited_thresholds_are_used(db: Database, clock: FakeClock,
                                   sessions: SessionStore, audit: AuditTrail, sid: int,
                                   user_id: int) -> None:
    strict = RecordStore(db, clock, sessions, audit, Thresholds.from_dict({"spo2_low": 95}))
    assert [a.rule for a in strict.record(sid, Kind.VITALS, {"spo2": 94}, user_id).alerts] == [
        "spo2_low"]


# -- times ----------------------------------------------------------------------------------

def test_future_times_are_refused(records: RecordStore, db_path: Path, clock: FakeClock,
                                  sid: int, user_id: int) -> None:
    ahead = clock.now() + timedelta(minutes=10)
    with pytest.raises(ValidationError) as info:
        records.record(sid, Kind.MOAAS, {"score": 5}, user_id, observed_at=ahead)
    assert str(info.value) == (f"The time {ahead.astimezone():%H:%M} is in the future: "
                               "entries are recorded for what has happened.")
    with pytest.raises(ValidationError, match="is in the future"):
        records.record(sid, Kind.MOAAS, {"score": 5}, user_id,
                       observed_at=clock.now() + timedelta(seconds=2))
    assert obs_rows(db_path) == []
    # a second of clock skew between devices is tolerated
    records.record(sid, Kind.MOAAS, {"score": 5}, user_id,
                   observed_at=clock.now() + timedelta(seconds=1))


def test_times_long_before_the_session_are_refused(records: RecordStore,
                                                  sessions: SessionStore, clock: FakeClock,
                                                  sid: int, user_id: int) -> None:
    planned = sessions.get(sid).planned_at
    long_ago = planned - timedelta(hours=12, seconds=1)
    with pytest.raises(ValidationError) as info:
        records.record(sid, Kind.MOAAS, {"score": 5}, user_id, observed_at=long_ago)
    assert str(info.value) == (
        f"The time {long_ago.astimezone():%Y-%m-%d %H:%M} is before this session "
        f"(planned {planned.astimezone():%Y-%m-%d %H:%M}).")
    saved = records.record(sid, Kind.MOAAS, {"score": 5}, user_id,
                           observed_at=planned - timedelta(hours=12))
    assert saved.observation.observed_at == planned - timedelta(hours=12)
