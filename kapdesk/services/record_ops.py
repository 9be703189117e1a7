"""The record's user actions as operations: record an entry, correct or amend one, save the
room's note, acknowledge an alert, amend the note of a signed session, record an
integration session, sign. And the reads the room shows (entries, alerts, the note, the
signature), typed rows for display.

Each action checks the role (recording: Action.RECORD; signing: Action.SIGN, after the
signer's password or PIN), runs in one transaction and returns an `Op`; the stores write
the audit rows and hold the rules (what may be corrected, what is signable).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kapdesk.core.accounts import AuthError as AuthError
from kapdesk.core.accounts import User
from kapdesk.core.observations import Kind, Observation
from kapdesk.core.permissions import Action
from kapdesk.core.record_values import Alert, Saved, Signature
from kapdesk.services.operations import Op, OpChanges, check
from kapdesk.store.accounts import AccountStore
from kapdesk.store.connection import Database
from kapdesk.store.patients import Patient, PatientStore
from kapdesk.store.records import SIGN_MEANING, RecordStore

ENTRY = OpChanges(record=True)
__all__ = ["ENTRY", "SIGN_MEANING", "AuthError", "RecordOps"]


class RecordOps:
    def __init__(self, db: Database, records: RecordStore, patients: PatientStore,
                 accounts: AccountStore) -> None:
        self._db = db
        self._records = records
        self._patients = patients
        self._accounts = accounts

    # -- actions -----------------------------------------------------------------------

    def record(self, user: User | None, session_id: int, kind: Kind,
               values: Mapping[str, Any], observed_at: datetime | None = None) -> Op[Saved]:
        actor = check(user, Action.RECORD)
        with self._db.atomic():
            saved = self._records.record(session_id, kind, values, actor.id, observed_at)
        return Op(saved, ENTRY, "Entry saved")

    def correct(self, user: User | None, observation_id: int, reason: str,
                values: Mapping[str, Any] | None = None,
                observed_at: datetime | None = None) -> Op[Saved]:
        """A correction before sign-off, an amendment (with its reason) after."""
        actor = check(user, Action.RECORD)
        entry = self._records.chain(observation_id)[-1]
        signed = self._records.signature(entry.session_id) is not None
        with self._db.atomic():
            saved = self._records.amend(observation_id, actor.id, reason, values, observed_at)
        return Op(saved, ENTRY, "Amendment saved" if signed else "Correction saved")

    def save_note(self, user: User | None, session_id: int, text: str) -> Op[int]:
        """The room's free-text note (autosaved while the session is unsigned)."""
        actor = check(user, Action.RECORD)
        with self._db.atomic():
            self._records.save_note(session_id, text, actor.id)
        return Op(len(text), ENTRY, "Note saved")

    def acknowledge_alert(self, user: User | None, alert_id: int) -> Op[Alert]:
        """Who saw the alert and when (the first acknowledgement is the one kept)."""
        actor = check(user, Action.RECORD)
        with self._db.atomic():
            alert = self._records.acknowledge_alert(alert_id, actor.id)
        return Op(alert, ENTRY, f"Alert {alert_id} acknowledged")

    def amend_note(self, user: User | None, session_id: int, text: str,
                   reason: str) -> Op[Saved]:
        actor = check(user, Action.RECORD)
        with self._db.atomic():
            saved = self._records.add_amendment(session_id, Kind.NOTE, {"text": text},
                                                actor.id, reason)
        return Op(saved, ENTRY, "Note amendment saved")

    def integration(self, user: User | None, code: str, when: datetime, note: str,
                    plan: str) -> Op[int]:
        actor = check(user, Action.RECORD)
        with self._db.atomic():
            session_id = self._patients.record_integration(code, when, note, plan, actor.id)
        return Op(session_id, OpChanges(patient=True),
                  f"Integration session for {code.strip()} saved")

    def sign(self, user: User | None, session_id: int, secret: str,
             name: str) -> Op[Signature]:
        """AuthError when the password or PIN is wrong (the failed try is stored)."""
        actor = check(user, Action.SIGN)
        self._accounts.reauthenticate(actor.id, secret)
        with self._db.atomic():
            signature = self._records.sign(session_id, actor.id, name)
        return Op(signature, OpChanges(signature=True, record=True),
                  f"Session {session_id} signed by {name}")

    # -- reading, for display ----------------------------------------------------------

    def current(self, session_id: int, kind: Kind | None = None) -> list[Observation]:
        """The session's entries as they stand (corrections applied), oldest first."""
        return self._records.current(session_id, kind)

    def chain(self, observation_id: int) -> list[Observation]:
        return self._records.chain(observation_id)

    def alerts(self, session_id: int) -> list[Alert]:
        return self._records.alerts(session_id)

    def note(self, session_id: int) -> str:
        return self._records.note(session_id)

    def signature(self, session_id: int) -> Signature | None:
        return self._records.signature(session_id)

    def confirming_reading_due(self, session_id: int) -> datetime | None:
        return self._records.confirming_reading_due(session_id)

    def rems_gaps(self, session_id: int) -> tuple[str, ...]:
        """The REMS form's items the record leaves empty (esketamine dosing sessions)."""
        from kapdesk.services.rems import rems_gaps

        return rems_gaps(self._db, session_id)

    def patient(self, code: str) -> Patient | None:
        return self._patients.by_code(code)
