"""The seal: the audit chain's head kept outside the database, so that a trail cut short
at its end, or rewritten and re-chained, no longer matches what was sealed.

The seal is a small file beside the database (`kapdesk.seal` beside `kapdesk.sqlite3`),
written around every transaction that adds audit rows: just before its commit, the head
before it and the head it will make ("pending"); just after, the new head confirmed. The
committed head is the last row's id, the number of rows (ids are dense: rows are never
removed), its hash and when; so whether the app stops before or after the commit, the seal
matches the trail. The file holds two fixed-size slots, each one line of JSON with its own
checksum and a sequence number; a write goes to the older slot, so a write torn by a power
cut leaves the other slot whole. With the database's key (kapdesk.store.sealkey) each slot
also carries an HMAC-SHA256 of its content, which a seal forged without the key fails.

Durability, and what it costs (README, "The audit trail"): each connection keeps its seal
open (SealWriter) and writes a slot with one pwrite, no fsync, so a save does not wait for
the seal's disk. A process killed at any point loses nothing (the page cache is the
kernel's, not the process's); the seal is fdatasync'd by the writer's flush thread at most
FLUSH_AFTER_S after a write, and at once when the connection closes, which also marks the
seal "closed cleanly" (`running` false). The one write that turns a closed seal (or none)
back to running is fdatasync'd before the save goes on, so the seal on disk never says
"closed cleanly" with rows after it that KAPdesk saved. So only a power cut or a kernel
crash within that moment can leave the seal behind the trail, by the rows saved in it, with
`running` still true; `kapdesk check` then warns and names them, where a seal closed
cleanly and behind is a failure.

The seal is its own file: it is never the database, its -wal or its -shm (which only
SQLite may open).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from kapdesk.core.errors import KapdeskError
from kapdesk.store.connection import Database
from kapdesk.store.signature import canonical, sha256

log = logging.getLogger(__name__)
SLOT = 512
SUFFIX = ".seal"
FLUSH_AFTER_S = 0.2
_FIELDS = ("seq", "last_id", "rows", "head", "at", "pending_id", "pending_head")


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
    running: bool = False  # written by a KAPdesk that had not closed it cleanly (yet)
    mac: str = "none"  # "none" | "verified" (with the key) | "unverified" (no key) | "forged"


def seal_path(database: Path) -> Path:
    """The seal of the database file at `database`."""
    return database.with_suffix(SUFFIX)


def database_file(db: Database) -> Path | None:
    """The file of the connection's main database; None in memory or a temp database."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _encode(seal: Seal, key: bytes | None) -> bytes:
    body: dict[str, object] = {f: getattr(seal, f) for f in _FIELDS}
    body["running"] = seal.running
    text = canonical(body)
    # the checksum and MAC cover the body's canonical text, which _decode rebuilds from the
    # fields read: the line itself needs no second serialisation
    line = text[:-1] + f',"check":"{sha256(text)[:16]}"' + (
        f',"mac":"{_mac(key, text)}"' if key is not None else "") + "}"
    if len(line.encode("utf-8")) >= SLOT:  # never into the other slot
        raise ValueError(f"a seal slot holds {SLOT - 1} bytes, not {len(line)}")
    return (line.ljust(SLOT - 1) + "\n").encode("utf-8")


def _decode(raw: bytes, key: bytes | None) -> Seal | None:
    """The slot, if whole (its checksum matches); `mac` says what its MAC showed."""
    try:
        data = json.loads(raw.decode("utf-8"))
        body = {k: data[k] for k in _FIELDS}
        if "running" in data:  # a slot written before seals said so: as if closed
            body["running"] = bool(data["running"])
        text = canonical(body)
        if data.get("check") != sha256(text)[:16]:
            return None
        given = data.get("mac")
        mac = "none"
        if isinstance(given, str):
            mac = ("unverified" if key is None
                   else "verified" if hmac.compare_digest(given, _mac(key, text))
                   else "forged")
        return Seal(int(body["seq"]), int(body["last_id"]), int(body["rows"]),
                    str(body["head"]), str(body["at"]), int(body["pending_id"]),
                    str(body["pending_head"]), bool(body.get("running", False)), mac)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        return None


def _newest(raw: bytes, key: bytes | None) -> Seal | None:
    found = [s for s in (_decode(raw[i:i + SLOT], key) for i in (0, SLOT)) if s is not None]
    return max(found, key=lambda s: s.seq) if found else None


def read_seal(path: Path, key: bytes | None = None) -> Seal | None:
    """The newest whole slot, its MAC checked with `key` if given; None when there is no
    seal file. SealError if damaged."""
    try:
        with path.open("rb") as file:  # two slots, however long the file was made
            raw = file.read(2 * SLOT)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SealError(f"the seal {path} cannot be read ({exc.strerror})") from None
    seal = _newest(raw[:2 * SLOT], key)
    if seal is None:
        raise SealError(f"the seal {path} is damaged: neither of its slots is whole")
    return seal


def _lock(fd: int, how: str) -> None:
    if os.name == "posix":
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX if how == "lock" else fcntl.LOCK_UN)


def _sync(fd: int) -> None:
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # pragma: no cover - not posix
        os.fsync(fd)


class SealWriter:
    """One connection's seal, kept open: a slot per write (pwrite, under an flock so that
    two processes take turns), flushed to disk by the writer's thread FLUSH_AFTER_S later;
    the thread ends when the writer closes."""

    def __init__(self, path: Path, key: bytes | None = None,
                 flush_after: float = FLUSH_AFTER_S) -> None:
        self.path = path
        self._key = key
        self._flush_after = flush_after
        self._fd: int | None = None
        self._thread: threading.Thread | None = None  # the flush thread, once started
        # that thread's own events (each thread has its own, so that one being stopped
        # can never miss its stop because a newer one was started meanwhile)
        self._wake = threading.Event()  # a write is waiting to be flushed
        self._stop = threading.Event()  # the flush thread is to end
        self._guard = threading.Lock()
        self._image = b""  # the two slots as this writer last left them
        self._running = False  # what the slot it wrote last said
        self.last_seq = 0  # the seq of the slot this writer wrote last

    @property
    def keyed(self) -> bool:
        return self._key is not None

    def _file(self) -> int:
        """The seal's descriptor, reopened if the file at the path is not the one open."""
        fd = self._fd
        if fd is not None:
            if os.fstat(fd).st_nlink > 0:  # still the file at the path: not removed or
                return fd                  # renamed over (a link put there is refused)
            self._release()
        created = not self.path.exists()
        # never through a link put in its place: the seal is this file, nothing else
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        self._fd = fd
        if created and os.name == "posix":  # the new name itself survives a power cut
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        return fd

    def write(self, last_id: int, rows: int, head: str, at: str,
              pending: tuple[int, str] | None = None, running: bool = True,
              durable: bool = False, only_if_last: bool = False) -> Seal | None:
        """Write the head (and the pending one) into the older slot; fdatasync'd now if
        `durable`, else soon. `only_if_last`: only if the newest slot is this writer's
        (another process has not sealed since); None when it was not."""
        fd = self._file()
        _lock(fd, "lock")
        try:
            image = os.pread(fd, 2 * SLOT, 0)
            # the file as this writer left it: nobody else wrote since, its seq is known
            if image == self._image and self.last_seq:
                seq, was_running = self.last_seq, self._running
            else:
                current = _newest(image, self._key)
                seq = current.seq if current else 0
                was_running = current is not None and current.running
            if only_if_last and seq != self.last_seq:
                return None
            # a seal that said "closed cleanly" (or none) turns "running" on the disk before
            # the save goes on: after a power cut it then never says closed with rows after
            durable = durable or (running and not was_running)
            pending_id, pending_head = pending or (last_id, head)
            seal = Seal(seq + 1, last_id, rows, head, at, pending_id, pending_head, running)
            slot = _encode(seal, self._key)
            at_ = (seal.seq % 2) * SLOT
            os.pwrite(fd, slot, at_)
            self._image = image[:at_] + slot + image[at_ + SLOT:] if len(image) == 2 * SLOT \
                else b""
            self.last_seq, self._running = seal.seq, running
        finally:
            _lock(fd, "unlock")
        if durable:
            self.flush()
        else:
            self._schedule()
        return seal

    def _schedule(self) -> None:
        """Wake the writer's flush thread (started once, with the first write: starting a
        thread waits for the OS to run it, which a save must not)."""
        with self._guard:
            if self._thread is None:
                self._wake, self._stop = threading.Event(), threading.Event()
                self._thread = threading.Thread(target=self._flusher,
                                                args=(self._wake, self._stop), daemon=True,
                                                name="kapdesk-seal-flush")
                self._thread.start()
            wake = self._wake
        wake.set()

    def _flusher(self, wake: threading.Event, stop: threading.Event) -> None:
        """Each wake: wait FLUSH_AFTER_S (cut short by a stop), then fdatasync; a write
        meanwhile wakes it again. Never raises: the next write or the close retries.
        The stop is looked at again after the wake is cleared: a stop that came between
        the wait and the clear (its wake cleared with the write's) still ends the thread."""
        while True:
            wake.wait()
            if stop.wait(self._flush_after):
                return  # stopping: whoever stops it flushes
            wake.clear()  # before the flush: a write from now on gets another
            if stop.is_set():
                return
            fd = self._fd
            try:
                if fd is not None:
                    _sync(fd)
            except OSError as exc:
                log.warning("the audit seal could not be flushed (%s)", type(exc).__name__)

    def _stop_flusher(self) -> None:
        with self._guard:
            thread, self._thread = self._thread, None
            wake, stop = self._wake, self._stop
        if thread is not None:
            stop.set()
            wake.set()
            if thread is not threading.current_thread():
                thread.join()

    def flush(self) -> None:
        """fdatasync the seal now (the flush thread may do so too: that is harmless)."""
        if self._fd is not None:
            _sync(self._fd)

    def _release(self) -> None:
        self._stop_flusher()
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                _sync(fd)
            finally:
                os.close(fd)  # closing the seal drops its flock, nothing else

    def close(self, head: tuple[int, str] | None, at: str) -> None:
        """Mark the seal closed cleanly at `head` (if it is still this writer's), flush it
        and let it go."""
        try:
            if head is not None and self.last_seq:
                self.write(head[0], head[0], head[1], at, running=False,
                           only_if_last=True)
        finally:
            self._release()


def write_seal(path: Path, last_id: int, rows: int, head: str, at: str,
               pending: tuple[int, str] | None = None, running: bool = False,
               key: bytes | None = None) -> Seal:
    """Write one slot, fdatasync'd, and close the file (for tools and tests)."""
    writer = SealWriter(path, key)
    try:
        seal = writer.write(last_id, rows, head, at, pending, running, durable=True)
    finally:
        writer._release()
    assert seal is not None
    return seal
