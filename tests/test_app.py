"""Starting the app: its window's first frame before the room's code, the room built into
that same window, and a clear message and exit 2 when the data folder cannot be used."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

import kapdesk.app
from kapdesk.app import run
from kapdesk.store.instance import read_holder

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def shown(monkeypatch) -> list[tuple[str, str]]:
    """What QMessageBox.critical was asked to say, and over which window."""
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, _title, text: said.append(
        (parent.objectName() if parent is not None else "", text)))
    return said


def test_unusable_data_dir_is_named_in_a_message_and_exit_2(tmp_path, shown, qapp):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run(["--data-dir", str(blocker)]) == 2
    assert len(shown) == 1 and "is a file, not a folder" in shown[0][1]
    assert str(blocker) in shown[0][1]
    assert shown[0][0] == "kapdesk_window"  # said over the app's own window


def test_newer_database_stops_the_app_before_touching_it(tmp_path, shown, qapp):
    folder = tmp_path / "data"
    folder.mkdir()
    db = sqlite3.connect(folder / "kapdesk.sqlite3")
    db.execute("PRAGMA user_version = 42")
    db.close()
    before = (folder / "kapdesk.sqlite3").read_bytes()
    assert run(["--data-dir", str(folder)]) == 2
    assert "newer version of KAPdesk" in shown[0][1]
    assert (folder / "kapdesk.sqlite3").read_bytes() == before


def test_a_read_only_folder_is_said_in_words_and_exit_2(shown, qapp):
    folder = Path("/sys")  # even root cannot create a file at the top of sysfs
    if not folder.is_dir():
        pytest.skip("no /sys on this system")
    assert run(["--data-dir", str(folder)]) == 2
    assert shown[0][1].startswith(f"The data folder {folder} is read-only (")


def test_a_folder_open_in_another_instance_is_refused_in_words(tmp_path, shown, qapp):
    folder = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    other = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--demo", "--data-dir",
                              str(folder)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 60
        while (folder.is_dir() and read_holder(folder)) is None or not folder.is_dir():
            assert other.poll() is None and time.monotonic() < end, "the first one never opened"
            time.sleep(0.1)
        assert run(["--demo", "--data-dir", str(folder)]) == 2
        holder = read_holder(folder)
        assert holder is not None and holder.pid == other.pid  # its lock untouched
    finally:
        other.terminate()
        other.wait(30)
    assert len(shown) == 1 and shown[0][0] == "kapdesk_window"
    assert f"KAPdesk is already open on the data folder {folder}" in shown[0][1]


def test_the_window_is_built_without_the_wiring_paints_first_then_holds_the_room(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "app_probe.py"),
                           str(tmp_path / "demo")], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["wiring_loaded"] is False  # the window needs no store, service or room code
    assert not [m for m in seen["ours"] if m.startswith(("kapdesk.store", "kapdesk.services",
                                                         "kapdesk.audio", "kapdesk.core.clock"))]
    assert seen["folder_at_first_frame"] is False  # painted before the folder is opened
    assert seen["title"] == "KAPdesk 0.1.0" and len(seen["clock"]) == 5
    assert seen["status"] == f"Opening the records in {tmp_path / 'demo'}…"
    assert seen["same_window"] and seen["central"] and seen["shown"] == ["kapdesk_window"]
    assert seen["room_title"] == "KAPdesk 0.1.0" and seen["active"]
    assert seen["locked_by_key"]  # the room's window-wide keys work in the app's window
    assert seen["code"] == 0


def test_closing_the_window_closes_the_room_it_holds(tmp_path, monkeypatch, qapp):
    """The autouse fixtures fail this test if the room's timers or sound are left on."""
    build = kapdesk.app.build_room
    rooms = []

    def build_and_close(*args):
        window = build(*args)
        rooms.append(window)
        window.after_paint.add(lambda: QTimer.singleShot(0, window.window().close))
        return window

    monkeypatch.setattr(kapdesk.app, "build_room", build_and_close)
    folder = tmp_path / "demo"
    assert run(["--demo", "--data-dir", str(folder)]) == 0
    assert len(rooms) == 1 and not rooms[0].isVisible()
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    # a clean exit: the database closed (no -wal for the next start to check whole, which
    # takes seconds on a large one) and the folder's lock let go
    assert not (folder / "kapdesk.sqlite3-wal").exists()
    assert read_holder(folder) is None


def test_closing_the_window_while_it_signs_in_exits_cleanly(tmp_path, monkeypatch, qapp):
    folder = tmp_path / "first-run"  # no account yet: the first admin's dialog opens
    sign_in = kapdesk.app.sign_in
    asked = []

    def close_while_asking(services, demo, parent=None):
        asked.append(parent.objectName())
        QTimer.singleShot(50, parent.close)  # a person closes the window meanwhile
        return sign_in(services, demo, parent)

    monkeypatch.setattr(kapdesk.app, "sign_in", close_while_asking)
    assert run(["--data-dir", str(folder)]) == 0
    assert asked == ["kapdesk_window"]  # the dialog was over the app's window
    assert read_holder(folder) is None  # the folder let go: its lock released
    db = sqlite3.connect(folder / "kapdesk.sqlite3")
    try:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (0,)
    finally:
        db.close()


def test_closing_the_window_before_it_opens_anything_exits_0(tmp_path, monkeypatch, qapp):
    show = kapdesk.app.show_shell

    def show_then_close(*args):
        shell = show(*args)
        QTimer.singleShot(0, shell.close)  # before the opening's turn, after the frame's
        return shell

    monkeypatch.setattr(kapdesk.app, "show_shell", show_then_close)
    folder = tmp_path / "never-opened"
    assert run(["--data-dir", str(folder)]) == 0
    assert not folder.exists()  # nothing was opened, made or locked


def test_a_bug_while_opening_is_said_then_raised_the_folder_let_go(tmp_path, monkeypatch,
                                                                    shown, qapp):
    def broken(*_args):
        raise RuntimeError("a bug in building the room")

    monkeypatch.setattr(kapdesk.app, "build_room", broken)
    folder = tmp_path / "demo"
    with pytest.raises(RuntimeError, match="a bug in building the room"):
        run(["--demo", "--data-dir", str(folder)])
    assert read_holder(folder) is None  # its lock released
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert len(shown) == 1 and shown[0][0] == "kapdesk_window"
    assert shown[0][1].startswith(f"Something went wrong while opening the records in {folder} "
                                  "(RuntimeError: a bug in building the room).")
