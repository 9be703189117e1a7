"""The history window's controller: operations' values in, signals out.

Every read and action is an operation of kapdesk.services (history_ops, export_ops),
which checks the role: reads, that the signed-in user may see patient records (clinicians
only); exports and prints, that they may export; a new outcome measure, that they may
record. The controller also asks first (`refusal`), so that nothing is shown to a role
that cannot use it; a refusal comes back as words on `failed`, never as data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from PySide6.QtCore import QObject, Signal
from PySide6.QtPrintSupport import QPrinter

from kapdesk.core.accounts import User
from kapdesk.core.course_report import CourseReport
from kapdesk.core.errors import KapdeskError
from kapdesk.core.history import HistoryFilter
from kapdesk.core.outcomes import Instrument, OutcomeMeasure
from kapdesk.core.permissions import Action, PermissionDenied, require
from kapdesk.core.report import SessionReport
from kapdesk.services.export_ops import ExportOps
from kapdesk.services.exports import ExportRequest
from kapdesk.services.history_ops import HistoryOps

log = logging.getLogger(__name__)
FORMAT_WORDS: Mapping[str, str] = MappingProxyType({
    "pdf": "PDF session note", "csv": "CSV", "json": "JSON", "fhir": "FHIR bundle",
    "rems": "REMS monitoring form"})
PRINT_WORDS: Mapping[str, str] = MappingProxyType({"note": "session note",
                                                   "rems": "REMS monitoring form"})


class HistoryController(QObject):
    patients_listed = Signal(list, int)  # PatientRow list, how many matched in all
    course_loaded = Signal(object)  # CourseReport | None
    session_loaded = Signal(object)  # SessionReport | None
    outcomes_changed = Signal(list)  # OutcomeMeasure list, oldest first
    rems_listed = Signal(list)  # RemsDue list, most urgent first
    exported = Signal(str)  # words: what went where
    failed = Signal(str)  # words a user can act on

    def __init__(self, history: HistoryOps, exports: ExportOps, user: Callable[[], User],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = history
        self.exports = exports
        self.clock = history.clock
        self._user = user
        self.filter = HistoryFilter()
        self.course: CourseReport | None = None
        self.report: SessionReport | None = None

    # -- who may -----------------------------------------------------------------------

    @property
    def user(self) -> User:
        return self._user()

    def refusal(self, action: Action = Action.VIEW_RECORD) -> str | None:
        """None when the signed-in user may do this; else why not, in words."""
        try:
            require(self.user.role, action)
        except PermissionDenied as exc:
            return str(exc)
        return None

    def _allowed(self, action: Action = Action.VIEW_RECORD) -> bool:
        why = self.refusal(action)
        if why is not None:
            self.failed.emit(why)
            return False
        return True

    # -- reading -----------------------------------------------------------------------

    def protocols(self) -> list[tuple[str, str]]:
        return self.ops.protocols(self.user) if self.refusal() is None else []

    def search(self, flt: HistoryFilter) -> None:
        self.filter = flt
        if not self._allowed():
            self.patients_listed.emit([], 0)
            return
        rows, total = self.ops.search(self.user, flt)
        self.patients_listed.emit(rows, total)

    def open_patient(self, code: str) -> None:
        if not self._allowed():
            return
        try:
            self.course = self.ops.course(self.user, code)
            measures = self.ops.outcomes(self.user, code)
        except KapdeskError as exc:
            self.course = None
            self.failed.emit(str(exc))
            self.course_loaded.emit(None)
            return
        self.course_loaded.emit(self.course)
        self.outcomes_changed.emit(measures)

    def open_session(self, session_id: int | None) -> None:
        if session_id is None or not self._allowed():
            self.report = None
            self.session_loaded.emit(None)
            return
        try:
            self.report = self.ops.session(self.user, session_id)
        except KapdeskError as exc:
            self.report = None
            self.failed.emit(str(exc))
        self.session_loaded.emit(self.report)

    def session_report(self, session_id: int) -> SessionReport | None:
        """That session's report: the one open, or opened now (None, said, when it cannot
        be): what an export or a print of the session works from."""
        if self.report is None or self.report.session_id != session_id:
            self.open_session(session_id)
        return self.report

    def reload(self) -> None:
        """After a change (a signature): the list, the patient's course and the session."""
        sid = self.report.session_id if self.report else None
        self.search(self.filter)
        if self.course is not None:
            self.open_patient(self.course.patient.code)
        self.open_session(sid)
        self.refresh_rems()

    def refresh_rems(self) -> None:
        if self.refusal() is not None:
            self.rems_listed.emit([])
            return
        self.rems_listed.emit(self.ops.rems(self.user))

    # -- writing -----------------------------------------------------------------------

    def export(self, session_id: int, request: ExportRequest) -> Path | None:
        """Export one session as asked (the operation checks the role; the audit trail
        records it). The path, or None (with the reason on `failed`)."""
        try:
            out = self.exports.session(self.user, session_id, request).value
        except (KapdeskError, OSError) as exc:
            # ids only: the message names the file, whose name may begin with the patient code
            log.info("export of session %s refused (%s)", session_id, type(exc).__name__)
            self.failed.emit(f"Not exported: {exc}")
            return None
        words = FORMAT_WORDS.get(request.fmt, request.fmt)
        deid = " (de-identified)" if request.deidentified else ""
        self.exported.emit(f"Session {session_id}: {words}{deid} written to {out}")
        if request.fmt == "rems":
            self.refresh_rems()
        return out

    def print_session(self, session_id: int, what: str, printer: QPrinter) -> int | None:
        """Print a session's note ("note") or REMS form ("rems"), audited; its pages."""
        if not self._allowed(Action.VIEW_RECORD) or not self._allowed(Action.EXPORT):
            return None
        try:
            pages = self.ops.print_session(self.user, session_id, what, printer).value
        except (KapdeskError, OSError) as exc:
            self.failed.emit(f"Not printed: {exc}")
            return None
        self.exported.emit(f"Session {session_id}: {PRINT_WORDS[what]} printed ({pages} "
                           f"page{'s' if pages != 1 else ''})")
        return pages

    def print_course(self, printer: QPrinter) -> int | None:
        """Print the open patient's course summary, audited; its pages."""
        if self.course is None:
            self.failed.emit("Choose a patient first.")
            return None
        if not self._allowed(Action.VIEW_RECORD) or not self._allowed(Action.EXPORT):
            return None
        code = self.course.patient.code
        try:
            pages = self.ops.print_patient(self.user, code, printer).value
        except (KapdeskError, OSError) as exc:
            self.failed.emit(f"Not printed: {exc}")
            return None
        self.exported.emit(f"Patient {code}: course summary printed ({pages} "
                           f"page{'s' if pages != 1 else ''})")
        return pages

    def record_outcome(self, instrument: Instrument | str, items: Sequence[object],
                       taken_at: datetime) -> OutcomeMeasure | None:
        if self.course is None:
            self.failed.emit("Choose a patient first.")
            return None
        if not self._allowed(Action.RECORD):
            return None
        code = self.course.patient.code
        try:
            saved = self.ops.record_outcome(self.user, code, instrument, items,
                                            taken_at).value
            measures = self.ops.outcomes(self.user, code)
        except KapdeskError as exc:
            self.failed.emit(str(exc))
            return None
        self.outcomes_changed.emit(measures)
        return saved
