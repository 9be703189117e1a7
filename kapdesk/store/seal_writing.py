"""Sealing a connection's audit trail as it writes: one SealWriter per connection, keyed
when the connection knows its key folder, marked closed cleanly when the connection closes.

A seal that cannot be written never fails the save: it is logged (no health data, only the
kind of error) and `kapdesk check` says which rows are not sealed.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from kapdesk.core.clock import Clock
from kapdesk.core.errors import KapdeskError
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.seal import Seal, SealWriter, database_file, read_seal, seal_path
from kapdesk.store.sealkey import key_for
from kapdesk.store.timefmt import to_db

log = logging.getLogger(__name__)
_KEY = "audit-seal-writer"


def _head(db: Database) -> tuple[int, str] | None:
    row = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _make(db: Database, clock: Clock) -> SealWriter | None:
    file = database_file(db)
    if file is None:
        return None
    try:
        key, _file = key_for(db, file, create=True)
    except KapdeskError as exc:  # a key folder that cannot be used: said, never a failed save
        key = None
        log.warning("the audit seal is written without its key: %s", exc)
    writer = SealWriter(seal_path(file), key)

    def close() -> None:
        if writer.last_seq == 0:
            return  # it never wrote: the seal stays as the last writer left it
        try:
            head = None if db.conn.in_transaction else _head(db)  # an open one rolls back
            writer.close(head, to_db(clock.now()))
        except (OSError, sqlite3.Error, KapdeskError) as exc:
            log.warning("the audit seal could not be closed (%s)", type(exc).__name__)

    db.on_close(_KEY, close)
    return writer


def seal_writer(db: Database, clock: Clock) -> SealWriter | None:
    """The connection's seal writer (made with the first trail's clock, which also times
    its closing slot); None for a database that is not a file."""
    return db.helper(_KEY, lambda: _make(db, clock))


def sealed(db: Database, writer: SealWriter, at: str,
           before: tuple[int, str] | None = None,
           top: tuple[int, str] | None = None) -> tuple[int, str] | None:
    """Seal the trail's head as the connection sees it (or `top`, the head this connection
    just committed): as committed, or (`before`, the head before this transaction) as
    pending. Returns the head sealed."""
    try:
        top = top or _head(db)
        if top is None:
            return None
        if before is not None:
            writer.write(before[0], before[0], before[1], at, pending=top)
        else:
            writer.write(top[0], top[0], top[1], at)
        return top
    except (OSError, sqlite3.Error, KapdeskError) as exc:  # the save itself goes on
        log.warning("the audit seal could not be written (%s); `kapdesk check` will say "
                    "which rows are not sealed", type(exc).__name__)
        return None


def _unsealed(db: Database, key: bytes | None, path: Path) -> tuple[int, int, Seal] | None:
    """(first, last, the seal) of the rows after the seal's head; None when there are none,
    or when the seal is missing, forged or does not match (check names those)."""
    seal = read_seal(path, key)
    top = _head(db)
    if seal is None or top is None or seal.mac == "forged":
        return None
    hashes = dict(db.execute("SELECT id, hash FROM audit WHERE id IN (?, ?)",
                             [seal.last_id, seal.pending_id]).fetchall())
    if seal.last_id and hashes.get(seal.last_id) != seal.head:
        return None
    known = seal.last_id
    if seal.pending_id > known and hashes.get(seal.pending_id) == seal.pending_head:
        known = seal.pending_id
    return (known + 1, top[0], seal) if top[0] > known else None


def note_unsealed(db: Database, clock: Clock, settle_s: float = 0.05) -> str | None:
    """At the start of a program that holds the folder's lock: audit rows after the seal's
    head (left by a power cut just after a save, or added behind KAPdesk's back) are named
    in an audit row of their own before this program seals anything, so that sealing them
    does not hide that they were found unsealed. Returns the notice, in words."""
    file = database_file(db)
    if file is None:
        return None
    try:
        key, _key_file = key_for(db, file)
        found = _unsealed(db, key, seal_path(file))
        if found is not None and settle_s > 0:
            # a backup beside (which takes no lock) may be between its commit and its seal
            time.sleep(settle_s)
            found = _unsealed(db, key, seal_path(file))
        if found is None:
            return None
        first, last, seal = found
        with db.atomic():
            rid = AuditTrail(db, clock).append(None, "unsealed", "audit", None, None, {
                "first": first, "last": last, "seal_running": seal.running,
                "sealed_at": seal.at})
    except (OSError, sqlite3.Error, KapdeskError) as exc:  # the start goes on; check says it
        log.warning("the audit seal could not be compared at the start (%s)",
                    type(exc).__name__)
        return None
    how = ("KAPdesk had not closed it: the computer may have stopped just after a save"
           if seal.running else "it had been closed cleanly: they were written behind "
           "KAPdesk's back")
    return (f"The audit seal was behind the trail: rows {first}-{last} were not sealed "
            f"({how}). Recorded in audit row {rid}; 'kapdesk check' names it.")
