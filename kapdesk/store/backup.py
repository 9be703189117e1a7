"""Backups while the app runs, and restoring one: checked before and after, never blind.

A backup is one self-contained SQLite file (rollback journal, no -wal beside it), copied
with SQLite's online backup API from the live connection, so entries saved meanwhile are
either in it or not, never half. The source passes `PRAGMA integrity_check` first, the copy
after; the copy is written under a temporary name and renamed into place only when whole.
Files are 0600 in a 0700 folder. The daily backups in the data folder keep the newest 14.

A restore checks the backup first (SQLite file, integrity_check, a schema this KAPdesk
knows, a KAPdesk database) and refuses with the file and the reason; only then is the
current database (with its -wal and -shm) moved aside, never deleted, and the backup
copied in. Backups and restores are recorded in the audit trail (entity "database").
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from kapdesk.core.clock import Clock, SystemClock
from kapdesk.core.errors import KapdeskError
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.database import open_database
from kapdesk.store.version import SCHEMA_VERSION

KEEP = 14
NAME_RE = re.compile(r"^kapdesk-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite3$")
SIDECARS = ("-wal", "-shm")
_MAGIC = b"SQLite format 3\x00"


class BackupError(KapdeskError):
    """A backup could not be written (the message says where and why)."""


class RestoreError(KapdeskError):
    """A backup was refused for restoring; nothing was changed."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"The backup {path} was not restored: {reason}. Nothing was changed.")


@dataclass(frozen=True)
class Restored:
    backup: Path
    database: Path
    kept_aside: Path | None  # the database that was replaced, or None if there was none


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


def _fsync_dir(folder: Path) -> None:
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
    """A new 0600 file in `folder`, removed (with any sidecars) unless renamed away."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".partial", dir=folder)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        for p in (path, *(path.with_name(path.name + s) for s in (*SIDECARS, "-journal"))):
            p.unlink(missing_ok=True)


def _copy_into(source: sqlite3.Connection, target: Path) -> str:
    """Copy `source` into the file `target` as a rollback-journal database; its check."""
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
        result = _check(dest)
    finally:
        dest.close()
    with target.open("rb+") as f:
        os.fsync(f.fileno())
    return result


def _write_backup(db: Database, path: Path) -> None:
    """Check the source, copy it to a temp file beside `path`, check, rename into place."""
    source_check = _check(db.conn)
    if source_check != "ok":
        raise BackupError(f"The database failed its integrity check before the backup "
                          f"({source_check}); no backup was written. Run 'kapdesk check'.")
    try:
        with _partial(path.parent, f".{path.stem}-") as tmp:
            copy_check = _copy_into(db.conn, tmp)
            if copy_check != "ok":
                raise BackupError(f"The backup copy {path} failed its integrity check "
                                  f"({copy_check}); it was not kept.")
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        _fsync_dir(path.parent)
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

    def backup_now(self, reason: str, to: str | os.PathLike[str] | None = None) -> Path:
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
        _write_backup(self._db, path)
        with self._db.atomic():
            self._audit.append(None, "backup", "database", None, None,
                               {"file": str(path), "reason": reason,
                                "bytes": path.stat().st_size})
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

    def backup_if_due(self) -> Path | None:
        """The daily backup: written when the backups folder has none from today (UTC)."""
        today = self._clock.now().astimezone(UTC).strftime("%Y%m%d")
        if any(p.name.startswith(f"kapdesk-{today}-") for p in self.backups()):
            return None
        return self.backup_now("daily")


# -- restoring --------------------------------------------------------------------------


def _checked_source(backup: Path) -> sqlite3.Connection:
    """A read-only connection to `backup`, once it has passed every check."""
    if not backup.is_file():
        raise RestoreError(backup, "there is no such file")
    try:
        with backup.open("rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise RestoreError(backup, f"it cannot be read ({exc.strerror})") from None
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise RestoreError(backup, "it is not an SQLite database")
    version = int.from_bytes(header[60:64], "big")
    if version > SCHEMA_VERSION:
        raise RestoreError(backup, f"it was written by a newer KAPdesk (schema {version}; this "
                                   f"version knows up to {SCHEMA_VERSION})")
    # immutable: nothing is written beside the backup (no -wal, no -shm), unless it has a
    # -wal of its own, which must then be read too
    has_wal = backup.with_name(backup.name + "-wal").exists()
    uri = f"{backup.resolve().as_uri()}?mode=ro" + ("" if has_wal else "&immutable=1")
    conn = sqlite3.connect(uri, uri=True)
    try:
        check = _check(conn)
        if check != "ok":
            raise RestoreError(backup, f"it failed its integrity check ({check})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "sessions" not in tables:
            raise RestoreError(backup, "it is not a KAPdesk database (it has no sessions table)")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise RestoreError(backup, f"it is damaged or not a database ({exc})") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _checkpoint(database: Path) -> None:
    """Fold the current database's -wal into it, if it opens at all (it may be damaged)."""
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(database)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def _aside_name(database: Path, clock: Clock) -> Path:
    aside = database.with_name(f"{database.name}.before-restore-{stamp(clock)}")
    n = 1
    while aside.exists():
        n += 1
        aside = database.with_name(f"{database.name}.before-restore-{stamp(clock)}-{n}")
    return aside


def _move(database: Path, to: Path) -> None:
    """The database and its sidecars; the sidecars first, so that the database never
    sits beside another database's -wal."""
    for suffix in SIDECARS:
        side = database.with_name(database.name + suffix)
        if side.exists():
            os.replace(side, to.with_name(to.name + suffix))
    if database.exists():
        os.replace(database, to)


def restore(backup_path: Path, database_path: Path, clock: Clock | None = None) -> Restored:
    """Replace the database at `database_path` with the backup, after checking the backup.

    Close KAPdesk first. Raises RestoreError, changing nothing, when the backup is refused
    or cannot be copied in (the current database is then put back as it was).
    """
    clock = clock or SystemClock()
    backup_path, database_path = Path(backup_path), Path(database_path)
    source = _checked_source(backup_path)
    aside: Path | None = None
    installed = False
    try:
        with _partial(database_path.parent, ".kapdesk-restore-") as tmp:
            copy_check = _copy_into(source, tmp)
            if copy_check != "ok":
                raise RestoreError(backup_path, f"its copy failed the integrity check "
                                                f"({copy_check})")
            os.chmod(tmp, 0o600)
            if database_path.exists():
                _checkpoint(database_path)
                aside = _aside_name(database_path, clock)
                _move(database_path, aside)
            os.replace(tmp, database_path)
            installed = True
            _fsync_dir(database_path.parent)
        db = open_database(database_path)  # migrates an older backup to this schema
        try:
            with db.atomic():
                AuditTrail(db, clock).append(None, "restore", "database", None, None, {
                    "from": str(backup_path), "kept_aside": aside.name if aside else None})
        finally:
            db.close()
    except (OSError, sqlite3.Error, KapdeskError) as exc:
        if installed:  # take the copy out again
            for p in (database_path, *(database_path.with_name(database_path.name + s)
                                       for s in SIDECARS)):
                p.unlink(missing_ok=True)
        if aside is not None:  # whatever was moved aside goes back
            _move(aside, database_path)
        if isinstance(exc, RestoreError):
            raise
        raise RestoreError(backup_path, f"it could not be copied in ({exc})") from None
    finally:
        source.close()
    return Restored(backup_path, database_path, aside)
