"""Hostile files around the database that issue 9 does not name: each is refused in words,
nothing recorded is lost, and nothing outside the data folder is touched."""

import json
import os
import subprocess
from pathlib import Path

from tests.run_cli import kapdesk

ROOT = Path(__file__).resolve().parents[2]




def one_line_refusal(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def still_there(folder: Path) -> None:
    result = kapdesk("check", "--data-dir", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_interrupted_restore_note_that_points_outside_is_refused(
        folder: Path, tmp_path: Path) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("not KAPdesk's")
    (folder / "kapdesk.sqlite3.restoring").write_text(json.dumps(
        {"backup": "b", "partial": "../precious.txt", "aside": None}))
    one_line_refusal(kapdesk("check", "--data-dir", str(folder)),
                     "interrupted restore", "cannot be read", "unexpected copy name")
    assert victim.read_text() == "not KAPdesk's"


def test_an_interrupted_restore_note_of_garbage_is_refused(folder: Path) -> None:
    (folder / "kapdesk.sqlite3.restoring").write_bytes(b"\x00\xff{{{")
    one_line_refusal(kapdesk("check", "--data-dir", str(folder)), "cannot be read")


def test_a_lock_file_that_is_a_folder_is_said(folder: Path) -> None:
    (folder / "kapdesk.lock").unlink()
    (folder / "kapdesk.lock").mkdir()
    one_line_refusal(kapdesk("demo", "--data-dir", str(folder)), "kapdesk.lock",
                     "cannot be created")


def test_an_identity_file_of_garbage_is_said(folder: Path) -> None:
    (folder / "kapdesk.sqlite3.id").write_bytes(b"\xff\xfe not json")
    one_line_refusal(kapdesk("check", "--data-dir", str(folder)), "identity file")


def test_a_database_that_is_a_folder_is_said(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "kapdesk.sqlite3").mkdir(parents=True)
    result = kapdesk("check", "--data-dir", str(folder))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "kapdesk.sqlite3" in result.stderr


def test_a_backup_that_is_a_pipe_is_refused(folder: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "backup.sqlite3"
    os.mkfifo(fifo)
    one_line_refusal(kapdesk("restore", str(fifo), "--data-dir", str(folder)),
                     "not a regular file", "Nothing was changed")
    still_there(folder)


def test_restoring_the_database_onto_itself_is_refused(folder: Path) -> None:
    one_line_refusal(kapdesk("restore", str(folder / "kapdesk.sqlite3"), "--data-dir",
                             str(folder)), "the database itself")
    still_there(folder)


def test_a_stray_wal_without_its_database_is_not_adopted(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "kapdesk.sqlite3-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 60)
    one_line_refusal(kapdesk("check", "--data-dir", str(folder)), "write-ahead log",
                     "did not create a new database")
    assert not (folder / "kapdesk.sqlite3").exists()


def test_a_backup_named_like_a_folder_path_that_is_a_file_is_said(folder: Path,
                                                                tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    one_line_refusal(kapdesk("backup", "--data-dir", str(folder), "--to",
                             str(blocker / "sub") + "/"), "cannot be created")


def test_a_backup_that_links_to_the_live_database_is_refused(folder: Path,
                                                              tmp_path: Path) -> None:
    link = tmp_path / "looks-like-a-backup.sqlite3"
    link.symlink_to(folder / "kapdesk.sqlite3")
    one_line_refusal(kapdesk("restore", str(link), "--data-dir", str(folder)),
                     "the database itself")
    still_there(folder)
