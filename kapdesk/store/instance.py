"""One KAPdesk at a time on a data folder: an advisory lock on `kapdesk.lock` beside it.

The room window, `kapdesk demo` and `kapdesk restore` hold the lock for as long as they
run; a second one is refused with a message naming the holder (host, process, what it is,
since when), read from the lock file. The lock is the operating system's (flock on POSIX,
a byte-range lock on Windows) on a file of its own, never on the database: it is released
by the kernel when the holder dies, so a crashed instance never blocks a restart, and it
cannot disturb SQLite's own locks on the database file (a POSIX fcntl lock on the database
would be dropped by any close() of it; flock locks are per open file and separate).

Why not the `filelock` package: the refused process must be told who holds the lock, so
the holder writes its identity into the file it locks, which filelock does not do.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kapdesk.core.clock import Clock
from kapdesk.core.errors import KapdeskError

LOCK_NAME = "kapdesk.lock"
_MAX_INFO_BYTES = 4096


class InstanceLockedError(KapdeskError):
    """Another KAPdesk holds this data folder."""

    def __init__(self, message: str, holder: Holder | None) -> None:
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    what: str
    since: str  # ISO 8601, local time with offset

    def describe(self) -> str:
        try:
            when = datetime.fromisoformat(self.since).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            when = "an unknown time"
        return f"{self.what}, process {self.pid} on {self.host!r}, since {when}"


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def read_holder(data_dir: Path) -> Holder | None:
    """Who the lock file says holds it (it may be stale: only the lock itself is proof)."""
    try:
        with (data_dir / LOCK_NAME).open("rb") as f:
            raw = f.read(_MAX_INFO_BYTES)
        info = json.loads(raw.decode("utf-8"))
        return Holder(str(info["host"]), int(info["pid"]), str(info["what"]),
                      str(info["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def live_holder(data_dir: Path) -> Holder | None:
    """Who holds the data folder now, if a process on this computer is named in the lock
    file and still alive (no lock is taken: a check must never block the room)."""
    holder = read_holder(data_dir)
    if holder is None or holder.host != socket.gethostname():
        return holder  # on another computer (a shared folder): taken as alive
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return holder
    return holder


class InstanceLock:
    """Held from acquire() until release(), until it is garbage-collected, or to the end
    of the process."""

    def __init__(self, data_dir: Path, what: str, clock: Clock) -> None:
        self.path = data_dir / LOCK_NAME
        self._what = what
        self._clock = clock
        self._fd: int | None = None
        self._closer: weakref.finalize[[int], InstanceLock] | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> InstanceLock:
        """Take the lock, or raise InstanceLockedError naming who has it."""
        if self._fd is not None:
            return self
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise KapdeskError(f"The lock file {self.path} cannot be created "
                               f"({exc.strerror}); is the data folder writable?") from None
        if not _try_lock(fd):
            os.close(fd)
            holder = read_holder(self.path.parent)
            if holder is not None and holder.pid == os.getpid() \
                    and holder.host == socket.gethostname():
                return self  # this process is the instance already (tests open it twice)
            who = holder.describe() if holder else "another KAPdesk (it did not say which)"
            raise InstanceLockedError(
                f"KAPdesk is already open on the data folder {self.path.parent}: {who}. "
                "Only one copy may use a data folder at a time, so that no one's entries "
                "overwrite another's. Use the one that is open, or close it first.",
                holder)
        info = {"host": socket.gethostname(), "pid": os.getpid(), "what": self._what,
                "since": self._clock.now().astimezone().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
        self._fd = fd
        self._closer = weakref.finalize(self, os.close, fd)
        return self

    def release(self) -> None:
        if self._fd is None or self._closer is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)  # no stale identity left behind a clean exit
        self._closer()  # closing the descriptor releases the lock
        self._fd = self._closer = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()
