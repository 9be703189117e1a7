"""The record's user actions as operations: record an entry, correct or amend one, amend
the note of a signed session, record an integration session, sign.

Each checks the role (recording: Action.RECORD; signing: Action.SIGN, after the signer's
password or PIN), runs in one transaction and returns an `Op`; the stores write the audit
rows and hold the rules (what may be corrected, what is signable).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kapdesk.core.observations import Kind
from kapdesk.core.permissions import Action
from kapdesk.services.operations import Op, OpChanges, check
from kapdesk.store.accounts import AccountStore
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.records import RecordStore, Saved, Signature
from kapdesk.store.users import User

ENTRY = OpChanges(record=True)


class RecordOps:
    def __init__(self, db: Database, records: RecordStore, patients: PatientStore,
                 accounts: AccountStore) -> None:
        self._db = db
        self.records = records
        self._patients = patients
        self._accounts = accounts

    def record(self, user: User, session_id: int, kind: Kind, values: Mapping[str, Any],
               observed_at: datetime | None = None) -> Op[Saved]:
        check(user, Action.RECORD)
        with self._db.atomic():
            saved = self.records.record(session_id, kind, values, user.id, observed_at)
        return Op(saved, ENTRY, "Entry saved")

    def correct(self, user: User, observation_id: int, reason: str,
                values: Mapping[str, Any] | None = None,
                observed_at: datetime | None = None) -> Op[Saved]:
        """A correction before sign-off, an amendment (with its reason) after."""
        check(user, Action.RECORD)
        entry = self.records.chain(observation_id)[-1]
        signed = self.records.signature(entry.session_id) is not None
        with self._db.atomic():
            saved = self.records.amend(observation_id, user.id, reason, values, observed_at)
        return Op(saved, ENTRY, "Amendment saved" if signed else "Correction saved")

    def amend_note(self, user: User, session_id: int, text: str, reason: str) -> Op[Saved]:
        check(user, Action.RECORD)
        with self._db.atomic():
            saved = self.records.add_amendment(session_id, Kind.NOTE, {"text": text},
                                               user.id, reason)
        return Op(saved, ENTRY, "Note amendment saved")

    def integration(self, user: User, code: str, when: datetime, note: str,
                    plan: str) -> Op[int]:
        check(user, Action.RECORD)
        with self._db.atomic():
            session_id = self._patients.record_integration(code, when, note, plan, user.id)
        return Op(session_id, OpChanges(patient=True),
                  f"Integration session for {code.strip()} saved")

    def sign(self, user: User, session_id: int, secret: str, name: str) -> Op[Signature]:
        """AuthError when the password or PIN is wrong (the failed try is stored)."""
        check(user, Action.SIGN)
        self._accounts.reauthenticate(user.id, secret)
        with self._db.atomic():
            signature = self.records.sign(session_id, user.id, name)
        return Op(signature, OpChanges(signature=True, record=True),
                  f"Session {session_id} signed by {name}")
