"""Every operation the window and the CLI call, built once by kapdesk.wiring."""

from __future__ import annotations

from dataclasses import dataclass

from kapdesk.core.clock import Clock
from kapdesk.services.record_ops import RecordOps
from kapdesk.services.session_ops import SessionOps
from kapdesk.store.accounts import AccountStore
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore


@dataclass(frozen=True)
class Operations:
    """One operation per user action (see kapdesk.services.operations)."""

    sessions: SessionOps
    records: RecordOps

    @classmethod
    def over(cls, db: Database, clock: Clock, sessions: SessionStore, patients: PatientStore,
             records: RecordStore, accounts: AccountStore) -> Operations:
        return cls(SessionOps(db, sessions, patients, clock),
                   RecordOps(db, records, patients, accounts))
