"""Backups written from the live database, checked, rotated and private; restores that check
the backup first, keep the current database aside, and refuse anything doubtful untouched."""

import os
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import KapdeskError
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.audit import AuditTrail
from kapdesk.store.backup import BackupError, BackupService
from kapdesk.store.connection import Database
from kapdesk.store.database import open_database
from kapdesk.store.maintenance import integrity_report
from kapdesk.store.records import RecordStore
from kapdesk.store.restore import RestoreError, restore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.version import SCHEMA_VERSION
from tests.store.conftest import preparing

VITALS = {"systolic": 124, "diastolic": 78, "heart_rate": 72, "spo2": 98, "resp_rate": 14}


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    return tmp_path / "data" / "backups"


@pytest.fixture
def service(db: Database, backups: Path, clock: FakeClock) -> BackupService:
    return BackupService(db, backups, clock)


@pytest.fixture
def sid(sessions: SessionStore, records: RecordStore, clock: FakeClock, im_kap: Protocol,
        user_id: int) -> int:
    """A dosed session with a few entries and a note."""
    sid = preparing(sessions, im_kap, user_id)
    records.record(sid, Kind.VITALS, VITALS, user_id)
    clock.advance(600)
    sessions.transition(sid, State.DOSED, user_id)
    clock.advance(300)
    records.record(sid, Kind.MOAAS, {"score": 4}, user_id)
    records.record(sid, Kind.SIDE_EFFECT, {"name": "Nausea", "severity": "mild"}, user_id)
    records.save_note(sid, "Settled with eyeshades.", user_id)
    return sid


def tables(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: conn.execute(f"SELECT * FROM {n} ORDER BY rowid").fetchall() for n in names}


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_backup_holds_exactly_what_was_committed(db: Database, db_path: Path,
                                                 service: BackupService, sid: int) -> None:
    before = tables(db.conn)
    path = service.backup_now("manual")
    copy = sqlite3.connect(path)
    try:
        assert tables(copy) == before
        assert copy.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        copy.close()
    assert path.name.startswith("kapdesk-20260302-09") and path.suffix == ".sqlite3"
    assert not path.with_name(path.name + "-wal").exists()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left
    # the source records the backup in its audit trail, after what the backup holds
    last = db.execute("SELECT user_id, action, entity, new FROM audit ORDER BY id DESC"
                      ).fetchone()
    assert last[:3] == (None, "backup", "database") and path.name in last[3]
    assert integrity_report(db) == []


def test_backup_files_are_private(service: BackupService, backups: Path, sid: int) -> None:
    path = service.backup_now("manual")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700


def test_rotation_keeps_the_newest_14(service: BackupService, backups: Path,
                                      clock: FakeClock, sid: int) -> None:
    made = []
    for _ in range(20):
        made.append(service.backup_now("manual"))
        clock.advance(3600)
    (backups / "notes.txt").write_text("not a backup: left alone")
    service.backup_now("manual")
    kept = sorted(p.name for p in backups.iterdir())
    assert len(kept) == 15 and "notes.txt" in kept
    assert made[-13].name in kept and made[-14].name not in kept


def test_two_backups_in_one_second_both_kept(service: BackupService, sid: int) -> None:
    first, second = service.backup_now("manual"), service.backup_now("manual")
    assert first != second and first.exists() and second.exists()
    assert service.backups() == [first, second]


def test_daily_backup_once_a_day(service: BackupService, clock: FakeClock, sid: int) -> None:
    first = service.backup_if_due()
    assert first is not None and first.exists()
    clock.advance(6 * 3600)
    assert service.backup_if_due() is None
    clock.advance(24 * 3600)
    assert service.backup_if_due() is not None
    assert len(service.backups()) == 2


def test_backup_to_a_folder_or_a_new_file(service: BackupService, tmp_path: Path,
                                          sid: int) -> None:
    folder = tmp_path / "usb" / "kapdesk"
    into_folder = service.backup_now("manual", f"{folder}/")
    assert into_folder.parent == folder and into_folder.name.startswith("kapdesk-")
    named = service.backup_now("manual", tmp_path / "usb" / "before-update.sqlite3")
    assert named.name == "before-update.sqlite3"
    with pytest.raises(BackupError, match="already exists"):
        service.backup_now("manual", named)
    assert service.backups() == []  # neither went to, nor rotated, the backups folder


def test_restore_brings_the_backup_back_and_keeps_the_current_aside(
        db: Database, db_path: Path, service: BackupService, records: RecordStore,
        sid: int, user_id: int, clock: FakeClock) -> None:
    saved = tables(db.conn)
    backup = service.backup_now("manual")
    clock.advance(60)
    later = records.record(sid, Kind.MOAAS, {"score": 5}, user_id).observation.id
    db.close()  # KAPdesk is closed for a restore
    clock.advance(60)
    done = restore(backup, db_path, clock)
    assert done.kept_aside == db_path.with_name(
        f"kapdesk.sqlite3.before-restore-{clock.now():%Y%m%d-%H%M%S}")
    aside = sqlite3.connect(done.kept_aside)
    try:  # the replaced database, whole, with the entry the backup lacks
        assert aside.execute("SELECT count(*) FROM observations WHERE id = ?",
                             [later]).fetchone()[0] == 1
    finally:
        aside.close()
    again = open_database(db_path)
    try:
        restored = tables(again.conn)
        assert {k: v for k, v in restored.items() if k != "audit"} == \
            {k: v for k, v in saved.items() if k != "audit"}
        audit = restored["audit"]
        assert audit[:len(saved["audit"])] == saved["audit"]
        assert [r[3] for r in audit[len(saved["audit"]):]] == ["restore"]
        assert integrity_report(again) == []
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    finally:
        again.close()


def test_restore_without_a_current_database(tmp_path: Path, service: BackupService,
                                            sid: int) -> None:
    backup = service.backup_now("manual")
    target = tmp_path / "fresh" / "kapdesk.sqlite3"
    target.parent.mkdir()
    assert restore(backup, target).kept_aside is None
    assert integrity_report(open_database(target)) == []


def corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for at in range(2 * page, len(data) - page, page):  # every page but the first and last
        data[at:at + page] = bytes([0x5A]) * page
    path.write_bytes(bytes(data))


def newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def foreign(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('not a clinical record')")
    conn.commit()
    conn.close()


def text_file(path: Path) -> None:
    path.write_text("these are my holiday notes\n" * 40)


@pytest.mark.parametrize(("spoil", "reason"), [
    (corrupt, "integrity check|damaged"),
    (newer, "newer KAPdesk"),
    (foreign, "not a KAPdesk database"),
    (text_file, "not an SQLite database"),
])
def test_doubtful_backup_is_refused_and_nothing_changes(
        db: Database, db_path: Path, service: BackupService, sid: int, tmp_path: Path,
        spoil, reason: str) -> None:
    bad = service.backup_now("manual", tmp_path / "offsite" / "suspect.sqlite3")
    spoil(bad)
    db.close()
    data_before, offsite_before = folder_state(db_path.parent), folder_state(bad.parent)
    with pytest.raises(RestoreError, match=reason) as caught:
        restore(bad, db_path)
    assert isinstance(caught.value, KapdeskError)
    assert str(bad) in str(caught.value) and "Nothing was changed" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert folder_state(db_path.parent) == data_before
    assert folder_state(bad.parent) == offsite_before  # not even a -wal beside the backup


def test_missing_backup_is_refused(db_path: Path, tmp_path: Path, db: Database) -> None:
    with pytest.raises(RestoreError, match="no such file"):
        restore(tmp_path / "nowhere.sqlite3", db_path)


def test_restored_database_keeps_working(db: Database, db_path: Path, service: BackupService,
                                         sid: int, user_id: int, clock: FakeClock,
                                         im_kap: Protocol) -> None:
    backup = service.backup_now("manual")
    db.close()
    restore(backup, db_path, clock)
    again = open_database(db_path)
    try:
        sessions = SessionStore(again, clock)
        running = sessions.running()
        assert running is not None and running.id == sid  # the session resumes
        clock.advance(timedelta(minutes=5).total_seconds())
        audit = AuditTrail(again, clock)
        records = RecordStore(again, clock, sessions, audit)
        records.record(sid, Kind.MOAAS, {"score": 5}, user_id)
        assert integrity_report(again) == []
    finally:
        again.close()
    assert os.path.exists(db_path)
