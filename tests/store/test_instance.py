"""One KAPdesk per data folder: a second one is refused naming the first; a crashed one does
not block a restart; the commands that only read (or only append a backup's audit row) run
beside the room, and neither they nor a plain sqlite3 reader delete the room's -wal."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.store.audit import AuditTrail
from kapdesk.store.instance import InstanceLock, InstanceLockedError, read_holder
from kapdesk.store.opening import open_data_folder
from kapdesk.store.patients import PatientStore
from tests.run_cli import kapdesk

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time
from pathlib import Path
from kapdesk.core.clock import SystemClock
from kapdesk.store.opening import open_data_folder
opened = open_data_folder(Path(sys.argv[1]) / "kapdesk.sqlite3", SystemClock(), "the room window")
print("holding", flush=True)
time.sleep(120)
"""




@pytest.fixture
def room(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Another process holding the data folder as the room window does."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    yield folder, proc
    proc.kill()
    proc.wait()
    proc.stdout.close()


def test_a_second_instance_is_refused_naming_the_first(room, clock: FakeClock) -> None:
    folder, proc = room
    with pytest.raises(InstanceLockedError) as caught:
        open_data_folder(folder / "kapdesk.sqlite3", clock, "a second room window")
    text = str(caught.value)
    assert f"process {proc.pid}" in text and repr(socket.gethostname()) in text
    assert "the room window" in text and "since 20" in text and str(folder) in text
    holder = read_holder(folder)
    assert holder is not None and holder.pid == proc.pid


@pytest.mark.parametrize("command", [["demo"], ["restore", "/nonexistent/backup.sqlite3"]])
def test_commands_that_write_records_are_refused_while_the_room_is_open(
        room, command: list[str]) -> None:
    folder, proc = room
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = kapdesk(*command, "--data-dir", str(folder))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "already open on the data folder" in result.stderr
    assert f"process {proc.pid}" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_read_commands_run_beside_the_room_and_its_wal_survives(room) -> None:
    folder, proc = room
    db = folder / "kapdesk.sqlite3"
    for command in (["check"], ["backup"]):
        result = kapdesk(*command, "--data-dir", str(folder))
        assert result.returncode == 0, (command, result.stderr)
    conn = sqlite3.connect(db)  # a plain reader, as any tool on the laptop might be
    conn.execute("SELECT count(*) FROM sessions").fetchall()
    conn.close()
    held = [os.readlink(f"/proc/{proc.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{proc.pid}/fd")]
    assert any(t.endswith("kapdesk.sqlite3-wal") for t in held), held
    assert not [t for t in held if "kapdesk" in t and t.endswith("(deleted)")], held


def test_a_crashed_instance_does_not_block_a_restart(room, clock: FakeClock) -> None:
    folder, proc = room
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    opened = open_data_folder(folder / "kapdesk.sqlite3", clock, "the room window, again")
    try:
        holder = read_holder(folder)
        assert holder is not None and holder.pid == os.getpid()
    finally:
        opened.close()
    assert read_holder(folder) is None  # a clean exit leaves no identity behind


def test_the_lock_is_released_with_the_program(tmp_path: Path, clock: FakeClock) -> None:
    lock = InstanceLock(tmp_path, "test", clock).acquire()
    assert lock.held
    lock.release()
    child = subprocess.run([sys.executable, "-c", HOLD.replace("time.sleep(120)", ""),
                            str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
    assert child.returncode == 0, child.stderr


def test_the_room_keeps_its_wal_when_a_check_runs_in_another_process(
        tmp_path: Path, clock: FakeClock) -> None:
    """Defect 1: the room's own background checks, then another process's check: the room
    still writes into the -wal that is in the folder, not a deleted one."""
    from kapdesk.store.database import integrity_check, quick_check

    folder = tmp_path / "data"
    folder.mkdir()
    database = folder / "kapdesk.sqlite3"
    opened = open_data_folder(database, clock, "the room window")
    try:
        patients = PatientStore(opened.db, clock, AuditTrail(opened.db, clock))
        patients.save("K-1", None)
        assert integrity_check(database) == "ok" and quick_check(database) == "ok"
        result = kapdesk("check", "--data-dir", str(folder))
        assert result.returncode == 0, result.stderr
        patients.save("K-2", None)
        time.sleep(0.05)
        wal = database.with_name("kapdesk.sqlite3-wal")
        held = {os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                if os.path.islink(f"/proc/self/fd/{fd}")}
        assert str(wal) in held and not [t for t in held if "kapdesk.sqlite3" in t
                                         and t.endswith("(deleted)")], held
    finally:
        opened.close()
