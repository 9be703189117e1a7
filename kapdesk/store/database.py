"""Opening the database: pragmas, integrity, the version gate, and migrations.

Every committed write survives a crash or a power cut (WAL, synchronous=FULL). A
database written by a newer KAPdesk is refused before anything touches it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from kapdesk.core.errors import KapdeskError
from kapdesk.store.connection import Database
from kapdesk.store.version import SCHEMA_VERSION

log = logging.getLogger(__name__)


class DatabaseError(KapdeskError):
    """The database cannot be opened safely."""


class NewerDatabaseError(DatabaseError):
    """Written by a newer KAPdesk: refused, never modified."""


class CorruptDatabaseError(DatabaseError):
    """PRAGMA quick_check found damage."""


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _header_version(path: Path) -> int | None:
    """user_version from the file header (bytes 60-63), read without SQLite."""
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return None
    return int.from_bytes(header[60:64], "big")


def _peek(path: Path, check: bool = True) -> tuple[int, str]:
    """user_version and (if asked) quick_check of an existing file, opened read-only."""
    # A newer database is refused before SQLite opens it: even a read-only connection
    # creates -wal and -shm files beside a WAL database.
    header_version = _header_version(path)
    if header_version is not None and header_version > SCHEMA_VERSION:
        return header_version, "ok"
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"The database {path} cannot be opened ({exc}).") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        result = "ok" if version > SCHEMA_VERSION or not check else conn.execute(
            "PRAGMA quick_check").fetchone()[0]
        return int(version), str(result)
    except sqlite3.OperationalError as exc:  # locked, unreadable, read-only folder: not damage
        raise DatabaseError(
            f"The database {path} cannot be opened ({exc}). It was left untouched; check "
            "that its folder is writable or choose another with --data-dir.") from None
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(
            f"The database {path} is not a KAPdesk database or is damaged ({exc}). "
            "It was left untouched; restore a backup or choose another data folder.") from None
    finally:
        conn.close()


def owner_only(path: Path) -> None:
    """The database and its WAL files are readable by their owner alone (POSIX)."""
    if os.name != "posix":
        return
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            os.chmod(file, 0o600)


def configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply pending migrations (sqlite-utils is imported only here, when it is needed)."""
    import sqlite_utils

    from kapdesk.store.schema import MIGRATIONS

    MIGRATIONS.apply(sqlite_utils.Database(conn))


def quick_check(path: Path) -> str:
    """PRAGMA quick_check on its own read-only connection ("ok" when all is well).

    The window runs it in the background right after it appears: on a 10-year database
    it takes about 0.4 s, too long to hold the first frame for.
    """
    try:
        return _peek(path, check=True)[1]
    except DatabaseError as exc:
        return str(exc)


def open_database(path: Path, check: bool = True) -> Database:
    """Open (creating if new) and migrate the database at `path`.

    `check=False` skips the start-up quick_check, for a caller that runs quick_check()
    itself in the background; the version gate and a database's header are still read.
    """
    if path.exists() and path.stat().st_size > 0:
        version, check_result = _peek(path, check)
        if version > SCHEMA_VERSION:
            raise NewerDatabaseError(
                f"The database {path} was written by a newer version of KAPdesk (schema "
                f"{version}; this version knows up to {SCHEMA_VERSION}). It was not opened "
                "or changed. Install the newer KAPdesk, or choose another data folder.")
        if check_result != "ok":
            raise CorruptDatabaseError(
                f"The database {path} failed its integrity check ({check_result}). It was "
                "left untouched; restore a backup with 'kapdesk restore'.")
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
        configure(conn)
        owner_only(path)
        db = Database(conn)
        before = db.execute("PRAGMA user_version").fetchone()[0]
        if before != SCHEMA_VERSION:
            _migrate(conn)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            log.info("database schema %s -> %s", before, SCHEMA_VERSION)
    except sqlite3.OperationalError as exc:
        raise DatabaseError(f"The database {path} cannot be written ({exc}). "
                            "Nothing was changed.") from None
    return db
