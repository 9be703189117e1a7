"""Longer record flows started from the window: sign, correct or amend an entry, amend the
note after sign-off, record an integration session. Each asks its questions, then makes
one operation (kapdesk.services.record_ops: the role checked there, one transaction) and
hands its result to `done`, the window's one refresh."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from kapdesk.core.errors import KapdeskError
from kapdesk.core.session import State
from kapdesk.services.operations import Op
from kapdesk.services.record_ops import AuthError, RecordOps
from kapdesk.ui.record_controller import RecordController

T = TypeVar("T")
AskText = Callable[[str, str], str | None]
Opener = Callable[[QDialog], None]


class RecordFlows(QObject):
    def __init__(self, records: RecordController, ops: RecordOps, window: QWidget,
                 signer: Callable[[], str],
                 opener: Callable[[], Opener], ask_text: Callable[[], AskText],
                 report: Callable[[str], None], done: Callable[[Op[Any]], None]) -> None:
        super().__init__(window)
        self.records = records
        self.ops = ops
        self.window = window
        self._signer = signer
        self._open = opener
        self._ask = ask_text
        self._report = report
        self._done = done
        self._last_error = ""

    def dose(self, ticked: Mapping[str, bool]) -> bool:
        """Dose given (T0). With the preparation incomplete (no screening, no baseline
        vitals, items not ticked) it asks why first; the reason is stored with the dose."""
        room = self.records.room
        gaps = room.preparation_gaps(ticked)
        reason: str | None = None
        if gaps:
            listed = "\n".join(f"• {gap[0].upper()}{gap[1:]}" for gap in gaps)
            reason = self._ask()("Preparation incomplete",
                                 f"Before the dose:\n{listed}\n\nWhy give the dose now?")
            if not (reason and reason.strip()):
                self._report("The dose was not recorded: the preparation is incomplete and "
                             "no reason was given.")
                return False
        return room.advance(State.DOSED, reason, preparation=ticked)

    def sign(self, session_id: int) -> bool:
        from kapdesk.ui.sign_dialog import SignDialog

        session = self.records.room.session_by_id(session_id)
        if not self._rems_complete_or_accepted(session_id):
            return False
        signer = self._signer()
        dialog = SignDialog(session, self.records.records, signer, self.window)
        while True:
            self._open()(dialog)
            if dialog.result() != QDialog.DialogCode.Accepted:
                return False
            try:  # signing asks for the password or PIN again
                op = self.ops.sign(self.records.room.user, session.id,
                                   dialog.secret_edit.text(), signer)
                break
            except AuthError as exc:
                dialog.secret_edit.clear()
                dialog.error_label.setText(str(exc))
                dialog.error_label.show()
            except KapdeskError as exc:
                self._report(str(exc))
                return False
        self._done(op)
        return True

    def _rems_complete_or_accepted(self, session_id: int) -> bool:
        """An esketamine session with REMS items missing from its record: name them and
        ask whether to sign anyway (no by default)."""
        from PySide6.QtWidgets import QMessageBox

        from kapdesk.ui.choice_box import Answer, choice_box

        gaps = self.ops.rems_gaps(session_id)
        if not gaps:
            return True
        box = choice_box(self.window, QMessageBox.Icon.Warning, "REMS items missing",
                         f"The REMS Patient Monitoring Form of session {session_id} lacks "
                         f"{len(gaps)} item(s) the record should hold:\n\n"
                         + "\n".join(f"• {g}" for g in gaps)
                         + "\n\nSign anyway, and complete them on the form by hand?",
                         "rems_gaps_dialog", "REMS items missing",
                         Answer("Sign anyway", "rems_sign_anyway",
                                "Sign with REMS items missing"),
                         Answer("Go back and complete them", "rems_go_back",
                                "Do not sign yet"))
        self._open()(box)
        clicked = box.clickedButton()
        return clicked is not None and clicked.objectName() == "rems_sign_anyway"

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
            op = self._try(lambda: self.ops.correct(
                self.records.room.user, entry.id, dialog.reason_edit.text(), dialog.values(),
                dialog.observed_at))
            if op:
                self.records.saved.emit(op.value)
                self._done(op)
                return True
            dialog.error_label.setText(self._last_error)
            dialog.error_label.show()

    def amend_note(self) -> bool:
        """Text added to a signed session's note, with its reason: what the record refuses
        (no text, no reason, past the note's bound) shows in the dialog, which stays open."""
        from kapdesk.ui.amend_note_dialog import AmendNoteDialog

        session = self.records.room.session
        if session is None:
            return False
        dialog = AmendNoteDialog(session.id, self.window)

        def attempt() -> str | Op[Any] | None:
            if not dialog.text.strip():
                return "Type the text to add to the note."
            return self._try(lambda: self.ops.amend_note(self.records.room.user, session.id,
                                                         dialog.text, dialog.reason))

        op = self._run_fitted(dialog, attempt)
        if op is None:
            return False
        self.records.saved.emit(op.value)
        self._done(op)
        return True

    def integration(self) -> bool:
        from kapdesk.ui.dialogs import IntegrationDialog

        dialog = IntegrationDialog(self.records.room.now(), self.window)

        def attempt() -> str | Op[Any] | None:
            code = dialog.code_edit.text().strip()
            if not code:
                return "An integration session needs the patient's code."
            return self._try(lambda: self.ops.integration(
                self.records.room.user, code, dialog.when, dialog.note_edit.toPlainText(),
                dialog.plan_edit.text()))

        op = self._run_fitted(dialog, attempt)
        if op is None:
            return False
        self._done(op)
        return True

    def _run_fitted(self, dialog: Any, attempt: Callable[[], str | Op[Any] | None]
                    ) -> Op[Any] | None:
        """Open `dialog`, whose each OK runs `attempt`: words (a refusal before trying) or
        a refused operation (None) show in the dialog, which stays open; the operation
        that went through, once the dialog is accepted."""
        done: list[Op[Any]] = []

        def submit() -> str | None:
            result = attempt()
            if isinstance(result, str):
                return result
            if result is None:
                return self._last_error
            done.append(result)
            return None

        dialog.submit = submit
        self._open()(dialog)
        if dialog.result() != QDialog.DialogCode.Accepted or not done:
            return None
        return done[0]

    def _try(self, action: Callable[[], T]) -> T | None:
        self._last_error = ""
        try:
            return action()
        except KapdeskError as exc:
            self._last_error = str(exc)
            return None
