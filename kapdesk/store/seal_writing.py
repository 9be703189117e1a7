"""Sealing a connection's audit trail as it writes: one SealWriter per connection, keyed
when the connection knows its key folder, marked closed cleanly when the connection closes.

A seal that cannot be written never fails the save: it is logged (no health data, only the
kind of error) and `kapdesk check` says which rows are not sealed.
"""

from __future__ import annotations

import logging
import sqlite3

from kapdesk.core.clock import Clock
from kapdesk.core.errors import KapdeskError
from kapdesk.store.connection import Database
from kapdesk.store.seal import SealWriter, database_file, seal_path
from kapdesk.store.sealkey import key_for
from kapdesk.store.timefmt import to_db

log = logging.getLogger(__name__)
_KEY = "audit-seal-writer"


def head_row(db: Database) -> tuple[int, str] | None:
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
            head = None if db.conn.in_transaction else head_row(db)  # an open one rolls back
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
        top = top or head_row(db)
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
