"""Backing up and restoring as operations.

- `backup`: a backup now, by hand (`kapdesk backup`): an admin's (Action.BACKUP).
- `automatic`: the house's own backups, after each session closes and the first start of
  a day (the room's BackupRunner): nobody's choice, so no role is asked, but somebody is
  signed in; it runs on a connection of its own (the runner's worker thread).
- `restore_backup`: a backup put in place of the database (`kapdesk restore`): an admin's;
  the caller holds the data folder's instance lock.

On a new data folder, where no account can sign in yet, nobody signed in may back up or
restore. Each writes one audit row ("backup" or "restore", entity "database") naming who,
in the transaction that records it (kapdesk.store.backup, kapdesk.store.restore).
"""

from __future__ import annotations

import os
from pathlib import Path

from kapdesk.core.accounts import User
from kapdesk.core.clock import Clock
from kapdesk.core.permissions import Action, PermissionDenied
from kapdesk.services.operations import Op, OpChanges, check_or_new
from kapdesk.store.accounts import AccountStore
from kapdesk.store.audit import AuditTrail
from kapdesk.store.backup import BackupService
from kapdesk.store.connection import Database
from kapdesk.store.database import open_database
from kapdesk.store.restore import Restored, restore

BACKED_UP = OpChanges(backups=True)
RESTORED = OpChanges(session=True, record=True, signature=True, patient=True,
                     accounts=True, backups=True)


class BackupOps:
    def __init__(self, db: Database, database: Path, backups_dir: Path, clock: Clock,
                 accounts: AccountStore) -> None:
        self._db = db
        self._database = database
        self.backups_dir = backups_dir
        self._clock = clock
        self._accounts = accounts

    def backup(self, user: User | None,
               to: str | os.PathLike[str] | None = None) -> Op[Path]:
        """A backup now: into the backups folder (the newest 14 kept), an existing folder,
        or a new file."""
        actor = check_or_new(user, Action.BACKUP, self._accounts.nobody_can_sign_in())
        service = BackupService(self._db, self.backups_dir, self._clock)
        path = service.backup_now("manual", to, by_user=actor.id if actor else None)
        return Op(path, BACKED_UP, f"Backup written: {path}")

    def automatic(self, user: User | None, reason: str, daily: bool = False) -> Op[Path | None]:
        """The backup after a session closed (`reason` says which), or the day's first
        (`daily`: written only when none is from today; None then). Opens a connection of
        its own: it is called from a worker thread."""
        if user is None:
            raise PermissionDenied(f"Signed out, the backup ({reason}) is not made: sign "
                                   "in first.")
        db = open_database(self._database, check=False)
        try:
            service = BackupService(db, self.backups_dir, self._clock)
            path = (service.backup_if_due(by_user=user.id) if daily
                    else service.backup_now(reason, by_user=user.id))
        finally:
            db.close()
        return Op(path, BACKED_UP, f"Backup written: {path}" if path else "")


def restore_backup(user: User | None, backup: Path, database: Path, clock: Clock,
                   db: Database | None) -> Op[Restored]:
    """Put the backup in place of `database` once it passes its checks (kapdesk.store.
    restore). `db`: the database now in place, opened to ask who may restore it (None:
    there is none yet); it is closed before its file is replaced, refused or not. The
    caller holds the data folder's instance lock."""
    try:
        new = db is None or AccountStore(db, clock, AuditTrail(db, clock)).nobody_can_sign_in()
        actor = check_or_new(user, Action.BACKUP, new)
    finally:
        if db is not None:
            db.close()
    done = restore(backup, database, clock, by=actor.username if actor else None)
    return Op(done, RESTORED, f"Restored {done.backup} into {done.database}")
