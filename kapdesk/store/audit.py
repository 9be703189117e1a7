"""The audit trail: append-only (triggers refuse UPDATE and DELETE) and hash-chained.

Each row's hash covers the previous row's hash and its own content, so a row changed or
removed behind the app's back breaks the chain at that row, and `kapdesk check` says which.
After each committed transaction that appended rows, the chain's head is sealed outside the
database (kapdesk.store.seal), so that a cut tail or a re-chained rewrite is found too.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from kapdesk.core.clock import Clock
from kapdesk.store.connection import Database
from kapdesk.store.timefmt import to_db

GENESIS = "0" * 64


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_hash(prev: str, at: str, user_id: int | None, action: str, entity: str,
             entity_id: int | None, old: str | None, new: str | None) -> str:
    payload = json.dumps([prev, at, user_id, action, entity, entity_id, old, new],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AuditTrail:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _arm_seal(self, first_id: int, prev: str) -> None:
        """Seal in two steps around the commit: just before it, the head before this
        transaction and the one it will make, so that a stop on either side of the commit
        leaves a seal that matches; just after, the new head confirmed. Neither waits for
        the disk (kapdesk.store.seal: flushed just after, and at close)."""
        from kapdesk.store.seal_writing import seal_writer, sealed

        writer = seal_writer(self._db, self._clock)
        if writer is None:
            return

        committing: list[tuple[int, str]] = []  # the head pending() sealed, under the lock

        def pending() -> None:
            top = sealed(self._db, writer, to_db(self._clock.now()), before=(first_id - 1, prev))
            committing.extend([top] if top else [])

        def confirmed() -> None:
            # what this connection committed, read under its write lock just before: nothing
            # could come between (read again if pending() found nothing)
            sealed(self._db, writer, to_db(self._clock.now()),
                   top=committing[0] if committing else None)

        if self._db.conn.in_transaction:
            # the transaction's first append arms both (they share what pending() read)
            if self._db.before_commit("audit-seal", pending):
                self._db.after_commit("audit-seal", confirmed)
        else:
            confirmed()

    def append(self, user_id: int | None, action: str, entity: str, entity_id: int | None,
               old: Any = None, new: Any = None) -> int:
        """Add one row. Call inside the transaction of the change it records."""
        row = self._db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        prev = row[0] if row else GENESIS
        at = to_db(self._clock.now())
        old_s, new_s = _canonical(old), _canonical(new)
        digest = row_hash(prev, at, user_id, action, entity, entity_id, old_s, new_s)
        cursor = self._db.execute(
            "INSERT INTO audit (at, user_id, action, entity, entity_id, old, new, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [at, user_id, action, entity, entity_id, old_s, new_s, prev, digest])
        rid = int(cursor.lastrowid or 0)
        self._arm_seal(rid, prev)
        return rid

    def head(self) -> tuple[int, str] | None:
        """The last row's id and hash (what an exported note prints), if any."""
        return chain_head(self._db)

    def rows(self, entity: str | None = None, entity_id: int | None = None,
             ) -> list[dict[str, Any]]:
        sql = "SELECT id, at, user_id, action, entity, entity_id, old, new FROM audit"
        params: list[Any] = []
        if entity is not None:
            sql += " WHERE entity = ?"
            params.append(entity)
            if entity_id is not None:
                sql += " AND entity_id = ?"
                params.append(entity_id)
        cols = ("id", "at", "user_id", "action", "entity", "entity_id", "old", "new")
        return [dict(zip(cols, r, strict=True))
                for r in self._db.execute(sql + " ORDER BY id", params).fetchall()]

    def verify(self) -> str | None:
        """None when the chain is whole; else words naming the first broken row."""
        return verify_chain(self._db)


def verify_chain(db: Database) -> str | None:
    """None when the audit chain is whole; else words naming the first broken row."""
    prev = GENESIS
    try:
        cursor = db.execute(
            "SELECT id, at, user_id, action, entity, entity_id, old, new, prev_hash, hash "
            "FROM audit ORDER BY id")
    except sqlite3.Error as exc:  # the trail removed or reshaped behind KAPdesk's back
        return f"audit: the trail cannot be read ({exc})"
    for (rid, at, user_id, action, entity, entity_id, old, new, prev_hash, digest) in cursor:
        if prev_hash != prev:
            return (f"audit row {rid}: does not follow the row before it "
                    "(a row was removed or inserted)")
        if row_hash(prev, at, user_id, action, entity, entity_id, old, new) != digest:
            return f"audit row {rid}: its content does not match its hash (it was changed)"
        prev = digest
    return None


def chain_head(db: Database) -> tuple[int, str] | None:
    row = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None
