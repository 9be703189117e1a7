"""Opening a data folder's database the one way every program does: lock, recover, check.

The room window and the CLI both come through `open_data_folder`:

1. a program that records (the room, `kapdesk demo`) takes the folder's instance lock, so a
   second one is refused with the holder's name (store/instance.py); the commands that may
   run beside the room (`check`, `backup`, `export`, `rems-due`) take none;
2. a restore that was interrupted is finished or undone, and the program says which
   (store/restore.py); if none holds the lock it is taken for that moment;
3. hidden copies left by killed backups and restores are removed (store/folder.py);
4. a database missing or empty where one has been is named, never re-created;
5. a -wal left by an unclean stop (a crash, or a file copied in) is checked whole before
   anything is written: SQLite replays any -wal with valid checksums, even another
   database's, and only integrity_check compares every index with its table;
6. the database is opened (store/database.py), and its identity checked against the folder;
7. a program that holds the lock records any audit rows the seal does not cover (after a
   power cut just after a save) before it seals anything (store/seal_writing.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kapdesk.core.clock import Clock
from kapdesk.store.connection import Database
from kapdesk.store.database import integrity_check, open_database
from kapdesk.store.errors import CorruptDatabaseError
from kapdesk.store.folder import (
    adopt_identity,
    check_identity,
    refuse_missing,
    remove_leftovers,
    sidecar,
)
from kapdesk.store.instance import InstanceLock
from kapdesk.store.restore import intent_path, recover
from kapdesk.store.unsealed import note_unsealed


@dataclass
class Opened:
    db: Database
    lock: InstanceLock | None  # held for as long as the program runs, when it records
    notices: list[str] = field(default_factory=list)  # what was done on the way, in words

    def close(self) -> None:
        self.db.close()
        if self.lock is not None:
            self.lock.release()


def recover_folder(database: Path, clock: Clock, lock: InstanceLock | None,
                   extra_folders: Sequence[Path] = ()) -> list[str]:
    """Steps 2 and 3: an interrupted restore finished or undone, leftovers removed."""
    notices: list[str] = []
    if intent_path(database).exists():
        if lock is not None and lock.held:
            done = recover(database, clock)
        else:
            with InstanceLock(database.parent, "finishing an interrupted restore", clock):
                done = recover(database, clock)
        if done:
            notices.append(done)
    for folder in (database.parent, *extra_folders):
        removed = remove_leftovers(folder)
        if removed:
            notices.append(f"Removed {len(removed)} unfinished copy(ies) of the records "
                           f"left in {folder} by a backup or restore that was stopped.")
    return notices


def _check_leftover_wal(database: Path) -> None:
    wal = sidecar(database, "-wal")
    try:
        if wal.stat().st_size == 0:
            return
    except FileNotFoundError:
        return
    result = integrity_check(database)
    if result != "ok":
        raise CorruptDatabaseError(
            f"The database {database} fails its integrity check with the write-ahead log "
            f"beside it ({result}); the log may have come from another database. Nothing "
            f"was written. Move {wal.name} and {database.name}-shm out of the folder and "
            "start again, or restore the newest backup with 'kapdesk restore'.")


def open_data_folder(database: Path, clock: Clock, holder: str | None, *,
                     check: bool = True, read_only: bool = False,
                     extra_folders: Sequence[Path] = ()) -> Opened:
    """The database of a data folder, opened for a program named `holder` (None: one that
    may run beside the room and takes no lock). Raises KapdeskError subclasses in words."""
    lock = InstanceLock(database.parent, holder, clock).acquire() if holder else None
    try:
        notices = recover_folder(database, clock, lock, extra_folders)
        refuse_missing(database)
        if lock is not None:
            _check_leftover_wal(database)
        db = open_database(database, check=check, read_only=read_only)
        try:
            check_identity(db, database)
            if not read_only:
                adopt_identity(db, database)
            if lock is not None and not read_only:  # nobody else seals while it is held
                unsealed = note_unsealed(db, clock)
                if unsealed:
                    notices.append(unsealed)
        except BaseException:
            db.close()
            raise
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return Opened(db, lock, notices)
