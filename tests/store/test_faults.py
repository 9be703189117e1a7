"""Faults a clinic meets reach the person as words: a database locked by another program,
a full disk, a read-only file, writes stopped after damage. Nothing already saved is lost,
and the CLI says it in one line (exit 2), never a traceback."""

import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.errors import (
    DatabaseLockedError,
    DiskFullError,
    ReadOnlyDatabaseError,
    WritesStoppedError,
)
from kapdesk.store.opening import open_data_folder
from kapdesk.store.patients import PatientStore
from tests import disk
from tests.run_cli import kapdesk

ROOT = Path(__file__).resolve().parents[2]




def codes(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT code FROM patients ORDER BY id")]


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    with disk.tiny_disk(tmp_path / "tiny") as mount:
        yield mount


fill = disk.fill


def test_a_database_locked_by_another_program_is_said_and_nothing_is_lost(
        folder: Path, clock: FakeClock) -> None:
    opened = open_data_folder(folder / "kapdesk.sqlite3", clock, "test")
    opened.db.execute("PRAGMA busy_timeout=200")
    other = sqlite3.connect(folder / "kapdesk.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a sync tool holding the write lock
    patients = PatientStore(opened.db, clock, AuditTrail(opened.db, clock))
    try:
        with pytest.raises(DatabaseLockedError, match=r"^Not saved: the database is in use"):
            patients.save("K-2", None)
        other.execute("ROLLBACK")
        patients.save("K-2", None)  # once it lets go, the same save goes through
        assert codes(opened.db) == ["K-1", "K-2"]
    finally:
        other.close()
        opened.close()


def test_a_full_database_file_is_said_and_nothing_is_lost(folder: Path,
                                                          clock: FakeClock) -> None:
    opened = open_data_folder(folder / "kapdesk.sqlite3", clock, "test")
    db = opened.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count={pages}")
    patients = PatientStore(db, clock, AuditTrail(db, clock))
    try:
        with pytest.raises(DiskFullError, match=r"^Not saved: the disk is full"):
            for n in range(200):
                patients.save(f"K-FULL-{n:03d}", None, notes="n" * 400)
        saved = codes(db)
        assert saved[0] == "K-1"
        db.execute(f"PRAGMA max_page_count={pages * 10}")
        patients.save("K-AFTER", None)
        assert codes(db) == [*saved, "K-AFTER"]
    finally:
        opened.close()


def test_a_full_disk_under_the_room_is_said_and_what_was_saved_stays(
        tiny_disk: Path, clock: FakeClock) -> None:
    database = tiny_disk / "kapdesk.sqlite3"
    opened = open_data_folder(database, clock, "test")
    patients = PatientStore(opened.db, clock, AuditTrail(opened.db, clock))
    patients.save("K-1", None)
    filler = fill(tiny_disk)
    try:
        with pytest.raises(DiskFullError):
            for n in range(2000):
                patients.save(f"K-{n:04d}", None, notes="n" * 2000)
        saved = codes(opened.db)
        filler.unlink()
        patients.save("K-AFTER", None)
        assert codes(opened.db) == [*saved, "K-AFTER"]
    finally:
        opened.close()


def test_the_cli_says_a_full_disk_in_one_line(tiny_disk: Path, tmp_path: Path,
                                              folder: Path) -> None:
    fill(tiny_disk)
    result = kapdesk("backup", "--data-dir", str(folder), "--to", str(tiny_disk) + "/")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "full" in result.stderr.lower() or "No space" in result.stderr


def test_a_read_only_database_is_respected_and_said(folder: Path, clock: FakeClock) -> None:
    database = folder / "kapdesk.sqlite3"
    database.chmod(0o400)
    before = database.read_bytes()
    try:
        with pytest.raises(ReadOnlyDatabaseError, match="read-only for this user"):
            open_data_folder(database, clock, "the room window")
        assert stat.S_IMODE(database.stat().st_mode) == 0o400
        assert database.read_bytes() == before
        result = kapdesk("check", "--data-dir", str(folder))
        assert result.returncode == 0, result.stderr  # reading it is still allowed
    finally:
        database.chmod(0o600)


def test_writes_stopped_after_damage_say_why(folder: Path, clock: FakeClock) -> None:
    opened = open_data_folder(folder / "kapdesk.sqlite3", clock, "test")
    try:
        opened.db.stop_writes("the database failed its start-up check (index damage).")
        patients = PatientStore(opened.db, clock, AuditTrail(opened.db, clock))
        with pytest.raises(WritesStoppedError,
                           match=r"^Not saved: the database failed its start-up check"):
            patients.save("K-2", None)
        assert codes(opened.db) == ["K-1"]  # reading goes on
    finally:
        opened.close()


def test_a_backup_beside_a_locking_program_says_so_in_one_line(folder: Path) -> None:
    other = sqlite3.connect(folder / "kapdesk.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = kapdesk("backup", "--data-dir", str(folder))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "in use by another program" in result.stderr
    assert "could not be recorded in the audit trail, so it was removed" in result.stderr
    assert [p.name for p in (folder / "backups").iterdir()] == []  # no unaudited copy
