"""Longer record flows started from the window: sign, correct or amend an entry, amend the
note after sign-off, record an integration session. Each ends in one store call."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from kapdesk.core.errors import KapdeskError
from kapdesk.core.observations import Kind
from kapdesk.core.permissions import Action, require
from kapdesk.store.accounts import AccountStore, AuthError
from kapdesk.ui.record_controller import RecordController

AskText = Callable[[str, str], str | None]
Opener = Callable[[QDialog], None]


class RecordFlows(QObject):
    def __init__(self, records: RecordController, window: QWidget, accounts: AccountStore,
                 signer: Callable[[], str],
                 opener: Callable[[], Opener], ask_text: Callable[[], AskText],
                 report: Callable[[str], None], done: Callable[[str], None]) -> None:
        super().__init__(window)
        self.records = records
        self.window = window
        self._signer = signer
        self._open = opener
        self._ask = ask_text
        self._report = report
        self._done = done
        self.accounts = accounts

    def sign(self, session_id: int) -> bool:
        from kapdesk.ui.sign_dialog import SignDialog

        session = self.records.room.session_by_id(session_id)
        signer = self._signer()
        dialog = SignDialog(session, self.records.records, signer, self.window)
        while True:
            self._open()(dialog)
            if dialog.result() != QDialog.DialogCode.Accepted:
                return False
            try:
                require(self.records.room.user.role, Action.SIGN)
                # signing asks for the password or PIN again
                self.accounts.reauthenticate(self.records.room.user_id,
                                             dialog.secret_edit.text())
                self.records.records.sign(session.id, self.records.room.user_id, signer)
                break
            except AuthError as exc:
                dialog.secret_edit.clear()
                dialog.error_label.setText(str(exc))
                dialog.error_label.show()
            except KapdeskError as exc:
                self._report(str(exc))
                return False
        self._done(f"Session {session.id} signed by {signer}")
        return True

    def correct(self, observation_id: int) -> bool:
        from kapdesk.ui.dialogs import CorrectEntryDialog

        store = self.records.records
        entry = store.chain(observation_id)[-1]
        signed = store.signature(entry.session_id) is not None
        dialog = CorrectEntryDialog(entry, signed, self.window)
        while True:
            self._open()(dialog)
            if dialog.result() != QDialog.DialogCode.Accepted:
                return False
            saved = self._try(lambda: store.amend(entry.id, self.records.room.user_id,
                                                 dialog.reason_edit.text(), dialog.values(),
                                                 dialog.observed_at))
            if saved:
                self.records.saved.emit(saved)
                self._done("Amendment saved" if signed else "Correction saved")
                return True
            dialog.error_label.setText(self._last_error)
            dialog.error_label.show()

    def amend_note(self) -> bool:
        session = self.records.room.session
        if session is None:
            return False
        text = self._ask()("Amend the note", "The session is signed. Text to add:")
        if not text:
            return False
        reason = self._ask()("Amend the note", "Reason for the amendment:")
        if reason is None:
            return False
        saved = self._try(lambda: self.records.records.add_amendment(
            session.id, Kind.NOTE, {"text": text}, self.records.room.user_id, reason))
        if not saved:
            self._report(self._last_error)
            return False
        self.records.saved.emit(saved)
        self._done("Note amendment saved")
        return True

    def integration(self) -> bool:
        from kapdesk.ui.dialogs import IntegrationDialog

        dialog = IntegrationDialog(self.records.room.now(), self.window)
        self._open()(dialog)
        if dialog.result() != QDialog.DialogCode.Accepted:
            return False
        code = dialog.code_edit.text().strip()
        if not code:
            self._report("An integration session needs the patient's code.")
            return False
        sid = self._try(lambda: self.records.patients.record_integration(
            code, dialog.when, dialog.note_edit.toPlainText(), dialog.plan_edit.text(),
            self.records.room.user_id))
        if not sid:
            self._report(self._last_error)
            return False
        self._done(f"Integration session for {code} saved")
        return True

    def _try(self, action):  # type: ignore[no-untyped-def]
        self._last_error = ""
        try:
            return action()
        except KapdeskError as exc:
            self._last_error = str(exc)
            return None
