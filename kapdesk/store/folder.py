"""The files around the database in its data folder: identity, sidecars and leftovers.

- **Identity.** A database gets a random id when it is created, stored inside it (settings
  `database_id`) and in `kapdesk.sqlite3.id` beside it. At every start the two must agree:
  a database file that is not the one this folder held (copied over from another laptop,
  say) is named, and so is a missing or empty database in a folder that has held one. It is
  never silently replaced by a new, empty database. A restore adopts the backup's id.
- **Leftovers.** Killed backups and restores leave hidden `.partial` copies of the records;
  they are removed at start and before each backup. Each name carries its writer's process
  id, so the file of a writer that is still running (a `kapdesk backup` beside the room) is
  left alone.

Only the id file and the leftovers are read or written here with ordinary file calls; the
database and its -wal/-shm are touched only through SQLite (DESIGN.md).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from kapdesk.store.connection import Database
from kapdesk.store.errors import DatabaseError

ID_SUFFIX = ".id"
_LEFTOVER = re.compile(r"^\..*-(\d+)-[a-z0-9_]+\.partial(?:-wal|-shm|-journal)?$")
_STALE_S = 3600.0  # a leftover untouched this long is removed whatever its process id


class MissingDatabaseError(DatabaseError):
    """The folder has held a database that is now missing or empty."""


def sidecar(database: Path, suffix: str) -> Path:
    return database.with_name(database.name + suffix)


def id_path(database: Path) -> Path:
    return sidecar(database, ID_SUFFIX)


def recorded_id(database: Path) -> str | None:
    """The id the data folder says its database has (None for a folder that never had one)."""
    try:
        info = json.loads(id_path(database).read_text(encoding="utf-8"))
        return str(info["id"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatabaseError(f"The identity file {id_path(database)} cannot be read ({exc}). "
                            "Nothing was opened or changed.") from None


def _write_id(database: Path, database_id: str) -> None:
    path = id_path(database)
    temp = path.with_name(f".{path.name}-{os.getpid()}-{secrets.token_hex(4)}.partial")
    temp.write_text(json.dumps({"id": database_id}), encoding="utf-8")
    os.replace(temp, path)


def database_id(db: Database) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = 'database_id'").fetchone()
    return str(json.loads(row[0])) if row else None


def adopt_identity(db: Database, database: Path) -> str:
    """Give `db` (opened from `database`) an id if it has none, and record it as the
    folder's database."""
    current = database_id(db)
    if current is None:
        current = secrets.token_hex(16)
        with db.atomic():
            db.execute("INSERT INTO settings (key, value) VALUES ('database_id', ?)",
                       [json.dumps(current)])
    _write_id(database, current)
    return current


def refuse_missing(database: Path) -> None:
    """Raise when the folder has held a database and it is now missing or empty."""
    recorded = recorded_id(database)
    if recorded is None:
        return
    try:
        size = database.stat().st_size
    except FileNotFoundError:
        size = None
    if size:
        return
    what = "is missing" if size is None else "is empty (0 bytes)"
    raise MissingDatabaseError(
        f"The database {database} {what}, but this data folder has held one. KAPdesk did "
        "not create a new, empty database in its place. Restore the newest backup with "
        "'kapdesk restore PATH' (backups are in the backups folder beside it); or, to "
        f"start afresh with no records, move the folder away, or delete {id_path(database)}"
        + (" and the empty file." if size == 0 else "."))


def check_identity(db: Database, database: Path) -> None:
    """Raise when the opened database is not the one this folder held."""
    recorded = recorded_id(database)
    found = database_id(db)
    if recorded is not None and found is not None and recorded != found:
        raise DatabaseError(
            f"The database {database} is not the one this data folder held (its id is "
            f"{found[:8]}..., the folder's is {recorded[:8]}...): it may have been copied "
            "over from another computer. Nothing was written to it. Put the right file "
            "back, or use 'kapdesk restore' to bring in another database on purpose.")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove hidden `.partial` copies whose writer is gone; the removed."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    now = time.time()
    for path in entries:
        found = _LEFTOVER.match(path.name)
        if not found:
            continue
        try:
            stale = now - path.stat().st_mtime > _STALE_S
        except OSError:
            continue
        if stale or not _alive(int(found[1])):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
