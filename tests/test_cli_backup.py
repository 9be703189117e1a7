"""`kapdesk backup`, `kapdesk restore` and `kapdesk check`, run as a user would: a real
process, real files, one line of result, exit 2 with one line on an error."""

import sqlite3
import stat
from pathlib import Path

import pytest

from kapdesk.core.clock import SystemClock
from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.store.audit import AuditTrail
from kapdesk.store.database import open_database
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.users import UserStore
from tests.test_cli import kapdesk

VITALS = {"systolic": 124, "diastolic": 78, "heart_rate": 72, "spo2": 98, "resp_rate": 14}


def write_session(folder: Path, protocols, entries: int = 3) -> None:
    """A data folder with one dosed session and a few entries, through the real stores."""
    folder.mkdir(parents=True, exist_ok=True)
    db = open_database(folder / "kapdesk.sqlite3")
    clock = SystemClock()
    audit = AuditTrail(db, clock)
    sessions = SessionStore(db, clock, audit)
    records = RecordStore(db, clock, sessions, audit)
    user = UserStore(db, clock).add("Dr Ada Quill").id
    sid = sessions.plan("K-900", protocols["im-kap"], user).id
    sessions.transition(sid, State.PREPARING, user)
    sessions.transition(sid, State.DOSED, user)
    for _ in range(entries):
        records.record(sid, Kind.VITALS, VITALS, user)
    db.close()


def count(folder: Path, table: str) -> int:
    conn = sqlite3.connect(folder / "kapdesk.sqlite3")
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
def folder(tmp_path: Path, protocols) -> Path:
    folder = tmp_path / "data"
    write_session(folder, protocols)
    return folder


def test_backup_to_the_backups_folder_then_check(folder: Path) -> None:
    made = kapdesk("backup", "--data-dir", str(folder))
    assert made.returncode == 0, made.stderr
    line = one_line(made.stdout)
    files = list((folder / "backups").glob("kapdesk-*.sqlite3"))
    assert len(files) == 1 and str(files[0]) in line and "integrity ok" in line
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    check = kapdesk("check", "--data-dir", str(folder))
    assert check.returncode == 0, check.stdout
    assert check.stdout.strip().splitlines()[-1].endswith(": ok"), check.stdout
    assert "compared: backups: 1 of 1 heads match the trail" in check.stdout


def test_backup_to_a_folder_and_to_a_file(folder: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    into = kapdesk("backup", "--to", f"{usb}/", "--data-dir", str(folder))
    assert into.returncode == 0, into.stderr
    assert len(list(usb.glob("kapdesk-*.sqlite3"))) == 1
    named = usb / "before-update.sqlite3"
    first = kapdesk("backup", "--to", str(named), "--data-dir", str(folder))
    assert first.returncode == 0 and named.exists(), first.stderr
    again = kapdesk("backup", "--to", str(named), "--data-dir", str(folder))
    assert again.returncode == 2 and "already exists" in one_line(again.stderr)
    assert list((folder / "backups").glob("*.sqlite3")) == []  # nothing rotated there


def test_restore_brings_rows_back_and_keeps_the_current(folder: Path, tmp_path: Path,
                                                        protocols) -> None:
    backup = tmp_path / "saved.sqlite3"
    assert kapdesk("backup", "--to", str(backup), "--data-dir", str(folder)).returncode == 0
    before = count(folder, "observations")
    db = sqlite3.connect(folder / "kapdesk.sqlite3")  # more entries after the backup
    db.execute("DROP TRIGGER observations_no_delete")
    db.execute("DELETE FROM observations")  # ... or a disaster
    db.commit()
    db.close()
    done = kapdesk("restore", str(backup), "--data-dir", str(folder))
    assert done.returncode == 0, done.stderr
    line = one_line(done.stdout)
    assert line.startswith(f"restored {backup}") and "kept as" in line
    assert count(folder, "observations") == before
    aside = list(folder.glob("kapdesk.sqlite3.before-restore-*"))
    assert len(aside) == 1 and str(aside[0]) in line
    check = kapdesk("check", "--data-dir", str(folder))
    assert check.returncode == 0, check.stdout


def records_files(folder: Path) -> dict[str, bytes]:
    """The folder's files but the (empty) instance lock file, which stays between runs."""
    return {p.name: p.read_bytes() for p in folder.iterdir()
            if p.is_file() and p.name != "kapdesk.lock"}


@pytest.mark.parametrize("content", [b"SQLite format 3\x00" + b"\x07" * 4000, b"hello\n"])
def test_restore_refuses_a_bad_file_and_changes_nothing(folder: Path, tmp_path: Path,
                                                        content: bytes) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    before = records_files(folder)
    result = kapdesk("restore", str(bad), "--data-dir", str(folder))
    assert result.returncode == 2 and result.stdout == ""
    line = one_line(result.stderr)
    assert str(bad) in line and "was not restored" in line
    assert records_files(folder) == before


def test_restore_of_a_missing_file_exits_2(folder: Path, tmp_path: Path) -> None:
    result = kapdesk("restore", str(tmp_path / "nowhere.sqlite3"), "--data-dir", str(folder))
    assert result.returncode == 2 and "no such file" in one_line(result.stderr)


def test_restore_needs_a_path() -> None:
    result = kapdesk("restore")
    assert result.returncode == 2 and "PATH" in one_line(result.stderr)


def test_check_names_the_first_broken_audit_row(folder: Path) -> None:
    db = sqlite3.connect(folder / "kapdesk.sqlite3")
    db.execute("DROP TRIGGER audit_no_update")
    rows = [r[0] for r in db.execute("SELECT id FROM audit ORDER BY id")]
    for rid in (rows[3], rows[5]):  # changed behind the app's back
        db.execute("UPDATE audit SET new = '{\"state\":\"forged\"}' WHERE id = ?", [rid])
    db.commit()
    db.close()
    check = kapdesk("check", "--data-dir", str(folder))
    assert check.returncode == 1
    lines = check.stdout.strip().splitlines()
    assert lines[0] == (f"audit row {rows[3]}: its content does not match its hash "
                        "(it was changed)")
    assert lines[-1].endswith(" problem(s)")
    # the forged rows no longer match the rows they wrote, and check says so too
    assert any(line.startswith("reconcile: ") for line in lines)
