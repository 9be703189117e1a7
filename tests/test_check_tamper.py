"""`kapdesk check` against each tamper of issue 14, each on a copy of a demo database.

With the triggers in place the database refuses the change; with them dropped (anyone
with the file can), `check` exits 1 and names the table, the row and the session.
"""

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kapdesk.cli import main
from kapdesk.core.protocol import Protocol
from kapdesk.demo import DEMO_PASSWORD, write_demo
from kapdesk.store.audit import row_hash
from kapdesk.store.database import open_database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LOCKED = "the session is signed: changes must be amendments"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database's seal key folder, apart from its data folder."""
    return tmp_path_factory.mktemp("demo-keys")


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory,
                protocols: dict[str, Protocol], keys: Path) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "data"
    folder.mkdir()
    db = open_database(folder / "kapdesk.sqlite3")
    db.seal_key_dir = keys
    try:
        write_demo(db, protocols, NOW)
    finally:
        db.close()
    return folder


@pytest.fixture
def folder(demo_folder: Path, tmp_path: Path, keys: Path,
           monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo data folder: the database through SQLite's backup, and its seal
    (its key folder the demo's)."""
    monkeypatch.setenv("KAPDESK_KEY_DIR", str(keys))
    copy = tmp_path / "copy"
    copy.mkdir()
    with closing(sqlite3.connect(demo_folder / "kapdesk.sqlite3")) as source, \
            closing(sqlite3.connect(copy / "kapdesk.sqlite3")) as target:
        source.backup(target)
    shutil.copy(demo_folder / "kapdesk.seal", copy / "kapdesk.seal")
    return copy


@pytest.fixture
def raw(folder: Path) -> Iterator[sqlite3.Connection]:
    """The copy opened as any program could open it."""
    conn = sqlite3.connect(folder / "kapdesk.sqlite3", isolation_level=None)
    yield conn
    conn.close()


def unlock(conn: sqlite3.Connection) -> None:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                ).fetchall():
        conn.execute(f"DROP TRIGGER {name}")


def check(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--data-dir", str(folder)])
    return code, capsys.readouterr().out


def signed_session(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT min(session_id) FROM signatures").fetchone()[0])


def vitals_of(conn: sqlite3.Connection, sid: int) -> int:
    return int(conn.execute("SELECT min(id) FROM observations WHERE session_id = ? AND "
                            "kind = 'vitals'", [sid]).fetchone()[0])


def test_an_untouched_demo_database_passes_and_says_what_it_compared(folder, capsys):
    code, out = check(folder, capsys)
    assert code == 0, out
    assert out.strip().endswith(": ok")
    assert "compared: seal: audit row" in out and "matches kapdesk.seal" in out
    assert "compared: backups: none in the backups folder to compare" in out
    assert "verified: " in out and " signature(s)" in out


def test_a_signed_note_cannot_be_deleted_or_replaced(folder, raw, capsys):
    sid = signed_session(raw)
    with pytest.raises(sqlite3.IntegrityError, match=LOCKED):
        raw.execute("DELETE FROM session_notes WHERE session_id = ?", [sid])
    with pytest.raises(sqlite3.IntegrityError, match=LOCKED):
        raw.execute("UPDATE session_notes SET text = 'forged' WHERE session_id = ?", [sid])
    assert check(folder, capsys)[0] == 0


def test_a_replaced_note_is_named(folder, raw, capsys):
    sid = signed_session(raw)
    unlock(raw)
    row = raw.execute("SELECT updated_at, updated_by FROM session_notes WHERE session_id = ?",
                      [sid]).fetchone()
    raw.execute("DELETE FROM session_notes WHERE session_id = ?", [sid])
    raw.execute("INSERT INTO session_notes (session_id, text, updated_at, updated_by) "
                "VALUES (?, 'Another text altogether.', ?, ?)", [sid, *row])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: session_notes row {sid} (session {sid}): differs from" in out
    assert f"signature of session {sid}: Signature NOT valid: the note changed" in out


def test_a_signature_cannot_be_deleted_or_changed(folder, raw, capsys):
    sid = signed_session(raw)
    with pytest.raises(sqlite3.IntegrityError, match="a signature is never removed"):
        raw.execute("DELETE FROM signatures WHERE session_id = ?", [sid])
    with pytest.raises(sqlite3.IntegrityError, match="a signature is never changed"):
        raw.execute("UPDATE signatures SET content_hash = 'x' WHERE session_id = ?", [sid])
    assert check(folder, capsys)[0] == 0


def test_a_deleted_signature_is_named(folder, raw, capsys):
    sid = signed_session(raw)
    unlock(raw)
    raw.execute("DELETE FROM signatures WHERE session_id = ?", [sid])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: signatures row {sid} (session {sid}): is gone, but audit row" in out


def test_a_forged_content_hash_is_named(folder, raw, capsys):
    sid = signed_session(raw)
    unlock(raw)
    raw.execute("UPDATE signatures SET content_hash = ? WHERE session_id = ?", ["0" * 64, sid])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: signatures row {sid} (session {sid}): differs from" in out
    assert (f"signature of session {sid}: Signature NOT valid: the signer, meaning, time or "
            "hash beside its audit row, the signature's own hash changed") in out


@pytest.mark.parametrize(("column", "value"), [
    ("name", "Someone Else"), ("meaning", "draft"), ("signed_at", "yesterday"),
    ("user_id", 4)])  # the admin account: never a signer
def test_a_changed_signer_meaning_or_time_is_named(folder, raw, capsys, column, value):
    sid = signed_session(raw)
    unlock(raw)
    raw.execute(f"UPDATE signatures SET {column} = ? WHERE session_id = ?", [value, sid])
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"signature of session {sid}: Signature NOT valid: the signer, meaning, time or "
            "hash beside its audit row changed") in out


@pytest.mark.parametrize(("column", "value", "part"), [
    ("t0", "2026-01-01T08:00:00.000000+00:00", "the session (patient, protocol, dose time)"),
    ("protocol_id", "iv-infusion", "the session (patient, protocol, dose time)")])
def test_a_signed_session_row_cannot_change_and_a_change_is_named(
        folder, raw, capsys, column, value, part):
    sid = signed_session(raw)
    with pytest.raises(sqlite3.IntegrityError, match=LOCKED):
        raw.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", [value, sid])
    with pytest.raises(sqlite3.IntegrityError, match=LOCKED):
        raw.execute("DELETE FROM sessions WHERE id = ?", [sid])
    unlock(raw)
    raw.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", [value, sid])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: sessions row {sid}: differs from what audit row" in out
    assert f"signature of session {sid}: Signature NOT valid: {part} changed" in out


def test_an_unaudited_amendment_is_refused_and_named(folder, raw, capsys):
    sid = signed_session(raw)
    insert = ("INSERT INTO observations (session_id, kind, observed_at, recorded_at, user_id, "
              "data, amendment) VALUES (?, 'note', ?, ?, 1, '{\"text\": \"late\"}', 1)")
    at = "2026-03-01T10:00:00.000000+00:00"
    with pytest.raises(sqlite3.IntegrityError, match="written with its audit row"):
        raw.execute(insert, [sid, at, at])
    unlock(raw)
    oid = raw.execute(insert, [sid, at, at]).lastrowid
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"reconcile: observations row {oid} (session {sid}): has no audit row "
            "(written behind KAPdesk's back)") in out


def test_a_changed_vitals_value_is_named(folder, raw, capsys):
    sid = signed_session(raw)
    oid = vitals_of(raw, sid)
    unlock(raw)
    raw.execute("UPDATE observations SET data = json_set(data, '$.systolic', 119) "
                "WHERE id = ?", [oid])
    code, out = check(folder, capsys)
    assert code == 1
    problems = [line for line in out.splitlines()
                if not line.startswith(("verified: ", "compared: "))]
    assert problems[0].startswith(f"reconcile: observations row {oid} (session {sid}): "
                               "differs from what audit row")
    assert (f"signature of session {sid}: Signature NOT valid: the entries and corrections "
            "changed") in out


def test_deleted_observations_are_named(folder, raw, capsys):
    sid = signed_session(raw)
    first = raw.execute("SELECT min(id) FROM observations WHERE session_id = ?",
                        [sid]).fetchone()[0]
    unlock(raw)
    raw.execute("DELETE FROM alert_acks WHERE alert_id IN (SELECT id FROM alerts "
                "WHERE session_id = ?)", [sid])
    raw.execute("DELETE FROM alerts WHERE session_id = ?", [sid])
    raw.execute("DELETE FROM observations WHERE session_id = ?", [sid])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: observations row {first} (session {sid}): is gone, but audit row" in out
    assert f"signature of session {sid}: Signature NOT valid: the dose records" in out


def test_a_cut_tail_of_the_audit_trail_is_named(folder, raw, capsys):
    top = raw.execute("SELECT max(id) FROM audit").fetchone()[0]
    unlock(raw)
    raw.execute("DELETE FROM audit WHERE id > ?", [top - 3])
    code, out = check(folder, capsys)
    assert code == 1
    assert (f"seal: the audit trail ends at row {top - 3} but the seal recorded {top} rows "
            in out)


def test_a_forged_appended_audit_row_is_named(folder, raw, capsys):
    top, prev = raw.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    at = "2026-03-02T09:30:00.000000+00:00"
    digest = row_hash(prev, at, 1, "login", "account", 1, None, None)
    raw.execute("INSERT INTO audit (at, user_id, action, entity, entity_id, old, new, "
                "prev_hash, hash) VALUES (?, 1, 'login', 'account', 1, NULL, NULL, ?, ?)",
                [at, prev, digest])  # no trigger refuses an insert: the seal finds it
    code, out = check(folder, capsys)
    assert code == 1
    assert f"seal: 1 audit row(s) after row {top} are not sealed" in out


def test_a_rechained_rewrite_is_named_by_the_seal_and_the_backup(folder, raw, capsys,
                                                                 monkeypatch):
    monkeypatch.setenv("KAPDESK_PASSWORD", DEMO_PASSWORD)  # the backup is an admin's
    assert main(["backup", "--data-dir", str(folder), "--user", "admin"]) == 0
    capsys.readouterr()
    sid = signed_session(raw)
    row = raw.execute("SELECT min(id) FROM audit WHERE entity = 'note' AND entity_id = ?",
                      [sid]).fetchone()[0]
    unlock(raw)
    raw.execute("UPDATE audit SET new = '{\"chars\":3,\"sha256\":\"forged\"}' WHERE id = ?",
                [row])
    rows = raw.execute("SELECT id, at, user_id, action, entity, entity_id, old, new, "
                       "prev_hash FROM audit WHERE id >= ? ORDER BY id", [row]).fetchall()
    prev = rows[0][8]
    for rid, at, uid, action, entity, eid, old, new, _prev in rows:  # re-chain to the end
        digest = row_hash(prev, at, uid, action, entity, eid, old, new)
        raw.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?",
                    [prev, digest, rid])
        prev = digest
    code, out = check(folder, capsys)
    assert code == 1
    top = rows[-1][0]
    assert f"seal: audit row {top} has hash {prev[:16]}…, the seal recorded" in out
    assert "differs from the trail's" in out and "backup kapdesk-" in out
    assert "the trail was rewritten" in out
    assert f"reconcile: session_notes row {sid} (session {sid}): differs from" in out
