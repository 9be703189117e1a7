"""Opening the database: pragmas, integrity, the version gate, and migrations.

Every committed write survives a crash or a power cut (WAL, synchronous=FULL). A
database written by a newer KAPdesk is refused before anything touches it, and one made
read-only is respected. Only SQLite reads the file: nothing here opens it, its -wal or its
-shm by other means (see DESIGN.md and tests/store/test_file_access.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sqlite3
import stat
from pathlib import Path

from kapdesk.store.connection import Database
from kapdesk.store.errors import (
    CorruptDatabaseError,
    DatabaseError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
    translate,
)
from kapdesk.store.version import SCHEMA_VERSION

__all__ = ["CorruptDatabaseError", "DatabaseError", "NewerDatabaseError", "integrity_check",
           "open_database", "quick_check"]

log = logging.getLogger(__name__)


def _ro_uri(path: Path, immutable: bool = False) -> str:
    return f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def _header_version(path: Path) -> int:
    """user_version of an existing file, read through SQLite. Never an open() of the file:
    in a process that has the database open, closing such a descriptor would drop SQLite's
    locks (DESIGN.md).

    With no -wal beside it nobody is writing, and it is read immutable, so that no -wal or
    -shm is created next to a newer database that is to be refused untouched. With a -wal,
    someone may be writing (a checkpoint rewrites the file under an immutable reader), so
    it is read with SQLite's locks, which only use the sidecars that are already there."""
    has_wal = path.with_name(path.name + "-wal").exists()
    try:
        conn = sqlite3.connect(_ro_uri(path, immutable=not has_wal), uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"The database {path} cannot be opened ({exc}).") from None
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.OperationalError as exc:
        raise DatabaseError(
            f"The database {path} cannot be read ({exc}). It was left untouched; check "
            "that its folder is allowed to this user, or choose another with --data-dir."
        ) from None
    except sqlite3.DatabaseError as exc:
        if not has_wal:  # a writer may have started meanwhile: ask again, with locks
            conn.close()
            conn = sqlite3.connect(_ro_uri(path), uri=True)
            with contextlib.suppress(sqlite3.DatabaseError):
                return int(conn.execute("PRAGMA user_version").fetchone()[0])
        raise CorruptDatabaseError(
            f"The database {path} is not a KAPdesk database or is damaged ({exc}). "
            "It was left untouched; restore a backup or choose another data folder.") from None
    finally:
        conn.close()


def _check_result(path: Path, pragma: str) -> str:
    """`PRAGMA quick_check` or `integrity_check` on a read-only connection of its own:
    "ok", or the first problems in words."""
    conn = sqlite3.connect(_ro_uri(path), uri=True)
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
        return "ok" if rows == ["ok"] else "; ".join(rows[:3]) + (
            f" (and {len(rows) - 3} more)" if len(rows) > 3 else "")
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
    """The database and its WAL files are readable by their owner alone (POSIX): group and
    other bits are taken away, never an owner bit added (a file the owner made read-only
    stays read-only)."""
    if os.name != "posix":
        return
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = file.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(file, mode & 0o700)


def configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply pending migrations (sqlite-utils is imported only here, when it is needed).
    Each migration runs in one transaction with the record of it (sqlite-utils), so a kill
    leaves each one applied whole or not at all; user_version is set after the last."""
    import sqlite_utils

    from kapdesk.store.schema import MIGRATIONS

    MIGRATIONS.apply(sqlite_utils.Database(conn))


def quick_check(path: Path) -> str:
    """PRAGMA quick_check on its own read-only connection ("ok" when all is well)."""
    try:
        return _check_result(path, "quick_check")
    except DatabaseError as exc:
        return str(exc)


def integrity_check(path: Path) -> str:
    """PRAGMA integrity_check on its own read-only connection ("ok" when all is well).

    Unlike quick_check it also compares every index with its table, so it finds the damage
    a stray -wal leaves. The window runs it in the background once it is up (on a 10-year
    database it takes seconds, too long to hold the first frame for)."""
    try:
        return _check_result(path, "integrity_check")
    except DatabaseError as exc:
        return str(exc)


def _refuse_read_only(path: Path) -> None:
    """A file made read-only is respected, even by root (who could write through it)."""
    if os.access(path, os.W_OK) and path.stat().st_mode & stat.S_IWUSR:
        return
    try:
        st = path.stat()
        mode = f" (mode {st.st_mode & 0o777:04o}"
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            mode += f", owned by another user, uid {st.st_uid}"
        mode += ")"
    except OSError:
        mode = ""
    raise ReadOnlyDatabaseError(
        f"The database {path} cannot be written: it is read-only for this user{mode}. "
        "KAPdesk did not change it or its permissions. If it was made read-only on "
        "purpose, 'kapdesk check' can still read it; to record in it, make it writable "
        "again (chmod 600) or restore a backup.")


def _create(path: Path) -> None:
    """A new database, migrated in a hidden file beside `path` and renamed into place
    whole: a start killed while creating it never leaves a half-made database."""
    stray = [s for s in ("-wal", "-shm") if path.with_name(path.name + s).exists()]
    if stray:  # a new database would replay another one's log
        raise DatabaseError(
            f"There is no database at {path}, but its {' and '.join(stray)} file is there: "
            "the write-ahead log of a database that was moved or deleted. KAPdesk did not "
            "create a new database beside it. Put the database back, or move "
            f"{path.name}{stray[0]} away to start afresh.")
    temp = path.with_name(f".{path.name}-{os.getpid()}-new.partial")
    for p in (temp, temp.with_name(temp.name + "-wal"), temp.with_name(temp.name + "-shm")):
        p.unlink(missing_ok=True)
    conn = sqlite3.connect(temp, isolation_level=None)
    try:
        configure(conn)
        _migrate(conn)
        # the database's identity is born with it (store/folder.py compares it at each start)
        conn.execute("INSERT INTO settings (key, value) VALUES ('database_id', ?)",
                     [json.dumps(secrets.token_hex(16))])
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()  # the last connection: SQLite folds in and removes the -wal
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    log.info("database created, schema %s", SCHEMA_VERSION)


def open_database(path: Path, check: bool = True, read_only: bool = False) -> Database:
    """Open (creating if new) and migrate the database at `path`.

    `check=False` skips the start-up quick_check, for a caller that runs integrity_check()
    itself in the background; the version gate is still applied. `read_only`: a
    connection that writes nothing (no migration), for commands that only read.
    The caller has made sure (store/folder.refuse_missing) that a missing or empty file is
    not a database this folder has held.
    """
    exists = path.exists() and path.stat().st_size > 0
    if not exists and read_only:
        raise DatabaseError(f"There is no database at {path}.")
    if exists:
        version = _header_version(path)
        if version > SCHEMA_VERSION:
            raise NewerDatabaseError(
                f"The database {path} was written by a newer version of KAPdesk (schema "
                f"{version}; this version knows up to {SCHEMA_VERSION}). It was not opened "
                "or changed. Install the newer KAPdesk, or choose another data folder.")
        if not read_only:
            _refuse_read_only(path)
        check_result = _check_result(path, "quick_check") if check else "ok"
        if check_result != "ok":
            raise CorruptDatabaseError(
                f"The database {path} failed its integrity check ({check_result}). It was "
                "left untouched; restore a backup with 'kapdesk restore'.")
    else:
        try:
            _create(path)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseError(f"A new database cannot be written at {path} ({exc}). "
                                "Nothing was changed.") from None
    try:
        owner_only(path)  # health records: the owner's alone, even when only read
        if read_only:
            conn = sqlite3.connect(_ro_uri(path), uri=True, isolation_level=None)
            conn.execute("PRAGMA busy_timeout=5000")
            return Database(conn)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
        configure(conn)
        db = Database(conn)
        before = db.execute("PRAGMA user_version").fetchone()[0]
        if before != SCHEMA_VERSION:
            _migrate(conn)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            log.info("database schema %s -> %s", before, SCHEMA_VERSION)
    except sqlite3.OperationalError as exc:
        typed = translate(exc)
        if typed is not exc:
            raise typed from None
        raise DatabaseError(f"The database {path} cannot be written ({exc}). "
                            "Nothing was changed.") from None
    return db
