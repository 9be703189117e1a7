"""`kapdesk check` against the anchors outside the database, on a copy of a demo database:
a backup written elsewhere (`kapdesk backup --to`), named with `--backup FILE` or found
where the trail records it; the seal's key; a seal left behind by an unclean stop."""

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kapdesk.cli import main
from kapdesk.demo import DEMO_PASSWORD
from kapdesk.store.audit import row_hash
from kapdesk.store.seal import read_seal, write_seal
from kapdesk.store.signature import canonical
from tests.test_check_tamper import check, demo_folder, folder, keys, raw, unlock

__all__ = ["demo_folder", "folder", "keys", "raw"]  # the fixtures, shared


def backup_to(folder: Path, target: Path, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KAPDESK_PASSWORD", DEMO_PASSWORD)  # a backup is an admin's
    assert main(["backup", "--data-dir", str(folder), "--to", str(target),
                 "--user", "admin"]) == 0
    out = capsys.readouterr().out
    return Path(out.split("backup written: ", 1)[1].split(" (", 1)[0])


def test_a_backup_written_elsewhere_is_compared_and_said(folder, tmp_path, capsys,
                                                        monkeypatch):
    made = backup_to(folder, tmp_path / "usb" / "k.sqlite3", capsys, monkeypatch)
    code, out = check(folder, capsys)
    assert code == 0, out
    assert (f"compared: backup {made} (written elsewhere, as the trail records): its head, "
            "audit row") in out
    code = main(["check", "--data-dir", str(folder), "--backup", str(made)])
    out = capsys.readouterr().out
    assert code == 0 and f"compared: backup {made} (given with --backup): its head" in out
    assert "written elsewhere" not in out  # compared once, as given


def test_a_trail_cut_below_a_backup_written_elsewhere_is_named(folder, tmp_path, capsys,
                                                               monkeypatch):
    made = backup_to(folder, tmp_path / "usb" / "k.sqlite3", capsys, monkeypatch)
    moved = tmp_path / "moved.sqlite3"
    shutil.move(made, moved)  # no longer where the trail says: only --backup finds it
    with closing(sqlite3.connect(folder / "kapdesk.sqlite3")) as conn:
        unlock(conn)
        top = conn.execute("SELECT max(id) FROM audit").fetchone()[0]
        conn.execute("DELETE FROM audit WHERE id >= ?", [top - 2])
        conn.commit()
    code = main(["check", "--data-dir", str(folder), "--backup", str(moved)])
    out = capsys.readouterr().out
    assert code == 1
    assert (f"backup {moved} (given with --backup): holds audit row {top - 1} but the trail "
            f"ends at row {top - 3}: rows were removed from its end") in out


def test_given_backups_that_are_not_backups_of_this_database_are_named(
        folder, tmp_path, capsys):
    missing, junk = tmp_path / "nowhere.sqlite3", tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all")
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(folder / "kapdesk.sqlite3")) as source, \
            closing(sqlite3.connect(other)) as target:
        source.backup(target)
        target.execute("UPDATE settings SET value = '\"00000000000000000000000000000000\"' "
                       "WHERE key = 'database_id'")
        target.commit()
    code = main(["check", "--data-dir", str(folder), "--backup", str(missing),
                 "--backup", str(junk), "--backup", str(other), "--backup", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"backup {missing} (given with --backup): no such file" in out
    assert f"backup {junk} (given with --backup): cannot be read" in out
    assert f"backup {other} (given with --backup): a backup of another database" in out
    assert f"backup {tmp_path} (given with --backup): is not a file" in out


def test_a_cut_trail_resealed_without_the_key_fails(folder, raw, capsys):
    """Cut the last audit rows and rewrite the seal to match, its checksum redone: what
    anyone with the data folder can do. Without the key the seal no longer verifies."""
    unlock(raw)
    top = raw.execute("SELECT max(id) FROM audit").fetchone()[0]
    raw.execute("DELETE FROM audit WHERE id = ?", [top])
    prev = raw.execute("SELECT hash FROM audit WHERE id = ?", [top - 1]).fetchone()[0]
    write_seal(folder / "kapdesk.seal", top - 1, top - 1, prev, "2026-03-02T09:00:00Z")
    code, out = check(folder, capsys)
    assert code == 1
    assert "seal: it carries no MAC, but this database has a key" in out


def test_the_seal_verified_with_its_key_is_said(folder, capsys):
    code, out = check(folder, capsys)
    assert code == 0 and "compared: seal: its MAC verified with this database's key" in out


def test_rows_behind_a_seal_left_running_are_a_warning_not_a_pass(folder, raw, keys,
                                                                   capsys):
    """As after a power cut just after a save: the seal on disk still says "running", and
    one row (chained properly) follows its head. Exit 0, but said, and the rows named."""
    sealed = read_seal(folder / "kapdesk.seal")
    assert sealed is not None
    key = bytes.fromhex(next(keys.glob("seal-*.key")).read_text().strip())
    write_seal(folder / "kapdesk.seal", sealed.last_id, sealed.rows, sealed.head, sealed.at,
               running=True, key=key)
    at, new = "2026-03-02T09:30:00.000000+00:00", canonical({"n": 1})
    digest = row_hash(sealed.head, at, None, "update", "setting", 1, None, new)
    raw.execute("INSERT INTO audit (at, user_id, action, entity, entity_id, old, new, "
                "prev_hash, hash) VALUES (?, NULL, 'update', 'setting', 1, NULL, ?, ?, ?)",
                [at, new, sealed.head, digest])
    code, out = check(folder, capsys)
    assert code == 0, out
    row = sealed.last_id + 1
    assert f"warning: seal: audit row {sealed.last_id}" in out
    assert f"rows {row}-{row} (1, saved within 0 s) are not sealed" in out
    assert out.strip().endswith("ok, 1 warning(s)")
    # the same row behind a seal that was closed cleanly: a failure
    write_seal(folder / "kapdesk.seal", sealed.last_id, sealed.rows, sealed.head, sealed.at,
               running=False, key=key)
    code, out = check(folder, capsys)
    assert code == 1 and "the seal was closed cleanly after row" in out


def test_a_new_identity_to_escape_the_key_is_a_warning(folder, raw, keys, capsys):
    """Give the database another identity (and its sidecar), then reseal without a key:
    check finds no key for the new identity, but says that the folder holds others."""
    unlock(raw)
    top = raw.execute("SELECT max(id) FROM audit").fetchone()[0]
    raw.execute("DELETE FROM audit WHERE id = ?", [top])
    raw.execute("UPDATE settings SET value = '\"0123456789abcdef0123456789abcdef\"' "
                "WHERE key = 'database_id'")
    (folder / "kapdesk.sqlite3.id").write_text('{"id": "0123456789abcdef0123456789abcdef"}')
    prev = raw.execute("SELECT hash FROM audit WHERE id = ?", [top - 1]).fetchone()[0]
    write_seal(folder / "kapdesk.seal", top - 1, top - 1, prev, "2026-03-02T09:00:00Z")
    code, out = check(folder, capsys)
    assert "warning: seal: written without a key (no MAC), and there is no key for this " \
           "database" in out, out
    assert "its identity was changed" in out
    assert code == 1 and "has no audit row" in out  # the cut row's table row, unexplained
