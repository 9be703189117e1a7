"""Starting the app: a clear message and exit 2 when the data folder cannot be used."""

import sqlite3

from PySide6.QtWidgets import QMessageBox

from kapdesk.app import run


def test_unusable_data_dir_is_named_in_a_message_and_exit_2(tmp_path, monkeypatch, qapp):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run(["--data-dir", str(blocker)]) == 2
    assert len(shown) == 1 and "is a file, not a folder" in shown[0] and str(blocker) in shown[0]


def test_newer_database_stops_the_app_before_touching_it(tmp_path, monkeypatch, qapp):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    folder = tmp_path / "data"
    folder.mkdir()
    db = sqlite3.connect(folder / "kapdesk.sqlite3")
    db.execute("PRAGMA user_version = 42")
    db.close()
    before = (folder / "kapdesk.sqlite3").read_bytes()
    assert run(["--data-dir", str(folder)]) == 2
    assert "newer version of KAPdesk" in shown[0]
    assert (folder / "kapdesk.sqlite3").read_bytes() == before
