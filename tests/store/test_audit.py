"""The audit trail: append-only in the database, and hash-chained so tampering is found."""

import json
import sqlite3
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.store.audit import GENESIS, AuditTrail, row_hash, verify_chain
from kapdesk.store.connection import Database
from kapdesk.store.database import open_database
from kapdesk.store.maintenance import integrity_report
from kapdesk.store.users import UserStore


@pytest.fixture
def audit(db: Database, clock: FakeClock) -> AuditTrail:
    return AuditTrail(db, clock)


@pytest.fixture
def user_id(db: Database, clock: FakeClock) -> int:
    return UserStore(db, clock).add("Dr Ana Silva").id


def fill(audit: AuditTrail, clock: FakeClock, user_id: int, n: int = 5) -> list[int]:
    ids = []
    for i in range(n):
        clock.advance(60)
        ids.append(audit.append(user_id, "update", "setting", 7, {"weight_kg": 70 + i},
                                {"weight_kg": 71 + i, "note": "Zoë · ✓"}))
    return ids


def unlock(db: Database) -> None:
    """What someone editing the file behind the app's back would do first."""
    db.execute("DROP TRIGGER audit_no_update")
    db.execute("DROP TRIGGER audit_no_delete")


def test_append_stores_who_what_when_and_old_and_new(
        audit: AuditTrail, clock: FakeClock, user_id: int) -> None:
    rid = audit.append(user_id, "update", "patient", 7, {"weight_kg": 70.0},
                       {"weight_kg": 72.5, "name": "Zoë"})
    assert audit.rows("patient") == [{
        "id": rid, "at": "2026-03-02T09:00:00.000000+00:00", "user_id": user_id,
        "action": "update", "entity": "patient", "entity_id": 7,
        "old": '{"weight_kg":70.0}', "new": '{"name":"Zoë","weight_kg":72.5}'}]
    assert json.loads(audit.rows("patient")[0]["new"]) == {"weight_kg": 72.5, "name": "Zoë"}


def test_rows_filter_by_entity_and_id(audit: AuditTrail, user_id: int) -> None:
    audit.append(user_id, "create", "patient", 1, None, {"code": "A"})
    audit.append(None, "alert", "alert", 3)
    audit.append(user_id, "create", "patient", 2, None, {"code": "B"})
    assert [r["entity_id"] for r in audit.rows("patient")] == [1, 2]
    assert [r["entity_id"] for r in audit.rows("patient", 2)] == [2]
    alert = audit.rows("alert")[0]
    assert (alert["user_id"], alert["old"], alert["new"]) == (None, None, None)
    assert len([r for r in audit.rows() if r["entity"] != "user"]) == 3  # not the profile


def test_each_row_chains_to_the_one_before(audit: AuditTrail, db: Database,
                                           clock: FakeClock, user_id: int) -> None:
    fill(audit, clock, user_id, 3)
    rows = db.execute("SELECT id, at, user_id, action, entity, entity_id, old, new, prev_hash,"
                      " hash FROM audit ORDER BY id").fetchall()
    prev = GENESIS
    for (_rid, at, uid, action, entity, eid, old, new, prev_hash, digest) in rows:
        assert prev_hash == prev
        assert digest == row_hash(prev, at, uid, action, entity, eid, old, new)
        assert len(digest) == 64
        prev = digest
    assert audit.verify() is None
    assert verify_chain(db) is None


def test_an_empty_trail_is_whole(audit: AuditTrail) -> None:
    assert audit.verify() is None


def test_update_and_delete_are_refused(audit: AuditTrail, db: Database,
                                       clock: FakeClock, user_id: int) -> None:
    fill(audit, clock, user_id, 3)
    before = audit.rows()
    with pytest.raises(sqlite3.IntegrityError, match="the audit trail is append-only"):
        db.execute("UPDATE audit SET new = '{}' WHERE id = 2")
    with pytest.raises(sqlite3.IntegrityError, match="the audit trail is append-only"):
        db.execute("DELETE FROM audit WHERE id = 2")
    with pytest.raises(sqlite3.IntegrityError, match="the audit trail is append-only"):
        db.execute("DELETE FROM audit")
    assert audit.rows() == before
    assert audit.verify() is None


def test_a_changed_row_is_named(audit: AuditTrail, db: Database,
                                clock: FakeClock, user_id: int) -> None:
    ids = fill(audit, clock, user_id, 5)
    unlock(db)
    db.execute("UPDATE audit SET new = ? WHERE id = ?", ['{"weight_kg":50}', ids[2]])
    assert audit.verify() == (f"audit row {ids[2]}: its content does not match its hash "
                              "(it was changed)")


@pytest.mark.parametrize("column", ["at", "user_id", "action", "entity", "entity_id", "old"])
def test_any_changed_column_breaks_the_chain(audit: AuditTrail, db: Database,
                                             clock: FakeClock, user_id: int,
                                             column: str) -> None:
    ids = fill(audit, clock, user_id, 4)
    unlock(db)
    forged = {"at": "2026-03-01T00:00:00.000000+00:00", "user_id": None, "action": "view",
              "entity": "session", "entity_id": 8, "old": None}[column]
    db.execute(f"UPDATE audit SET {column} = ? WHERE id = ?", [forged, ids[1]])
    assert audit.verify() == (f"audit row {ids[1]}: its content does not match its hash "
                              "(it was changed)")


def test_a_rehashed_row_still_breaks_the_next_link(audit: AuditTrail,
                                                   db: Database,
                                                   clock: FakeClock, user_id: int) -> None:
    ids = fill(audit, clock, user_id, 4)
    unlock(db)
    at, prev = db.execute("SELECT at, prev_hash FROM audit WHERE id = ?", [ids[1]]).fetchone()
    new = '{"weight_kg":50}'
    digest = row_hash(prev, at, user_id, "update", "setting", 7, '{"weight_kg":71}', new)
    db.execute("UPDATE audit SET new = ?, hash = ? WHERE id = ?", [new, digest, ids[1]])
    assert audit.verify() == (f"audit row {ids[2]}: does not follow the row before it "
                              "(a row was removed or inserted)")


def test_a_removed_middle_row_is_named(audit: AuditTrail, db: Database,
                                      clock: FakeClock, user_id: int) -> None:
    ids = fill(audit, clock, user_id, 5)
    unlock(db)
    db.execute("DELETE FROM audit WHERE id = ?", [ids[2]])
    assert audit.verify() == (f"audit row {ids[3]}: does not follow the row before it "
                              "(a row was removed or inserted)")


def test_a_removed_first_row_is_named(audit: AuditTrail, db: Database,
                                     clock: FakeClock, user_id: int) -> None:
    ids = fill(audit, clock, user_id, 3)
    unlock(db)
    db.execute("DELETE FROM audit WHERE id = ?", [ids[0]])
    assert audit.verify() == (f"audit row {ids[1]}: does not follow the row before it "
                              "(a row was removed or inserted)")


def test_the_first_broken_row_is_named_when_several_are(
        audit: AuditTrail, db: Database, clock: FakeClock, user_id: int) -> None:
    ids = fill(audit, clock, user_id, 6)
    unlock(db)
    db.execute("UPDATE audit SET new = 'null' WHERE id = ?", [ids[4]])
    db.execute("UPDATE audit SET action = 'x' WHERE id = ?", [ids[1]])
    assert audit.verify() is not None
    assert audit.verify().startswith(f"audit row {ids[1]}: ")


def test_integrity_report_includes_the_broken_chain(audit: AuditTrail,
                                                    db: Database,
                                                    clock: FakeClock, user_id: int) -> None:
    ids = fill(audit, clock, user_id, 4)
    assert integrity_report(db) == []
    unlock(db)
    db.execute("DELETE FROM audit WHERE id = ?", [ids[1]])
    assert integrity_report(db) == [f"audit row {ids[2]}: does not follow the row before it "
                                    "(a row was removed or inserted)"]


def test_appending_after_reopen_continues_the_chain(db: Database, db_path: Path,
                                                   clock: FakeClock, user_id: int) -> None:
    fill(AuditTrail(db, clock), clock, user_id, 2)
    db.conn.close()
    reopened = open_database(db_path)
    try:
        trail = AuditTrail(reopened, clock)
        trail.append(user_id, "create", "setting", 9, None, {"code": "Z"})
        assert len(trail.rows("setting")) == 3
        assert trail.verify() is None
        assert integrity_report(reopened) == []
    finally:
        reopened.conn.close()
