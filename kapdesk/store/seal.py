"""The seal: the audit chain's head kept outside the database, so that a trail cut short
at its end, or rewritten and re-chained, no longer matches what was sealed.

The seal is a small file beside the database (`kapdesk.seal` beside `kapdesk.sqlite3`),
written after every committed transaction that added audit rows: the last row's id, the
number of rows (ids are dense: rows are never removed), its hash and when. It holds two
fixed-size slots, each one line of JSON with its own checksum and a sequence number; a
write goes to the older slot and is fsync'd, so a write torn by a power cut leaves the
other slot whole. `kapdesk check` compares the newest whole slot with the trail.

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
SLOT = 256
SUFFIX = ".seal"


class SealError(KapdeskError):
    """The seal file exists but no slot of it can be read."""


@dataclass(frozen=True)
class Seal:
    seq: int
    last_id: int
    rows: int
    head: str
    at: str


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
            "at": seal.at}
    text = canonical({**body, "check": sha256(canonical(body))[:16]})
    return (text.ljust(SLOT - 1) + "\n").encode("utf-8")


def _decode(raw: bytes) -> Seal | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        body = {k: data[k] for k in ("seq", "last_id", "rows", "head", "at")}
        if data.get("check") != sha256(canonical(body))[:16]:
            return None
        return Seal(int(body["seq"]), int(body["last_id"]), int(body["rows"]),
                    str(body["head"]), str(body["at"]))
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


def write_seal(path: Path, last_id: int, rows: int, head: str, at: str) -> Seal:
    """Write the head into the older slot and fsync it (one writer at a time)."""
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock(fd)
        current = _newest(os.pread(fd, 2 * SLOT, 0))
        seal = Seal((current.seq + 1) if current else 1, last_id, rows, head, at)
        os.pwrite(fd, _encode(seal), (seal.seq % 2) * SLOT)
        if hasattr(os, "fdatasync"):
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


def seal_now(db: Database, path: Path, at: str) -> None:
    """Seal the trail's committed head. A seal that cannot be written is logged (the
    entries are committed already) and `kapdesk check` will say the seal is behind."""
    try:
        row = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        if row is not None:
            write_seal(path, int(row[0]), int(row[0]), str(row[1]), at)
    except (OSError, sqlite3.Error) as exc:  # the save itself is committed: never raise
        log.warning("the audit seal could not be written (%s); `kapdesk check` will say "
                    "which rows are not sealed", type(exc).__name__)
