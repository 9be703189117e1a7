"""Backups while the app runs, and restoring one: checked before and after, never blind.

A backup is one self-contained SQLite file (rollback journal, no -wal beside it), copied
with SQLite's online backup API from the live connection, so entries saved meanwhile are
either in it or not, never half. The source passes `PRAGMA integrity_check` first, the copy
after; the copy is written under a temporary name and renamed into place only when whole.
Files are 0600 in a 0700 folder. The daily backups in the data folder keep the newest 14.

Restoring one is in restore.py; `check_file` here is the check both use. Backups are
recorded in the audit trail (entity "database"). Only SQLite touches database files here
(DESIGN.md): the copy is synced by SQLite's own commit (synchronous=FULL), never by an
open() of the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

from kapdesk.core.clock import Clock
from kapdesk.core.errors import KapdeskError
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.folder import remove_leftovers
from kapdesk.store.version import SCHEMA_VERSION

KEEP = 14
NAME_RE = re.compile(r"^kapdesk-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite3$")
SIDECARS = ("-wal", "-shm")


class BackupError(KapdeskError):
    """A backup could not be written (the message says where and why)."""


def stamp(clock: Clock) -> str:
    return clock.now().astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _backup_key(path: Path) -> tuple[str, str, int] | None:
    found = NAME_RE.match(path.name)
    return (found[1], found[2], int(found[3] or 0)) if found else None


def list_backups(folder: Path) -> list[Path]:
    """KAPdesk backups in `folder`, oldest first (by the UTC stamp in their names)."""
    if not folder.is_dir():
        return []
    found = [(key, p) for p in folder.iterdir() if (key := _backup_key(p)) and p.is_file()]
    return [p for _key, p in sorted(found)]


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check(conn: sqlite3.Connection) -> str:
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return "ok" if rows == ["ok"] else "; ".join(rows[:3])


@contextlib.contextmanager
def _partial(folder: Path, prefix: str) -> Iterator[Path]:
    """A new 0600 file in `folder`, removed (with any sidecars) unless renamed away. Its
    name carries the writer's process id, so that a leftover of a killed writer can be
    told from the file of one still running (folder.remove_leftovers)."""
    fd, name = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}-", suffix=".partial",
                                dir=folder)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        for p in (path, *(path.with_name(path.name + s) for s in (*SIDECARS, "-journal"))):
            p.unlink(missing_ok=True)


def copy_into(source: sqlite3.Connection, target: Path) -> str:
    """Copy `source` into the file `target` as a rollback-journal database; its check.

    synchronous=FULL: SQLite fsyncs the file when the copy and the journal-mode change
    commit, so the copy is on disk when this returns."""
    dest = sqlite3.connect(target)
    try:
        dest.execute("PRAGMA synchronous=FULL")
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
        result = _check(dest)
    finally:
        dest.close()
    return result


def _write_backup(db: Database, path: Path) -> None:
    """Check the source, copy it to a temp file beside `path`, check, rename into place."""
    source_check = _check(db.conn)
    if source_check != "ok":
        raise BackupError(f"The database failed its integrity check before the backup "
                          f"({source_check}); no backup was written. Run 'kapdesk check'.")
    try:
        with _partial(path.parent, f".{path.stem}-") as tmp:
            copy_check = copy_into(db.conn, tmp)
            if copy_check != "ok":
                raise BackupError(f"The backup copy {path} failed its integrity check "
                                  f"({copy_check}); it was not kept.")
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        fsync_dir(path.parent)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"The backup {path} could not be written ({exc}).") from None


class BackupService:
    def __init__(self, db: Database, backups_dir: Path, clock: Clock, keep: int = KEEP) -> None:
        self._db = db
        self._dir = backups_dir
        self._clock = clock
        self._keep = keep
        self._audit = AuditTrail(db, clock)

    def backups(self) -> list[Path]:
        return list_backups(self._dir)

    def _free_name(self, folder: Path) -> Path:
        base = f"kapdesk-{stamp(self._clock)}"
        path, n = folder / f"{base}.sqlite3", 1
        while path.exists():  # two backups in the same second
            n += 1
            path = folder / f"{base}-{n}.sqlite3"
        return path

    def backup_now(self, reason: str, to: str | os.PathLike[str] | None = None,
                   by_user: int | None = None) -> Path:
        """Write a backup and return its path.

        `to` None: the backups folder, newest `keep` kept. An existing folder (or a path
        ending in a separator): a stamped file in it, no rotation. Else the file itself,
        which must not exist yet.
        """
        rotate = to is None
        target = Path(to).expanduser() if to is not None else None
        if target is None:
            folder, path = self._dir, None
        elif target.is_dir() or str(to).endswith(("/", os.sep)):
            folder, path = target, None
        else:
            folder, path = target.parent, target
            if target.exists():
                raise BackupError(f"The file {target} already exists; a backup never "
                                  "overwrites a file. Choose a new name or a folder.")
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise BackupError(f"The backup folder {folder} cannot be created "
                              f"({exc.strerror}).") from None
        path = path or self._free_name(folder)
        remove_leftovers(folder)  # copies of the records that killed backups left behind
        _write_backup(self._db, path)
        try:
            with self._db.atomic():
                self._audit.append(by_user, "backup", "database", None, None,
                                   {"file": str(path), "reason": reason,
                                    "bytes": path.stat().st_size})
        except KapdeskError as exc:  # no backup of the records without its audit row
            path.unlink(missing_ok=True)
            raise BackupError(f"The backup {path} was written but could not be recorded in "
                              f"the audit trail, so it was removed again: {exc}") from None
        if rotate:
            self.rotate()
        return path

    def rotate(self) -> list[Path]:
        """Remove all but the newest `keep` backups in the backups folder; the removed."""
        found = list_backups(self._dir)
        old = found[:-self._keep] if self._keep > 0 else found
        for path in old:
            path.unlink(missing_ok=True)
        return old

    def backup_if_due(self, by_user: int | None = None) -> Path | None:
        """The daily backup: written when the backups folder has none from today (UTC)."""
        today = self._clock.now().astimezone(UTC).strftime("%Y%m%d")
        if any(p.name.startswith(f"kapdesk-{today}-") for p in self.backups()):
            return None
        return self.backup_now("daily", by_user=by_user)


def check_file(path: Path) -> sqlite3.Connection:
    """A read-only connection to the database file `path` once it passes every check (an
    SQLite file, integrity_check, a schema this KAPdesk knows, a KAPdesk database); else
    KapdeskError naming the reason. Read through SQLite only; nothing is written beside
    it (immutable), unless it has a -wal of its own, which must then be read too."""
    if not path.exists():
        raise KapdeskError("there is no such file")
    if not path.is_file():
        raise KapdeskError("it is not a regular file (a folder, a device or a pipe)")
    has_wal = path.with_name(path.name + "-wal").exists()
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if has_wal else "&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise KapdeskError(f"it cannot be read ({exc})") from None
    try:
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError:
            raise KapdeskError("it is not an SQLite database") from None
        if version > SCHEMA_VERSION:
            raise KapdeskError(f"it was written by a newer KAPdesk (schema {version}; this "
                               f"version knows up to {SCHEMA_VERSION})")
        check = _check(conn)
        if check != "ok":
            raise KapdeskError(f"it failed its integrity check ({check})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "sessions" not in tables:
            raise KapdeskError("it is not a KAPdesk database (it has no sessions table)")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise KapdeskError(f"it is damaged or not a database ({exc})") from None
    except BaseException:
        conn.close()
        raise
    return conn
