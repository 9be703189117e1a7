"""The session's steps that ask something first: plan (the plan dialog), correct the dose
time, discharge (a reason when early, then the discharge check), cancel and skip (a
reason). Each asks through the window's prompts, then makes one operation: the plan
through kapdesk.services (patient, course and session in one transaction), the rest
through the room controller, which calls the same services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from kapdesk.core.errors import KapdeskError
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State, check_t0_correction
from kapdesk.core.text_rules import check_reason
from kapdesk.services.operations import Op
from kapdesk.services.reads import PatientReads
from kapdesk.services.session_ops import PlanRequest, SessionOps
from kapdesk.ui.room_controller import RoomController

Opener = Callable[[QDialog], None]
AskText = Callable[[str, str], str | None]


class SessionSteps(QObject):
    def __init__(self, room: RoomController, ops: SessionOps, protocols: list[Protocol],
                 default_protocol: Callable[[], str], patients: PatientReads,
                 open_dialog: Opener, discharge_dialog: Callable[[Callable[[], None]], QDialog],
                 ask_text: AskText, report: Callable[[str], None],
                 apply: Callable[[Op[Any]], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.room = room
        self.ops = ops
        self.protocols = protocols
        self._default = default_protocol
        self._patients = patients
        self._open = open_dialog
        self._discharge_dialog = discharge_dialog
        self._ask = ask_text
        self._report = report
        self._apply = apply
        self._parent = parent

    def plan_session(self) -> None:
        if not self.protocols:
            self._report("No protocol template could be loaded; see the notice.")
            return
        from kapdesk.ui.dialogs import PlanSessionDialog

        dialog = PlanSessionDialog(self.protocols, self._default(), self._patients,
                                   self.room.spacing, self._parent)
        dialog.submit = lambda: self._plan(dialog.choice())  # a refusal shows in the dialog
        self._open(dialog)

    def plan(self, choice: PlanRequest) -> bool:
        """The patient's details, a new course if asked, and the session: one operation
        (all written, or none); the room shows the planned session unless one runs."""
        refused = self._plan(choice)
        if refused:
            self._report(refused)
        return refused is None

    def _plan(self, choice: PlanRequest) -> str | None:
        """None when planned; else why not, in words."""
        try:
            op = self.ops.plan(self.room.user, choice)
        except KapdeskError as exc:
            return str(exc)
        if self.room.session is None or not self.room.session.is_running:
            self.room.open_planned(op.value.id)
        self._apply(op)
        return None

    def correct_dose_time(self) -> None:
        session = self.room.session
        if session is None or session.t0 is None:
            return
        from kapdesk.ui.dialogs import CorrectDoseDialog

        dialog = CorrectDoseDialog(session.t0, self._parent)

        def submit() -> str | None:  # a time or reason refused shows in the dialog
            try:  # the store's own checks, so that a refusal never comes after it closed
                check_t0_correction(session, dialog.dose_time, self.room.now(),
                                    check_reason(dialog.reason))
            except KapdeskError as exc:
                return str(exc)
            self.room.correct_dose_time(dialog.dose_time, dialog.reason)
            return None

        dialog.submit = submit
        self._open(dialog)

    def discharge(self) -> None:
        snap = self.room.current
        reason: str | None = None
        if snap is not None and snap.minutes_to_minimum > 0 and \
                not snap.session.protocol.min_monitoring_strict:
            reason = self._ask(
                "Discharge early",
                f"The minimum monitoring time is not reached ({snap.minutes_to_minimum:.0f} min "
                "to go). Reason for discharging now:")
            if reason is None:
                return
        refusal = self.room.refusal(State.DISCHARGED, reason)
        if refusal:
            self._report(refusal)
            return

        def discharged() -> None:
            self.room.advance(State.DISCHARGED, reason)

        self._open(self._discharge_dialog(discharged))

    def cancel(self) -> None:
        reason = self._ask("Cancel session", "Reason for cancelling this session:")
        if reason is not None:
            self.room.advance(State.CANCELLED, reason)

    def skip(self, key: str) -> None:
        reason = self._ask("Skip cue", "Reason for skipping this cue:")
        if reason is not None:
            self.room.skip(key, reason)
