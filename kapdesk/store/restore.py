"""Restoring a backup: checked first, journaled, and never a moment without a database.

The backup is checked (an SQLite file, integrity_check, a schema this KAPdesk knows, a
KAPdesk database) and copied beside the database under a temporary name. Then, in order,
each step fsync'd before the next:

1. an intent file (`kapdesk.sqlite3.restoring`) names the backup, the copy and the aside;
2. the current database is checkpointed and hard-linked to its aside name
   (`kapdesk.sqlite3.before-restore-STAMP`), its -wal and -shm with it; it stays in place;
3. the current -wal and -shm are removed (their content is in the database after the
   checkpoint, and linked aside besides), so the restored file never sits beside another
   database's write-ahead log;
4. the copy is renamed over the database: one atomic rename, so at every instant either
   the old database or the restored one is in place;
5. the restored database is opened (migrated if older), the restore audited, the data
   folder's identity set to it, and the intent file removed.

A restore killed at any point is finished or undone by `recover()` at the next start, which
says which: before step 4 it is undone (the old database, with its -wal, as it was); after
it, finished. Before-restore copies are rotated like backups (the newest 14 kept).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kapdesk.core.clock import Clock, SystemClock
from kapdesk.core.errors import KapdeskError
from kapdesk.store.audit import AuditTrail
from kapdesk.store.backup import KEEP, SIDECARS, check_file, copy_into, fsync_dir, stamp
from kapdesk.store.database import open_database
from kapdesk.store.folder import adopt_identity, sidecar

INTENT_SUFFIX = ".restoring"
ASIDE_MARK = ".before-restore-"
PARTIAL_PREFIX = ".kapdesk-restore-"


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


def intent_path(database: Path) -> Path:
    return database.with_name(database.name + INTENT_SUFFIX)


def _write_intent(database: Path, intent: dict[str, str | None]) -> None:
    path = intent_path(database)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}-{os.getpid()}-", suffix=".partial",
                                dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(intent, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(name, path)
    fsync_dir(path.parent)


def _aside_name(database: Path, clock: Clock) -> Path:
    base = f"{database.name}{ASIDE_MARK}{stamp(clock)}"
    aside, n = database.with_name(base), 1
    while aside.exists() or sidecar(aside, "-wal").exists():
        n += 1
        aside = database.with_name(f"{base}-{n}")
    return aside


def _link(source: Path, target: Path) -> None:
    """A second name for `source` (a copy where the file system has no hard links). The
    restoring process has no connection to `source` open, so copying it is safe."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _checkpoint(database: Path) -> None:
    """Fold the current -wal into the database, if it opens at all (it may be damaged)."""
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(database)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def _checked_source(backup: Path) -> sqlite3.Connection:
    """A read-only connection to `backup`, once it has passed every check."""
    try:
        return check_file(backup)
    except KapdeskError as exc:
        raise RestoreError(backup, str(exc)) from None


def list_asides(database: Path) -> list[Path]:
    """Before-restore copies of `database`, oldest first."""
    found = [p for p in database.parent.glob(f"{database.name}{ASIDE_MARK}*")
             if not p.name.endswith(SIDECARS) and p.is_file()]
    return sorted(found, key=lambda p: p.name)


def rotate_asides(database: Path, keep: int = KEEP) -> list[Path]:
    old = list_asides(database)[:-keep] if keep > 0 else list_asides(database)
    for path in old:
        for p in (path, *(sidecar(path, s) for s in SIDECARS)):
            p.unlink(missing_ok=True)
    return old


def _finish(database: Path, backup: str, aside: Path | None, clock: Clock,
            resumed: bool, by: str | None = None) -> None:
    db = open_database(database)  # migrates an older backup to this schema
    try:
        with db.atomic():
            AuditTrail(db, clock).append(None, "restore", "database", None, None, {
                "from": backup, "kept_aside": aside.name if aside else None,
                "finished_after_interruption": resumed, **({"by": by} if by else {})})
        adopt_identity(db, database)
    finally:
        db.close()
    intent_path(database).unlink(missing_ok=True)
    fsync_dir(database.parent)


def restore(backup_path: Path, database_path: Path, clock: Clock | None = None,
            by: str | None = None) -> Restored:
    """Replace the database at `database_path` with the backup, after checking the backup.

    The caller holds the data folder's instance lock (no KAPdesk has it open). `by`: the
    username of who restored it, kept in the restore's audit row (the user ids of the
    replaced database need not be those of the backup). Raises
    RestoreError, changing nothing, when the backup is refused or cannot be copied in.
    """
    clock = clock or SystemClock()
    backup_path, database_path = Path(backup_path), Path(database_path)
    if backup_path.exists() and database_path.exists() and \
            os.path.samefile(backup_path, database_path):
        raise RestoreError(backup_path, "it is the database itself")
    source = _checked_source(backup_path)
    folder = database_path.parent
    aside: Path | None = None
    fd, name = tempfile.mkstemp(prefix=f"{PARTIAL_PREFIX}{os.getpid()}-", suffix=".partial",
                                dir=folder)
    os.close(fd)
    partial = Path(name)
    committed = False
    try:
        try:
            copy_check = copy_into(source, partial)
        finally:
            source.close()
        if copy_check != "ok":
            raise RestoreError(backup_path, f"its copy failed the integrity check "
                                            f"({copy_check})")
        os.chmod(partial, 0o600)
        existed = database_path.exists()
        aside = _aside_name(database_path, clock) if existed else None
        _write_intent(database_path, {"backup": str(backup_path), "partial": partial.name,
                                      "aside": aside.name if aside else None})
        if aside is not None:
            _checkpoint(database_path)
            for suffix in SIDECARS:  # sidecars first: the aside is never without its -wal
                if sidecar(database_path, suffix).exists():
                    _link(sidecar(database_path, suffix), sidecar(aside, suffix))
            _link(database_path, aside)
            fsync_dir(folder)
            for suffix in SIDECARS:
                sidecar(database_path, suffix).unlink(missing_ok=True)
            fsync_dir(folder)
        os.replace(partial, database_path)  # the commit point
        committed = True
        fsync_dir(folder)
        _finish(database_path, str(backup_path), aside, clock, resumed=False, by=by)
    except (OSError, sqlite3.Error) as exc:
        if not committed:
            _undo(database_path, partial.name, aside)
            raise RestoreError(backup_path, f"it could not be copied in ({exc})") from None
        raise KapdeskError(f"The backup {backup_path} was put in place, but opening it "
                           f"failed ({exc}); the next start finishes the restore.") from None
    except RestoreError:
        _undo(database_path, partial.name, aside)
        raise
    rotate_asides(database_path)
    return Restored(backup_path, database_path, aside)


def _undo(database: Path, partial_name: str, aside: Path | None) -> None:
    """Put back the database as it was before an unfinished restore."""
    folder = database.parent
    if aside is not None:
        for suffix in SIDECARS:
            kept = sidecar(aside, suffix)
            if kept.exists():
                os.replace(kept, sidecar(database, suffix))
        if aside.exists():
            if database.exists() and os.path.samefile(aside, database):
                aside.unlink()  # a second name of the database itself
            elif not database.exists():
                os.replace(aside, database)
            # else: a copy (no hard links here) of what is still in place; kept
    (folder / partial_name).unlink(missing_ok=True)
    intent_path(database).unlink(missing_ok=True)
    fsync_dir(folder)


def recover(database: Path, clock: Clock | None = None) -> str | None:
    """Finish or undo a restore that was interrupted; what was done, in words, or None.

    Run at start-up with the instance lock held, before the database is opened.
    """
    path = intent_path(database)
    if not path.exists():
        return None
    try:
        intent = json.loads(path.read_text(encoding="utf-8"))
        backup, partial = str(intent["backup"]), str(intent["partial"])
        aside_name = str(intent["aside"]) if intent.get("aside") else None
        # names only, in this folder, of the shapes restore() writes: never a path that
        # would make the undo remove or move a file elsewhere
        if "/" in partial or os.sep in partial or not partial.startswith(PARTIAL_PREFIX) \
                or not partial.endswith(".partial"):
            raise ValueError(f"unexpected copy name {partial!r}")
        if aside_name is not None and ("/" in aside_name or os.sep in aside_name or
                                       not aside_name.startswith(database.name + ASIDE_MARK)):
            raise ValueError(f"unexpected aside name {aside_name!r}")
        aside = database.with_name(aside_name) if aside_name else None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KapdeskError(f"The note of an interrupted restore, {path}, cannot be read "
                           f"({exc}). Nothing was changed; look at the files beside the "
                           "database before starting again.") from None
    if (database.parent / partial).exists() or not database.exists():
        _undo(database, partial, aside)
        return (f"A restore from {backup} was interrupted before the backup was put in "
                "place. It was undone: the database is as it was before.")
    _finish(database, backup, aside, clock or SystemClock(), resumed=True)
    rotate_asides(database)
    kept = f"; the database it replaced is kept as {aside.name}" if aside else ""
    return (f"A restore from {backup} was interrupted after the backup was put in place. "
            f"It was finished: the database now holds the backup{kept}.")
