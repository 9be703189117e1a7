"""An alert's acknowledgement: who and when, stored, audited, and never changed after."""

import json
import re
import sqlite3

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import ValidationError
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.timefmt import to_db
from kapdesk.store.version import SCHEMA_VERSION
from tests.store.conftest import preparing


@pytest.fixture
def alert_id(records: RecordStore, sessions: SessionStore, im_kap: Protocol,
             clock: FakeClock, user_id: int) -> int:
    sid = preparing(sessions, im_kap, user_id)
    clock.advance(300)
    sessions.transition(sid, State.DOSED, user_id)
    clock.advance(20 * 60)
    saved = records.record(sid, Kind.VITALS, {"systolic": 190, "diastolic": 115}, user_id)
    [alert] = [a for a in saved.alerts if a.rule == "bp_high"]
    return alert.id


def test_the_acknowledgement_keeps_who_and_when(records: RecordStore, audit: AuditTrail,
                                                clock: FakeClock, alert_id: int,
                                                other_user_id: int) -> None:
    clock.advance(95)
    when = clock.now()
    stored = records.acknowledge_alert(alert_id, other_user_id)
    assert (stored.acknowledged_at, stored.acknowledged_by,
            stored.acknowledged_by_name) == (when, other_user_id, "Sam Okafor, RN")
    [again] = [a for a in records.alerts(stored.session_id) if a.id == alert_id]
    assert again == stored
    [row] = [r for r in audit.rows("alert", alert_id) if r["action"] == "acknowledge"]
    assert row["user_id"] == other_user_id and row["at"] == to_db(when)
    assert json.loads(row["new"]) == {"at": to_db(when), "user_id": other_user_id}


def test_a_second_acknowledgement_changes_nothing(records: RecordStore, clock: FakeClock,
                                                  alert_id: int, user_id: int,
                                                  other_user_id: int) -> None:
    first = records.acknowledge_alert(alert_id, user_id)
    clock.advance(600)
    second = records.acknowledge_alert(alert_id, other_user_id)
    assert second == first and second.acknowledged_by == user_id


def test_an_acknowledgement_is_never_rewritten_or_removed(db: Database, records: RecordStore,
                                                          alert_id: int,
                                                          user_id: int) -> None:
    records.acknowledge_alert(alert_id, user_id)
    for sql, words in (("UPDATE alert_acks SET user_id = 999", "never changed"),
                       ("DELETE FROM alert_acks", "never removed"),
                       ("UPDATE alerts SET message = 'fine'", "never overwritten"),
                       ("DELETE FROM alerts", "never deleted")):
        with pytest.raises(sqlite3.IntegrityError, match=words):
            db.execute(sql)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert "0007_alert_acks_kept" in names


def test_bad_acknowledgements_are_refused_in_words(records: RecordStore, alert_id: int,
                                                   user_id: int) -> None:
    with pytest.raises(ValidationError, match=re.escape("There is no alert 4242.")):
        records.acknowledge_alert(4242, user_id)
    with pytest.raises(ValidationError, match=f"Alert {alert_id}: there is no user 777 "):
        records.acknowledge_alert(alert_id, 777)
    [alert] = [a for a in records.alerts(1) if a.id == alert_id]
    assert alert.acknowledged_at is None and alert.acknowledged_by is None
