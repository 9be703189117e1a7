"""At the start of a program that holds the folder's lock: audit rows found after the
seal's head are named in an audit row of their own before anything is sealed again, so
that sealing them never hides that they were found unsealed (kapdesk.store.anchor says how
`check` judges them).
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
from kapdesk.store.seal import Seal, database_file, read_seal, seal_path
from kapdesk.store.seal_writing import head_row
from kapdesk.store.sealkey import key_for

log = logging.getLogger(__name__)


def _unsealed(db: Database, key: bytes | None, path: Path) -> tuple[int, int, Seal] | None:
    """(first, last, the seal) of the rows after the seal's head; None when there are none,
    or when the seal is missing, forged or does not match (check names those)."""
    seal = read_seal(path, key)
    top = head_row(db)
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
