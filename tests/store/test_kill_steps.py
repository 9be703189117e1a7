"""A restore killed at each of its file steps, and a first run killed at each SQL statement
of its migration: after each kill the next start has a usable database holding either the
old or the restored records (never none), and says what it did.

The kills are real SIGKILLs of a forked child, which counts the steps as it goes (file
steps: every rename, link, unlink and fsync; SQL steps: every statement SQLite runs) and
kills itself just before step N. Fault injection lives here, not in the code.
"""

import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.store.audit import AuditTrail
from kapdesk.store.backup import BackupService
from kapdesk.store.maintenance import integrity_report
from kapdesk.store.opening import open_data_folder
from kapdesk.store.patients import PatientStore
from kapdesk.store.restore import restore
from kapdesk.store.version import SCHEMA_VERSION

FILE_CALLS = (("os", "replace"), ("os", "link"), ("os", "unlink"), ("os", "fsync"))


def _run_in_child(work: Callable[[], None], arm: Callable[[Callable[[], None]], None],
                  kill_at: int) -> int:
    """Fork; in the child, `arm` installs a step counter that SIGKILLs before step
    `kill_at` (0: never), then runs `work` and reports its step count through a pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            steps = [0]

            def step() -> None:
                steps[0] += 1
                if steps[0] == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)

            arm(step)
            work()
            os.write(write, str(steps[0]).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        said = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    if kill_at:
        assert os.WIFSIGNALED(status) or said, "the child neither died nor finished"
    return int(said) if said else -1


def _arm_file_steps(step: Callable[[], None]) -> None:
    import pathlib

    for module_name, name in FILE_CALLS:
        module = __import__(module_name)
        real = getattr(module, name)

        def counted(*args, _real=real, **kwargs):  # type: ignore[no-untyped-def]
            step()
            return _real(*args, **kwargs)
        setattr(module, name, counted)
    real_unlink = pathlib.Path.unlink

    def unlink(self, missing_ok=False):  # type: ignore[no-untyped-def]
        step()
        return real_unlink(self, missing_ok=missing_ok)
    pathlib.Path.unlink = unlink  # type: ignore[method-assign]


def _codes(database: Path) -> set[str]:
    conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT code FROM patients")}
    finally:
        conn.close()


@pytest.fixture
def folder_with_backup(tmp_path: Path, clock: FakeClock) -> tuple[Path, Path]:
    """A data folder whose database holds OLD-1 and LATER-2, and a backup holding OLD-1."""
    folder = tmp_path / "data"
    folder.mkdir()
    opened = open_data_folder(folder / "kapdesk.sqlite3", clock, "test")
    patients = PatientStore(opened.db, clock, AuditTrail(opened.db, clock))
    patients.save("OLD-1", None)
    backup = BackupService(opened.db, tmp_path / "offsite", clock).backup_now(
        "test", tmp_path / "offsite" / "b.sqlite3")
    patients.save("LATER-2", None)
    opened.close()
    return folder, backup


def test_a_restore_killed_at_each_file_step_is_finished_or_undone(
        folder_with_backup: tuple[Path, Path], clock: FakeClock) -> None:
    folder, backup = folder_with_backup
    database = folder / "kapdesk.sqlite3"
    original = {p.name: p.read_bytes() for p in folder.iterdir()}

    def work() -> None:
        restore(backup, database, clock)

    steps = _count_steps(folder, backup, clock)
    assert steps >= 8, steps
    outcomes: dict[str, int] = {"undone": 0, "finished": 0, "said undone": 0,
                                "said finished": 0}
    for kill_at in range(1, steps + 1):
        for p in list(folder.iterdir()):  # the folder as it was before the restore
            p.unlink() if p.is_file() else None
        for name, data in original.items():
            (folder / name).write_bytes(data)
        _run_in_child(work, _arm_file_steps, kill_at)
        opened = open_data_folder(database, clock, "the next start")
        try:
            codes = _codes(database)
            assert codes in ({"OLD-1", "LATER-2"}, {"OLD-1"}), (kill_at, codes)
            assert integrity_report(opened.db) == [], kill_at
            said = " ".join(opened.notices)
            restored = codes == {"OLD-1"}
            outcomes["finished" if restored else "undone"] += 1
            assert ("It was undone" if restored else "It was finished") not in said
            outcomes["said finished"] += "It was finished" in said
            outcomes["said undone"] += "It was undone" in said
        finally:
            opened.close()
        assert not (folder / "kapdesk.sqlite3.restoring").exists()
        assert not [p for p in folder.iterdir() if p.name.endswith(".partial")], kill_at
    print(f"restore: {steps} file steps, outcomes {outcomes}")
    assert all(outcomes.values()), outcomes


def _count_steps(folder: Path, backup: Path, clock: FakeClock) -> int:
    import shutil

    copy = folder.parent / "count"
    shutil.copytree(folder, copy)
    try:
        return _run_in_child(lambda: restore(backup, copy / "kapdesk.sqlite3", clock),
                             _arm_file_steps, 0)
    finally:
        shutil.rmtree(copy)


def _arm_sql_steps(step: Callable[[], None]) -> None:
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(lambda _sql: step())
        return conn
    sqlite3.connect = connect  # type: ignore[assignment]


def test_a_first_run_killed_at_each_statement_starts_next_time(
        tmp_path: Path, clock: FakeClock) -> None:
    def first_run(folder: Path) -> Callable[[], None]:
        return lambda: open_data_folder(folder / "kapdesk.sqlite3", clock, "first run").close()

    probe = tmp_path / "probe"
    probe.mkdir()
    statements = _run_in_child(first_run(probe), _arm_sql_steps, 0)
    print(f"first run: {statements} SQL statements")
    assert statements > 50, statements
    for kill_at in range(1, statements + 1, 3 if statements > 300 else 1):
        folder = tmp_path / f"run-{kill_at}"
        folder.mkdir()
        _run_in_child(first_run(folder), _arm_sql_steps, kill_at)
        opened = open_data_folder(folder / "kapdesk.sqlite3", clock, "the next start")
        try:
            version = opened.db.execute("PRAGMA user_version").fetchone()[0]
            assert version == SCHEMA_VERSION, kill_at
            assert integrity_report(opened.db) == [], kill_at
            assert "sessions" in opened.db.table_names()
        finally:
            opened.close()
        leftovers = [p.name for p in folder.iterdir() if ".partial" in p.name]
        assert leftovers == [], (kill_at, leftovers)
