"""Opening the database: durable pragmas, the version gate, and refusing damaged files."""

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from kapdesk.core.errors import KapdeskError
from kapdesk.store.database import (
    CorruptDatabaseError,
    DatabaseError,
    NewerDatabaseError,
    open_database,
)
from kapdesk.store.schema import SCHEMA_VERSION

TABLES = {"users", "patients", "sessions", "session_events", "settings"}


def snapshot_file(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def make_newer(path: Path, journal_mode: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={journal_mode}")
    conn.execute("CREATE TABLE from_the_future (x TEXT)")
    conn.execute("INSERT INTO from_the_future VALUES ('keep me')")
    conn.commit()
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()


def test_new_database_is_durable_and_migrated(db: sqlite_utils.Database) -> None:
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert set(db.table_names()) >= TABLES


def test_reopening_keeps_data_and_version(db_path: Path) -> None:
    first = open_database(db_path)
    first.execute("INSERT INTO settings (key, value) VALUES ('k', '1')")
    first.conn.close()
    again = open_database(db_path)
    try:
        assert again.execute("SELECT value FROM settings WHERE key='k'").fetchone()[0] == "1"
        assert again.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert again.execute("PRAGMA synchronous").fetchone()[0] == 2
    finally:
        again.conn.close()


def test_empty_file_is_treated_as_new(db_path: Path) -> None:
    db_path.touch()
    db = open_database(db_path)
    try:
        assert set(db.table_names()) >= TABLES
    finally:
        db.conn.close()


def test_foreign_keys_are_enforced(db: sqlite_utils.Database) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute("INSERT INTO sessions (patient_id, protocol_id, protocol_json, state, "
                   "planned_at, created_by) VALUES (99, 'x', '{}', 'planned', 'now', 99)")


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_newer_database_is_refused_and_untouched(db_path: Path, journal_mode: str) -> None:
    make_newer(db_path, journal_mode)
    before = snapshot_file(db_path)
    files_before = siblings(db_path)
    with pytest.raises(NewerDatabaseError) as info:
        open_database(db_path)
    message = str(info.value)
    assert "newer" in message
    assert str(db_path) in message
    assert f"schema {SCHEMA_VERSION + 1}" in message
    assert f"knows up to {SCHEMA_VERSION}" in message
    assert "not opened or changed" in message
    assert isinstance(info.value, DatabaseError) and isinstance(info.value, KapdeskError)
    assert snapshot_file(db_path) == before
    assert siblings(db_path) == files_before
    assert not db_path.with_name(db_path.name + "-wal").exists()
    assert not db_path.with_name(db_path.name + "-shm").exists()


def test_newer_database_written_by_kapdesk_is_refused(db_path: Path) -> None:
    db = open_database(db_path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    db.conn.close()
    before = snapshot_file(db_path)
    with pytest.raises(NewerDatabaseError, match="newer version of KAPdesk"):
        open_database(db_path)
    assert snapshot_file(db_path) == before
    assert siblings(db_path) == {db_path.name}


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 16,
    b"these are my session notes, not a database\n" * 50,
])
def test_garbage_file_is_refused_and_untouched(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    before = snapshot_file(db_path)
    with pytest.raises(CorruptDatabaseError) as info:
        open_database(db_path)
    message = str(info.value)
    assert str(db_path) in message
    assert "is not a KAPdesk database or is damaged" in message
    assert "left untouched" in message
    assert snapshot_file(db_path) == before
    assert siblings(db_path) == {db_path.name}


def test_damaged_pages_fail_the_integrity_check(db_path: Path) -> None:
    db = open_database(db_path)
    db.execute("CREATE TABLE filler (x TEXT)")
    for i in range(2000):
        db.execute("INSERT INTO filler VALUES (?)", [f"{i:0>120}"])
    page = db.execute("PRAGMA page_size").fetchone()[0]
    db.conn.close()
    data = bytearray(db_path.read_bytes())
    middle = (len(data) // page // 2) * page
    data[middle:middle + page] = b"\xab" * page
    db_path.write_bytes(bytes(data))
    before = snapshot_file(db_path)
    with pytest.raises(CorruptDatabaseError) as info:
        open_database(db_path)
    # SQLite reports the damage either from quick_check or on first read: both say so
    assert "failed its integrity check" in str(info.value) or "damaged" in str(info.value)
    assert "left untouched" in str(info.value)
    assert snapshot_file(db_path) == before


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "missing-folder" / "kapdesk.sqlite3"
    with pytest.raises(DatabaseError) as info:
        open_database(path)
    assert str(path) in str(info.value)
    assert "cannot be written" in str(info.value)
    assert not path.parent.exists()
