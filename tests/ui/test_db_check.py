"""The start-up quick_check runs after the window appears, and damage is said in words."""

import shutil

from PySide6.QtWidgets import QMessageBox

from kapdesk.store.database import quick_check


def _damage(path):
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page + 100, min(len(data), 6 * page), 7):
        data[offset] = 0xA5  # scribble over b-tree pages, leave the header alone
    path.write_bytes(bytes(data))


def test_a_healthy_database_checks_ok_in_the_background(make_window, data_dir, qtbot):
    window = make_window()
    check = window.check_database_soon(data_dir / "kapdesk.sqlite3")
    qtbot.waitUntil(lambda: check.result is not None, timeout=5000)
    assert check.result == "ok"
    qtbot.wait(50)  # the queued signal reaches the window
    assert "start-up check" not in window.status.text()
    assert window.findChild(QMessageBox, "error_message") is None


def test_damage_found_after_start_is_reported(make_window, contexts, data_dir, tmp_path,
                                              qtbot):
    window = make_window()
    window.room.plan("K-1", next(p for p in window.protocols if p.id == "im-kap"))
    window.records.patients.save("K-1", window.room.user_id, name="x" * 5000)
    contexts[-1].db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(data_dir / "kapdesk.sqlite3", copy)
    _damage(copy)
    assert quick_check(copy) != "ok"
    window.check_database_soon(copy)
    qtbot.waitUntil(lambda: "start-up check" in window.status.text(), timeout=5000)
    assert "restore the latest backup" in window.status.text()
    box = window.findChild(QMessageBox, "error_message")
    assert box is not None and box.isVisible() and "start-up check" in box.text()
    box.close()
