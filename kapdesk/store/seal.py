"""The seal: the audit chain's head kept outside the database, so that a trail cut short
at its end, or rewritten and re-chained, no longer matches what was sealed.

The seal is a small file beside the database (`kapdesk.seal` beside `kapdesk.sqlite3`),
written around every transaction that adds audit rows: just before its commit (fsync'd),
the head before it and the head it will make ("pending"); just after, the new head
confirmed. The committed head is the last row's id, the number of rows (ids are dense:
rows are never removed), its hash and when; so whether the app stops before or after the
commit, the seal matches the trail. The file holds two fixed-size slots, each one line of
JSON with its own checksum and a sequence number; a write goes to the older slot, so a
write torn by a power cut leaves the other slot whole. `kapdesk check` compares the newest
whole slot with the trail.

The seal is its own file: it is never the database, its -wal or its -shm (which only
SQLite may open).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kapdesk.core.errors import KapdeskError
from kapdesk.store.connection import Database
from kapdesk.store.signature import canonical, sha256

log = logging.getLogger(__name__)
SLOT = 512
SUFFIX = ".seal"


class SealError(KapdeskError):
    """The seal file exists but no slot of it can be read."""


@dataclass(frozen=True)
class Seal:
    seq: int
    last_id: int  # the committed head
    rows: int
    head: str
    at: str
    pending_id: int = 0  # the head the transaction being committed makes (0: none)
    pending_head: str = ""


def seal_path(database: Path) -> Path:
    """The seal of the database file at `database`."""
    return database.with_suffix(SUFFIX)


def database_file(db: Database) -> Path | None:
    """The file of the connection's main database; None in memory or a temp database."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def _encode(seal: Seal) -> bytes:
    body = {"seq": seal.seq, "last_id": seal.last_id, "rows": seal.rows, "head": seal.head,
            "at": seal.at, "pending_id": seal.pending_id, "pending_head": seal.pending_head}
    text = canonical({**body, "check": sha256(canonical(body))[:16]})
    if len(text.encode("utf-8")) >= SLOT:  # never into the other slot
        raise ValueError(f"a seal slot holds {SLOT - 1} bytes, not {len(text)}")
    return (text.ljust(SLOT - 1) + "\n").encode("utf-8")


def _decode(raw: bytes) -> Seal | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        body = {k: data[k] for k in ("seq", "last_id", "rows", "head", "at", "pending_id",
                                     "pending_head")}
        if data.get("check") != sha256(canonical(body))[:16]:
            return None
        return Seal(int(body["seq"]), int(body["last_id"]), int(body["rows"]),
                    str(body["head"]), str(body["at"]), int(body["pending_id"]),
                    str(body["pending_head"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def _newest(raw: bytes) -> Seal | None:
    found = [s for s in (_decode(raw[i:i + SLOT]) for i in (0, SLOT)) if s is not None]
    return max(found, key=lambda s: s.seq) if found else None


def read_seal(path: Path) -> Seal | None:
    """The newest whole slot; None when there is no seal file. SealError if damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SealError(f"the seal {path} cannot be read ({exc.strerror})") from None
    seal = _newest(raw[:2 * SLOT])
    if seal is None:
        raise SealError(f"the seal {path} is damaged: neither of its slots is whole")
    return seal


def _lock(fd: int) -> None:
    if os.name == "posix":
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def write_seal(path: Path, last_id: int, rows: int, head: str, at: str,
               pending: tuple[int, str] | None = None, durable: bool = True) -> Seal:
    """Write the head (and the pending one) into the older slot, fsync'd unless not
    `durable`; one writer at a time."""
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock(fd)
        current = _newest(os.pread(fd, 2 * SLOT, 0))
        pending_id, pending_head = pending or (last_id, head)
        seal = Seal((current.seq + 1) if current else 1, last_id, rows, head, at,
                    pending_id, pending_head)
        os.pwrite(fd, _encode(seal), (seal.seq % 2) * SLOT)
        if not durable:
            pass
        elif hasattr(os, "fdatasync"):
            os.fdatasync(fd)
        else:  # pragma: no cover - not posix
            os.fsync(fd)
    finally:
        os.close(fd)  # closing the seal drops its flock, nothing else
    if created and os.name == "posix":
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return seal


def seal_now(db: Database, path: Path, at: str, before: tuple[int, str] | None = None,
             durable: bool = True) -> None:
    """Seal the trail's head as the connection sees it: as committed, or (`before`, the
    head before this transaction) as pending. A seal that cannot be written is logged
    (the save goes on) and `kapdesk check` will say which rows are not sealed."""
    try:
        row = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return
        top = (int(row[0]), str(row[1]))
        if before is not None:
            write_seal(path, before[0], before[0], before[1], at, pending=top)
        else:
            write_seal(path, top[0], top[0], top[1], at, durable=durable)
    except (OSError, sqlite3.Error) as exc:  # the save itself is committed: never raise
        log.warning("the audit seal could not be written (%s); `kapdesk check` will say "
                    "which rows are not sealed", type(exc).__name__)
