"""Every operation the window and the CLI call, built once by kapdesk.wiring."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kapdesk.core.clock import Clock
from kapdesk.services.account_ops import AccountOps
from kapdesk.services.backup_ops import BackupOps
from kapdesk.services.export_ops import ExportOps
from kapdesk.services.history_ops import HistoryOps
from kapdesk.services.music_ops import MusicOps
from kapdesk.services.playlist_ops import PlaylistOps
from kapdesk.services.reads import PatientReads
from kapdesk.services.record_ops import RecordOps
from kapdesk.services.room_ops import RoomOps
from kapdesk.services.session_ops import SessionOps
from kapdesk.services.settings_ops import SettingsOps
from kapdesk.store.accounts import AccountStore
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.music import MusicStore
from kapdesk.store.outcomes import OutcomeStore
from kapdesk.store.patients import PatientStore
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.settings import SettingsStore


@dataclass(frozen=True)
class Folders:
    """Where the operations write besides the database."""

    database: Path
    backups: Path
    playlists: Path


@dataclass(frozen=True)
class Operations:
    """One operation per user action (see kapdesk.services.operations)."""

    sessions: SessionOps
    records: RecordOps
    exports: ExportOps
    backups: BackupOps
    accounts: AccountOps
    playlists: PlaylistOps
    patients: PatientReads
    history: HistoryOps
    music: MusicOps
    settings: SettingsOps
    room: RoomOps

    @classmethod
    def over(cls, db: Database, clock: Clock, folders: Folders, *, sessions: SessionStore,
             patients: PatientStore, records: RecordStore, accounts: AccountStore,
             settings: SettingsStore, audit: AuditTrail,
             outcomes: OutcomeStore, music: MusicStore) -> Operations:
        def clinic() -> str:
            return str(settings.get("clinic_name") or "")

        return cls(SessionOps(db, sessions, patients, clock),
                   RecordOps(db, records, patients, accounts),
                   ExportOps(db, clock, accounts, clinic),
                   BackupOps(db, folders.database, folders.backups, clock, accounts),
                   AccountOps(db, accounts),
                   PlaylistOps(db, audit, folders.playlists),
                   PatientReads(patients),
                   HistoryOps(db, clock, outcomes, clinic),
                   MusicOps(db, music),
                   SettingsOps(db, settings, audit),
                   RoomOps(sessions))
