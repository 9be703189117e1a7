"""The start-up integrity_check runs after the window appears; damage is said in words and
stops every later write, while the session and its clock go on."""

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.store.database import integrity_check, quick_check

VITALS = {"systolic": 120, "diastolic": 80, "heart_rate": 70, "spo2": 98, "resp_rate": 14}


def _copy(source: Path, target: Path) -> None:
    """A copy through SQLite's backup API: nothing but SQLite touches the live file."""
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    try:
        src.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        src.close()
        dest.close()


def _damage_an_index(path: Path) -> None:
    """Rows and their index disagree: what a stray -wal from another database leaves.
    quick_check does not compare indexes with their tables; integrity_check does."""
    conn = sqlite3.connect(path)
    try:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                            "'sqlite_autoindex_patients_1'").fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    data = bytearray(path.read_bytes())  # the copy: no connection of ours has it open
    start = (root - 1) * page
    cell = data.find(b"K-1", start, start + page)
    assert cell > 0
    data[cell:cell + 3] = b"K-9"
    path.write_bytes(bytes(data))


def test_a_healthy_database_checks_ok_in_the_background(make_window, data_dir, qtbot):
    window = make_window()
    stopped: list[str] = []
    check = window.check_database_soon(data_dir / "kapdesk.sqlite3", stopped.append)
    qtbot.waitUntil(lambda: check.result is not None, timeout=10_000)
    assert check.result == "ok"
    qtbot.wait(50)  # the queued signal reaches the window
    assert stopped == []
    assert "start-up check" not in window.status.text()
    assert window.findChild(QMessageBox, "error_message") is None


def test_index_damage_is_found_and_stops_writing(make_window, contexts, data_dir, tmp_path,
                                                  qtbot):
    window = make_window()
    window.room.plan("K-1", next(p for p in window.protocols if p.id == "im-kap"))
    assert window.room.advance(State.PREPARING) and window.room.advance(State.DOSED)
    copy = tmp_path / "copy.sqlite3"
    _copy(data_dir / "kapdesk.sqlite3", copy)
    _damage_an_index(copy)
    assert quick_check(copy) == "ok"  # what the start-up check used to run
    assert integrity_check(copy) != "ok"
    window.check_database_soon(copy, contexts[-1].db.stop_writes)
    qtbot.waitUntil(lambda: "start-up check" in window.status.text(), timeout=10_000)
    assert "stopped writing" in window.status.text()
    assert "restore the newest backup" in window.status.text()
    box = window.findChild(QMessageBox, "error_message")
    assert box is not None and box.isVisible() and "start-up check" in box.text()
    box.close()
    errors: list[str] = []
    window.records.failed.connect(errors.append)
    assert window.records.record(Kind.VITALS, VITALS) is None
    assert errors and errors[-1].startswith("Not saved: the database failed its start-up")
    assert window.room.session is not None and window.room.session.state is State.DOSED
    clock = window.room.clock
    before = window.room.current.elapsed_s
    clock.advance(60)
    window.room.refresh()
    assert window.room.current.elapsed_s == before + 60  # the session clock goes on
