"""The seal as the room writes it: kept open, flushed after the save rather than before its
commit, closed cleanly at the end; keyed with the database's key. What check makes of a
seal left behind by an unclean stop, of one closed cleanly and behind, and of a forged one."""

import json
import logging
import os
import stat
import threading
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.store.anchor import KeyState, anchor_report, key_state
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.database import open_database
from kapdesk.store.opening import open_data_folder
from kapdesk.store.seal import SLOT, SealWriter, read_seal, seal_path, write_seal
from kapdesk.store.sealkey import KEY_BYTES, SealKeyError, key_for, load_key
from kapdesk.store.signature import canonical, sha256


def add(audit: AuditTrail, clock: FakeClock, n: int = 1, seconds: float = 1) -> None:
    for i in range(n):
        clock.advance(seconds)
        audit.append(None, "update", "setting", i, None, {"n": i})


def head_at(db: Database, row: int) -> str:
    return str(db.execute("SELECT hash FROM audit WHERE id = ?", [row]).fetchone()[0])


def test_the_seal_is_running_while_open_and_closed_cleanly_at_close(
        db_path: Path, clock: FakeClock) -> None:
    db = open_database(db_path)
    add(AuditTrail(db, clock), clock, 3)
    sealed = read_seal(seal_path(db_path), key_for(db, db_path)[0])
    assert sealed is not None and sealed.running and sealed.last_id == 3
    assert sealed.mac == "verified"
    db.close()
    again = open_database(db_path)
    try:
        closed = read_seal(seal_path(db_path), key_for(again, db_path)[0])
        assert closed is not None and not closed.running and closed.last_id == 3
        assert closed.seq == sealed.seq + 1  # one slot more: the close
        assert anchor_report(again, seal_path(db_path), []).problems == []
    finally:
        again.close()


def test_a_connection_that_never_sealed_leaves_the_seal_as_it_was(
        db_path: Path, clock: FakeClock) -> None:
    db = open_database(db_path)
    add(AuditTrail(db, clock), clock)
    db.close()
    before = seal_path(db_path).read_bytes()
    open_database(db_path).close()  # opened and closed, nothing audited
    assert seal_path(db_path).read_bytes() == before


def flushers() -> int:
    return sum(t.name == "kapdesk-seal-flush" for t in threading.enumerate())


def test_the_flush_thread_runs_and_a_close_waits_for_it(tmp_path: Path) -> None:
    before = flushers()
    writer = SealWriter(tmp_path / "x.seal", flush_after=0.0)
    for i in range(1, 50):
        writer.write(i, i, "a" * 64, "t")
    assert flushers() == before + 1  # one thread for the writer's life, not one per write
    writer.close((49, "a" * 64), "t")  # ends the thread (after any flush), flushes, closes
    assert flushers() == before
    found = read_seal(tmp_path / "x.seal")
    assert found is not None and (found.last_id, found.running) == (49, False)
    assert found.seq == 50


def test_behind_after_an_unclean_stop_is_a_warning_naming_the_rows(
        db: Database, db_path: Path, clock: FakeClock) -> None:
    """A power cut in the moment after a save: the trail committed (fsync'd), the seal's
    last slots still in the page cache, lost. The seal on disk says running, two rows ago."""
    audit = AuditTrail(db, clock)
    add(audit, clock, 3)
    key = key_for(db, db_path)[0]
    write_seal(seal_path(db_path), 1, 1, head_at(db, 1), "t", running=True, key=key)
    report = anchor_report(db, seal_path(db_path), [])
    assert report.problems == []
    [warning] = report.warnings
    assert "rows 2-3 (2, saved within 1 s) are not sealed: KAPdesk did not close" in warning
    assert "review audit rows 2-3" in warning


def test_behind_a_seal_closed_cleanly_is_a_failure(db: Database, db_path: Path,
                                                   clock: FakeClock) -> None:
    audit = AuditTrail(db, clock)
    add(audit, clock, 3)
    key = key_for(db, db_path)[0]
    write_seal(seal_path(db_path), 1, 1, head_at(db, 1), "t", running=False, key=key)
    [problem] = anchor_report(db, seal_path(db_path), []).problems
    assert problem.startswith("seal: 2 audit row(s) after row 1 are not sealed (the seal was "
                              "closed cleanly after row 1)")


def test_behind_by_rows_further_apart_than_an_unclean_stop_leaves_is_a_failure(
        db: Database, db_path: Path, clock: FakeClock) -> None:
    audit = AuditTrail(db, clock)
    add(audit, clock, 3, seconds=3600)
    key = key_for(db, db_path)[0]
    write_seal(seal_path(db_path), 1, 1, head_at(db, 1), "t", running=True, key=key)
    [problem] = anchor_report(db, seal_path(db_path), []).problems
    assert "(they span 3600 s, more than an unclean stop leaves)" in problem


def test_a_cut_tail_is_still_a_failure_whatever_the_seal_says_of_running(
        db: Database, db_path: Path, clock: FakeClock) -> None:
    audit = AuditTrail(db, clock)
    add(audit, clock, 3)
    db.execute("DROP TRIGGER audit_no_delete")
    db.execute("DELETE FROM audit WHERE id = 3")
    problems = anchor_report(db, seal_path(db_path), []).problems
    assert any(p.startswith("seal: the audit trail ends at row 2 but the seal recorded 3")
               for p in problems), problems


def test_a_seal_forged_without_the_key_fails(db: Database, db_path: Path,
                                            clock: FakeClock) -> None:
    """Anyone with the data folder can rewrite the seal with its public checksum; without
    the key its MAC is missing or wrong. Cut the trail and seal the cut: still found."""
    audit = AuditTrail(db, clock)
    add(audit, clock, 3)
    seal = seal_path(db_path)
    real = json.loads(seal.read_bytes()[:SLOT].decode())  # a real slot and its MAC
    db.execute("DROP TRIGGER audit_no_delete")
    db.execute("DELETE FROM audit WHERE id = 3")
    write_seal(seal, 2, 2, head_at(db, 2), "t")  # no key: no MAC
    [problem] = anchor_report(db, seal, []).problems
    assert problem.startswith("seal: it carries no MAC, but this database has a key")
    write_seal(seal, 2, 2, head_at(db, 2), "t", key=os.urandom(KEY_BYTES))  # a guessed key
    [problem] = anchor_report(db, seal, []).problems
    assert problem.startswith("seal: its MAC does not verify with this database's key")
    # the real MAC kept, the content changed to the cut trail, the public checksum redone
    body = {k: v for k, v in real.items() if k not in ("check", "mac")}
    body.update(seq=99, last_id=2, rows=2, head=head_at(db, 2), pending_id=2,
                pending_head=head_at(db, 2))
    text = canonical(body)
    line = canonical({**body, "check": sha256(text)[:16], "mac": real["mac"]})
    seal.write_bytes((line.ljust(SLOT - 1) + "\n").encode() * 2)
    [problem] = anchor_report(db, seal, []).problems
    assert problem.startswith("seal: its MAC does not verify with this database's key")


def test_a_keyed_seal_checked_without_its_key_is_a_warning(db: Database, db_path: Path,
                                                          clock: FakeClock) -> None:
    add(AuditTrail(db, clock), clock, 2)
    report = anchor_report(db, seal_path(db_path), [], key=KeyState())
    assert report.problems == []
    assert any("NOT verified with the key" in w for w in report.warnings)
    verified = anchor_report(db, seal_path(db_path), [])
    assert any("its MAC verified with this database's key" in c for c in verified.compared)


def test_the_key_is_the_owners_alone_and_made_once(tmp_path: Path) -> None:
    first = load_key(tmp_path / "keys", "abc123", create=True)
    again = load_key(tmp_path / "keys", "abc123", create=True)
    assert first == again and first is not None and len(first) == KEY_BYTES
    mode = stat.S_IMODE(os.stat(tmp_path / "keys" / "seal-abc123.key").st_mode)
    assert mode == 0o600
    assert load_key(tmp_path / "keys", "other") is None  # never made by reading
    assert not (tmp_path / "keys" / "seal-other.key").exists()


def test_a_damaged_key_is_named_and_a_key_inside_the_data_folder_refused(
        db: Database, db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    add(AuditTrail(db, clock), clock)
    _key, file = key_for(db, db_path)
    assert file is not None
    file.write_text("not hex at all\n")
    state = key_state(db, db_path)
    assert state.problem.startswith(f"The seal's key {file} cannot be read (not a key)")
    assert any(p.startswith("seal: The seal's key") for p in
               anchor_report(db, seal_path(db_path), []).problems)
    file.write_text("ab" * 5 + "\n")
    with pytest.raises(SealKeyError, match="5 bytes, not 32"):
        key_for(db, db_path)
    monkeypatch.setenv("KAPDESK_KEY_DIR", str(db_path.parent / "keys"))
    assert "is inside the data folder" in key_state(db, db_path).problem
    other = open_database(db_path.with_name("other.sqlite3"))
    try:
        with caplog.at_level(logging.WARNING):
            add(AuditTrail(other, clock), clock)  # saved all the same, without the key
        assert "the audit seal is written without its key" in caplog.text
        assert not (db_path.parent / "keys").exists()
    finally:
        other.close()


def test_a_slot_holds_a_keyed_seal_of_the_longest_ids(tmp_path: Path) -> None:
    big = 2 ** 62
    found = write_seal(tmp_path / "s.seal", big, big, "f" * 64,
                       "2026-03-02T09:00:00.000000+00:00", pending=(big, "e" * 64),
                       running=True, key=os.urandom(KEY_BYTES))
    assert (tmp_path / "s.seal").stat().st_size == 2 * SLOT
    assert found.seq == 1


@pytest.mark.parametrize("running", [True, False])
def test_a_start_records_the_rows_it_finds_unsealed_before_sealing_them(
        tmp_path: Path, clock: FakeClock, running: bool) -> None:
    """After a power cut just after a save (the seal on disk a row behind, not closed) the
    next start would seal that row with its first save, and the gap would be gone: it is
    recorded first, in an audit row of its own, and check names it from then on."""
    path = tmp_path / "data" / "kapdesk.sqlite3"
    path.parent.mkdir()
    opened = open_data_folder(path, clock, "the test room")
    add(AuditTrail(opened.db, clock), clock, 3)
    key = key_for(opened.db, path)[0]
    opened.close()
    db = open_database(path)
    write_seal(seal_path(path), 2, 2, head_at(db, 2), "t", running=running, key=key)
    db.conn.close()  # as the machine stopped: nothing more written
    again = open_data_folder(path, clock, "the test room")
    try:
        [notice] = again.notices
        assert notice.startswith("The audit seal was behind the trail: rows 3-3 were not "
                                 "sealed")
        assert ("the computer may have stopped" in notice) == running
        row = again.db.execute("SELECT id, new FROM audit WHERE action = 'unsealed'"
                               ).fetchone()
        assert json.loads(row[1])["first"] == 3 and json.loads(row[1])["last"] == 3
        report = anchor_report(again.db, seal_path(path), [])
        assert report.problems == []
        said = report.compared if running else report.warnings
        assert any(line.startswith(f"audit row {row[0]}: a start found rows 3-3 not sealed")
                   for line in said), report
    finally:
        again.close()
    quiet = open_data_folder(path, clock, "the test room")  # nothing behind: nothing said
    try:
        assert quiet.notices == []
    finally:
        quiet.close()


def test_a_seal_replaced_by_a_link_or_grown_huge_is_never_followed_or_read_whole(
        db: Database, db_path: Path, clock: FakeClock, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    audit = AuditTrail(db, clock)
    add(audit, clock)
    seal = seal_path(db_path)
    with seal.open("ab") as grown:  # a seal padded to 8 MB: only its two slots are read
        grown.write(b"\0" * 8_000_000)
    assert read_seal(seal) is not None
    victim = tmp_path / "elsewhere.txt"
    victim.write_text("the user's own file\n")
    seal.unlink()
    seal.symlink_to(victim)
    with caplog.at_level(logging.WARNING):
        add(audit, clock)  # saved; the seal is not written through the link
    assert victim.read_text() == "the user's own file\n"
    assert "the audit seal could not be written (OSError)" in caplog.text


def test_a_close_never_waits_forever_for_the_flush_thread(tmp_path: Path) -> None:
    """A stop that comes while the thread is between its wait and its clear still ends it
    (the whole suite once hung here, in a test's teardown). Writes from a second thread
    keep waking it while the writer closes; every close must end within seconds."""
    stuck, before = [], flushers()
    for n in range(150):
        writer = SealWriter(tmp_path / f"{n}.seal", flush_after=0.0002 * (n % 7))
        writer.write(1, 1, "a" * 64, "t")
        beside = threading.Thread(target=lambda w=writer: [w._schedule() for _ in range(50)])
        beside.start()
        closing = threading.Thread(target=writer.close, args=((1, "a" * 64), "t"))
        closing.start()
        closing.join(10)
        beside.join(10)
        if closing.is_alive():
            stuck.append(n)
            writer._stop.set()
            writer._wake.set()
        writer.close(None, "t")  # a wake after the close started a thread: end it too
    assert stuck == []
    assert flushers() == before
