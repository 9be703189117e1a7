"""SQLite's failures a user can act on, as typed errors in words; everything else is a bug.

After qutebrowser's misc/sql.py: a locked database, a full disk, a read-only file, an I/O
error or damage are expected in a clinic and reach the person at the screen as a sentence
("Not saved: the disk is full ..."), which the window shows beside what was typed and the
CLI prints on one line (exit 2). Any other sqlite3 error (a typo in SQL, a missing table)
is a bug and is raised as it is, to be logged with its traceback.
"""

from __future__ import annotations

import sqlite3

from kapdesk.core.errors import KapdeskError


class DatabaseError(KapdeskError):
    """The database cannot be used safely just now (the message says why)."""


class NewerDatabaseError(DatabaseError):
    """Written by a newer KAPdesk: refused, never modified."""


class CorruptDatabaseError(DatabaseError):
    """An integrity check found damage."""


class DatabaseLockedError(DatabaseError):
    """Another program held the database for longer than the busy timeout."""


class DiskFullError(DatabaseError):
    """The disk (or the user's quota) is full."""


class ReadOnlyDatabaseError(DatabaseError):
    """The database file, its folder or the disk is read-only."""


class DiskIOError(DatabaseError):
    """The operating system could not read or write the file."""


class WritesStoppedError(DatabaseError):
    """This process stopped writing after a check found damage (the message says what)."""


_KEPT = ("Nothing already saved was lost; what you typed is still in the box, so you can "
         "save it again once this is fixed.")


def translate(exc: sqlite3.Error, stopped: str | None = None) -> Exception:
    """The typed error for `exc` when a person can act on it, else `exc` itself.

    `stopped`: this connection was set to refuse writes after a failed check; a refused
    write says that reason rather than "read-only".
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return DatabaseLockedError(
            "Not saved: the database is in use by another program, which kept it locked for "
            f"more than 5 seconds (for example a backup or sync tool). {_KEPT}")
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return DiskFullError(f"Not saved: the disk is full. Free some space on this "
                             f"computer. {_KEPT}")
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        if stopped is not None:
            return WritesStoppedError(f"Not saved: {stopped}")
        return ReadOnlyDatabaseError(
            "Not saved: the database is read-only (its file, its folder or the disk does "
            f"not allow writing). {_KEPT}")
    if name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        return DiskIOError("Not saved: the disk could not be written (an input/output "
                           f"error; the disk may be failing or was removed). {_KEPT}")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return CorruptDatabaseError(
            f"The database is damaged ({text}). Stop entering data here: run 'kapdesk "
            "check', then restore the newest backup with 'kapdesk restore'.")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database" in text:
        return DatabaseError(f"The database file cannot be reached ({text}). Check that "
                             "the data folder is still there and allowed to this user.")
    return exc
