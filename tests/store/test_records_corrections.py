"""Corrections before sign-off: a new row that points at the old one; nothing overwritten."""

import json
import re
import sqlite3
from datetime import timedelta

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import ValidationError
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.timefmt import to_db
from tests.store.conftest import preparing


@pytest.fixture
def sid(sessions: SessionStore, im_kap: Protocol, user_id: int) -> int:
    return preparing(sessions, im_kap, user_id)


def raw(db: Database, oid: int) -> tuple:
    return db.execute("SELECT * FROM observations WHERE id = ?", [oid]).fetchone()


def test_correct_adds_a_row_pointing_at_the_original(
        records: RecordStore, db: Database, audit: AuditTrail, clock: FakeClock,
        sid: int, user_id: int, other_user_id: int) -> None:
    first = records.record(sid, Kind.VITALS, {"systolic": 210, "diastolic": 80}, user_id)
    original = first.observation
    original_row = raw(db, original.id)
    clock.advance(120)
    saved = records.correct(original.id, other_user_id, "  typo: 120 not 210 ",
                            {"systolic": 120, "diastolic": 80})
    new = saved.observation
    assert saved.alerts == ()
    assert (new.corrects, new.reason, new.user_id, new.amendment) == (
        original.id, "typo: 120 not 210", other_user_id, False)
    assert new.values == {"systolic": 120.0, "diastolic": 80.0}
    assert new.observed_at == original.observed_at  # the time was not corrected
    assert new.recorded_at == clock.now()
    assert raw(db, original.id) == original_row  # the original is untouched
    assert records.current(sid) == [new]
    assert records.chain(original.id) == [original, new]
    assert records.chain(new.id) == [original, new]
    assert records.all(sid) == [original, new]
    row = audit.rows("observation:vitals", new.id)[0]
    assert (row["action"], row["user_id"]) == ("correct", other_user_id)
    assert json.loads(row["old"]) == {"id": original.id,
                                      "values": {"systolic": 210.0, "diastolic": 80.0},
                                      "observed_at": to_db(original.observed_at)}
    new = json.loads(row["new"])
    assert len(new.pop("row")) == 64  # the row's content hash, which `check` reconciles
    assert new == {"values": {"systolic": 120.0, "diastolic": 80.0},
                   "observed_at": to_db(original.observed_at),
                   "reason": "typo: 120 not 210", "session": sid}


def test_a_second_correction_extends_the_chain(records: RecordStore, clock: FakeClock,
                                               sid: int, user_id: int) -> None:
    a = records.record(sid, Kind.MOAAS, {"score": 2}, user_id).observation
    b = records.correct(a.id, user_id, "wrong patient row", {"score": 4}).observation
    # correcting through the original id corrects the latest version
    c = records.correct(a.id, user_id, "second look", {"score": 5}).observation
    assert (b.corrects, c.corrects) == (a.id, b.id)
    assert [o.values["score"] for o in records.chain(a.id)] == [2, 4, 5]
    assert records.chain(b.id) == records.chain(c.id) == [a, b, c]
    assert records.current(sid) == [c]


def test_correcting_the_time_only(records: RecordStore, clock: FakeClock, sid: int,
                                  user_id: int) -> None:
    clock.advance(600)
    a = records.record(sid, Kind.SIDE_EFFECT, {"name": "Nausea", "severity": "mild"},
                       user_id).observation
    earlier = clock.now() - timedelta(minutes=7)
    b = records.correct(a.id, user_id, "noticed earlier", observed_at=earlier).observation
    assert b.values == a.values and b.observed_at == earlier


def test_current_keeps_other_entries_in_observed_order(records: RecordStore,
                                                       clock: FakeClock, sid: int,
                                                       user_id: int) -> None:
    a = records.record(sid, Kind.VITALS, {"spo2": 97}, user_id).observation
    clock.advance(300)
    b = records.record(sid, Kind.VITALS, {"spo2": 96}, user_id).observation
    clock.advance(300)
    late = records.record(sid, Kind.MOAAS, {"score": 5}, user_id,
                          observed_at=a.observed_at + timedelta(seconds=60)).observation
    fixed = records.correct(b.id, user_id, "misread", {"spo2": 95}).observation
    assert records.current(sid) == [a, late, fixed]
    assert records.current(sid, Kind.VITALS) == [a, fixed]


@pytest.mark.parametrize(("values", "reason", "message"), [
    ({"score": 4}, "   ", "A correction needs a reason."),
    ({"score": 9}, "typo", "MOAA/S must be one of 5, 4, 3, 2, 1, 0, not 9."),
])
def test_refused_corrections_write_nothing(records: RecordStore, audit: AuditTrail,
                                           sid: int, user_id: int, values: dict,
                                           reason: str, message: str) -> None:
    a = records.record(sid, Kind.MOAAS, {"score": 3}, user_id).observation
    before = (records.all(sid), audit.rows())
    with pytest.raises(ValidationError) as info:
        records.correct(a.id, user_id, reason, values)
    assert str(info.value) == message
    assert (records.all(sid), audit.rows()) == before


def test_a_correction_in_the_future_is_refused(records: RecordStore, clock: FakeClock,
                                               sid: int, user_id: int) -> None:
    a = records.record(sid, Kind.MOAAS, {"score": 3}, user_id).observation
    with pytest.raises(ValidationError, match="is in the future"):
        records.correct(a.id, user_id, "typo", observed_at=clock.now() + timedelta(hours=1))
    assert records.current(sid) == [a]


def test_unknown_entry(records: RecordStore, user_id: int) -> None:
    with pytest.raises(ValidationError, match=re.escape("There is no entry 999.")):
        records.correct(999, user_id, "typo", {"score": 3})


def test_observations_cannot_be_updated_or_deleted(records: RecordStore,
                                                   db: Database, sid: int,
                                                   user_id: int) -> None:
    a = records.record(sid, Kind.MOAAS, {"score": 3}, user_id).observation
    before = raw(db, a.id)
    with pytest.raises(sqlite3.IntegrityError,
                       match="observations are never overwritten: add a correction"):
        db.execute("UPDATE observations SET data = '{\"score\": 5}' WHERE id = ?", [a.id])
    with pytest.raises(sqlite3.IntegrityError,
                       match="observations are never deleted: add a correction"):
        db.execute("DELETE FROM observations WHERE id = ?", [a.id])
    assert raw(db, a.id) == before
