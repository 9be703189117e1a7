"""Exports as operations: a session's or a patient's record to a file (the History
window's Export and the CLI's `kapdesk export`), and the list of REMS forms still due.

Each checks the role here (Action.EXPORT; the list, Action.VIEW_RECORD), whoever calls;
the writing and its audit rows are kapdesk.services.exports' (an "export_started" row
before anything is written, then "export" or "export_failed": two commits on purpose,
so that a killed export is still on the trail). On a new data folder, where no account
can sign in yet, nobody signed in may export (the demo data): the audit names no user.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kapdesk.core.accounts import User
from kapdesk.core.clock import Clock
from kapdesk.core.permissions import Action
from kapdesk.services.operations import Op, OpChanges, check, check_or_new
from kapdesk.store.accounts import AccountStore
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.reports import rems_due

if TYPE_CHECKING:  # the writers (and Qt, for the PDFs) load at the first export only
    from kapdesk.services.exports import ExportRequest

EXPORTED = OpChanges(exports=True)


class ExportOps:
    def __init__(self, db: Database, clock: Clock, accounts: AccountStore,
                 clinic_name: Callable[[], str]) -> None:
        self._db = db
        self._clock = clock
        self._accounts = accounts
        self._clinic = clinic_name  # the settings' `clinic_name`, read at each export

    @classmethod
    def over(cls, db: Database, clock: Clock, clinic_name: Callable[[], str]) -> ExportOps:
        """Over an open database, with its own account store (the History window's tests
        and benchmark; the app builds it with every operation, kapdesk.wiring)."""
        return cls(db, clock, AccountStore(db, clock, AuditTrail(db, clock)), clinic_name)

    def _actor(self, user: User | None) -> int | None:
        actor = check_or_new(user, Action.EXPORT, self._accounts.nobody_can_sign_in())
        return actor.id if actor is not None else None

    def session(self, user: User | None, session_id: int,
                request: ExportRequest) -> Op[Path]:
        """One session's note (pdf), rows (csv, json), FHIR bundle or REMS form."""
        from kapdesk.services.exports import export_session

        who = self._actor(user)
        out = export_session(self._db, self._clock, who, session_id, request, self._clinic())
        return Op(out, EXPORTED, f"Session {session_id}: {request.fmt} written to {out}")

    def patient(self, user: User | None, patient_code: str,
                request: ExportRequest) -> Op[Path]:
        """Every session of one patient (the course summary, rows, or a FHIR bundle)."""
        from kapdesk.services.exports import export_patient

        who = self._actor(user)
        out = export_patient(self._db, self._clock, who, patient_code, request,
                             self._clinic())
        return Op(out, EXPORTED, f"Patient {patient_code.strip()}: {request.fmt} written "
                                 f"to {out}")

    def rems_due(self, user: User | None) -> list[tuple[int, str, datetime, datetime]]:
        """The esketamine sessions whose REMS form is still due (session, patient code,
        dosed, due by): patient codes, so a clinician's only."""
        check(user, Action.VIEW_RECORD)
        return rems_due(self._db, self._clock)
