"""Saving a playlist set, as an operation (the playlist editor's Save): staff only
(Action.CURATE_MUSIC), into the clinic's playlists folder only (a shipped set is saved as
a clinic copy there; nothing is ever written beside the shipped sets or elsewhere).

The set's files (set.toml and one .m3u8 per phase, each written atomically) are written
inside the transaction of the audit row that records the save (who, which set, where, how
many tracks per phase): a save that fails writing its files leaves no audit row.
"""

from __future__ import annotations

import os
from pathlib import Path

from kapdesk.core.accounts import User
from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import Action
from kapdesk.core.playlist import PHASES, PlaylistSet, save_set
from kapdesk.services.operations import Op, OpChanges, check
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database

SAVED = OpChanges(playlists=True)


class PlaylistSaveRefused(KapdeskError):
    """A set that cannot be saved where asked."""


class PlaylistOps:
    def __init__(self, db: Database, audit: AuditTrail, clinic_dir: Path) -> None:
        self._db = db
        self._audit = audit
        self.clinic_dir = clinic_dir

    def _inside(self, folder: Path) -> None:
        root = os.path.realpath(self.clinic_dir)
        where = os.path.realpath(folder)
        if os.path.dirname(where) != root or folder.name in ("", ".", ".."):
            raise PlaylistSaveRefused(f"A playlist set is saved in its own folder in the "
                                      f"clinic's playlists folder {self.clinic_dir}, not in "
                                      f"{folder}.")

    def save(self, user: User | None, playlist_set: PlaylistSet) -> Op[Path]:
        """Write the set into its folder (`playlist_set.folder`, one folder of the clinic's
        playlists folder) and audit it; the folder written."""
        actor = check(user, Action.CURATE_MUSIC)
        if not playlist_set.name.strip():
            raise PlaylistSaveRefused("The set needs a name before it can be saved.")
        folder = playlist_set.folder
        self._inside(folder)
        counts = {p: len(playlist_set.phases[p]) for p in PHASES}
        with self._db.atomic():
            self._audit.append(actor.id, "save", "playlist_set", None, None,
                               {"id": playlist_set.id, "folder": folder.name,
                                "tracks": counts})
            save_set(playlist_set)
        return Op(folder, SAVED, f"Saved in {folder}.")
