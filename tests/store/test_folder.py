"""The files around the database: a missing or empty database where one has been is named,
never re-created; a database or a -wal from elsewhere is found; leftovers of killed
backups and restores are removed, and before-restore copies rotated."""

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.store.audit import AuditTrail
from kapdesk.store.backup import BackupService
from kapdesk.store.database import integrity_check
from kapdesk.store.errors import DatabaseError
from kapdesk.store.folder import MissingDatabaseError, remove_leftovers
from kapdesk.store.opening import open_data_folder
from kapdesk.store.patients import PatientStore
from kapdesk.store.restore import list_asides, restore

LEAVE_WAL = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA wal_autocheckpoint=0")
for n in range(int(sys.argv[2])):
    conn.execute("INSERT INTO patients (code, created_at) VALUES (?, '2026-01-01')",
                 [f"OTHER-{n:04d}-" + "x" * 200])
conn.commit()
os._exit(0)  # killed, as it were: the -wal stays beside the file
"""


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def make_folder(folder: Path, clock: FakeClock, codes: tuple[str, ...] = ("K-1",)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    opened = open_data_folder(folder / "kapdesk.sqlite3", clock, "test")
    patients = PatientStore(opened.db, clock, AuditTrail(opened.db, clock))
    for code in codes:
        patients.save(code, None)
    opened.close()
    return folder / "kapdesk.sqlite3"


@pytest.mark.parametrize("spoil", ["delete", "empty"])
def test_a_missing_or_empty_database_is_named_never_recreated(
        tmp_path: Path, clock: FakeClock, spoil: str) -> None:
    database = make_folder(tmp_path / "data", clock)
    if spoil == "delete":
        database.unlink()
    else:
        database.write_bytes(b"")
    before = folder_files(database.parent)
    with pytest.raises(MissingDatabaseError) as caught:
        open_data_folder(database, clock, "the room window")
    text = str(caught.value)
    assert str(database) in text and "did not create a new, empty database" in text
    assert ("is missing" if spoil == "delete" else "is empty (0 bytes)") in text
    assert "kapdesk restore" in text
    assert folder_files(database.parent) == before


def test_the_next_start_after_a_missing_database_can_restore(tmp_path: Path,
                                                            clock: FakeClock) -> None:
    database = make_folder(tmp_path / "data", clock)
    opened = open_data_folder(database, clock, "test")
    backup = BackupService(opened.db, database.parent / "backups", clock).backup_now("test")
    opened.close()
    database.unlink()
    restore(backup, database, clock)
    opened = open_data_folder(database, clock, "the room window")
    try:
        assert [r[0] for r in opened.db.execute("SELECT code FROM patients")] == ["K-1"]
    finally:
        opened.close()


def test_a_database_copied_over_from_elsewhere_is_named(tmp_path: Path,
                                                        clock: FakeClock) -> None:
    here = make_folder(tmp_path / "here", clock, ("HERE-1",))
    there = make_folder(tmp_path / "there", clock, ("THERE-1",))
    shutil.copy(there, here)  # neither database is open in this process
    before = folder_files(here.parent)
    with pytest.raises(DatabaseError, match="is not the one this data folder held"):
        open_data_folder(here, clock, "the room window")
    assert folder_files(here.parent) == before


def test_a_wal_from_another_database_is_found(tmp_path: Path, clock: FakeClock) -> None:
    """Another database's -wal copied beside ours: SQLite replays it without a word; the
    identity check or the full integrity check must say so before anything is written."""
    here = make_folder(tmp_path / "here", clock, tuple(f"HERE-{n}" for n in range(300)))
    there = make_folder(tmp_path / "there", clock)
    subprocess.run([sys.executable, "-c", LEAVE_WAL, str(there), "400"], check=True)
    assert there.with_name("kapdesk.sqlite3-wal").stat().st_size > 0
    for suffix in ("-wal", "-shm"):
        shutil.copy(there.with_name(f"kapdesk.sqlite3{suffix}"),
                    here.with_name(f"kapdesk.sqlite3{suffix}"))
    assert integrity_check(here) != "ok"
    before = folder_files(here.parent)
    with pytest.raises(DatabaseError) as caught:
        open_data_folder(here, clock, "the room window", check=False)
    assert "fails its integrity check with the write-ahead log" in str(caught.value)
    assert "Nothing was written" in str(caught.value)
    assert folder_files(here.parent) == before


def test_leftovers_of_killed_writers_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    gone = tmp_path / f".kapdesk-20260301-090000-{dead_pid}-abc123.partial"
    gone_wal = tmp_path / f"{gone.name}-wal"
    restoring = tmp_path / f".kapdesk-restore-{dead_pid}-x1y2z3.partial"
    live = tmp_path / f".kapdesk-20260301-090000-{os.getpid()}-def456.partial"
    stale = tmp_path / f".kapdesk-20260301-090000-{os.getpid()}-old999.partial"
    other = tmp_path / "holiday-notes.partial"  # not ours: never touched
    for p in (gone, gone_wal, restoring, live, stale, other):
        p.write_bytes(b"records")
    hour_ago = time.time() - 7200
    os.utime(stale, (hour_ago, hour_ago))
    removed = remove_leftovers(tmp_path)
    assert sorted(removed) == sorted([gone, gone_wal, restoring, stale])
    assert live.exists() and other.exists()


def test_before_restore_copies_are_rotated(tmp_path: Path, clock: FakeClock) -> None:
    database = make_folder(tmp_path / "data", clock)
    opened = open_data_folder(database, clock, "test")
    backup = BackupService(opened.db, tmp_path / "offsite", clock).backup_now(
        "test", tmp_path / "offsite" / "b.sqlite3")
    opened.close()
    for _ in range(16):
        clock.advance(1)
        restore(backup, database, clock)
    asides = list_asides(database)
    assert len(asides) == 14
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 1
    finally:
        conn.close()
