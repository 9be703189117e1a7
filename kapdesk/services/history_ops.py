"""The History window's reads and actions, as operations.

Reads (the patient list, a course, a session, the REMS forms due, the protocols in use)
are a clinician's (Action.VIEW_RECORD). Actions: an outcome measure recorded
(Action.RECORD, one transaction with its audit row), a session's note or REMS form or a
patient's course printed (Action.EXPORT, audited "print" by kapdesk.services.printing).
Each checks the role here, whoever calls; the window may also hide what a role cannot do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from kapdesk.core.accounts import User
from kapdesk.core.clock import Clock
from kapdesk.core.course_report import CourseReport
from kapdesk.core.history import HistoryFilter, PatientRow, RemsDue
from kapdesk.core.outcomes import Instrument, OutcomeMeasure
from kapdesk.core.permissions import Action
from kapdesk.core.report import SessionReport
from kapdesk.services.operations import Op, OpChanges, check
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.history import protocols_in_use, rems_list, search_patients
from kapdesk.store.outcomes import OutcomeStore
from kapdesk.store.reports import load_course_report, load_session_report

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

PRINTED = OpChanges(exports=True)


class HistoryOps:
    def __init__(self, db: Database, clock: Clock, outcomes: OutcomeStore,
                 clinic_name: Callable[[], str]) -> None:
        self._db = db
        self.clock = clock
        self._outcomes = outcomes
        self._clinic = clinic_name

    @classmethod
    def over(cls, db: Database, clock: Clock, clinic_name: Callable[[], str]) -> HistoryOps:
        """Over an open database (the History window's tests and benchmark; the app builds
        it with every operation, kapdesk.wiring)."""
        return cls(db, clock, OutcomeStore(db, clock, AuditTrail(db, clock)), clinic_name)

    # -- reading -----------------------------------------------------------------------

    def protocols(self, user: User | None) -> list[tuple[str, str]]:
        check(user, Action.VIEW_RECORD)
        return protocols_in_use(self._db)

    def search(self, user: User | None, flt: HistoryFilter) -> tuple[list[PatientRow], int]:
        check(user, Action.VIEW_RECORD)
        return search_patients(self._db, flt)

    def course(self, user: User | None, code: str) -> CourseReport:
        check(user, Action.VIEW_RECORD)
        return load_course_report(self._db, code, self._clinic())

    def outcomes(self, user: User | None, code: str) -> list[OutcomeMeasure]:
        check(user, Action.VIEW_RECORD)
        return self._outcomes.list(code)

    def session(self, user: User | None, session_id: int) -> SessionReport:
        check(user, Action.VIEW_RECORD)
        return load_session_report(self._db, session_id, self._clinic())

    def rems(self, user: User | None) -> list[RemsDue]:
        check(user, Action.VIEW_RECORD)
        return rems_list(self._db, self.clock)

    # -- actions -----------------------------------------------------------------------

    def record_outcome(self, user: User | None, code: str, instrument: Instrument | str,
                       items: Sequence[object], taken_at: datetime) -> Op[OutcomeMeasure]:
        actor = check(user, Action.RECORD)
        with self._db.atomic():
            saved = self._outcomes.record(code, instrument, items, taken_at, actor.id)
        return Op(saved, OpChanges(patient=True),
                  f"{saved.instrument.value.upper()} saved for {code.strip()}")

    def print_session(self, user: User | None, session_id: int, what: str,
                      printer: QPrinter) -> Op[int]:
        """The note ("note") or the REMS form ("rems") of one session; its pages."""
        from kapdesk.services.printing import print_session

        actor = check(user, Action.EXPORT)
        pages = print_session(self._db, self.clock, actor.id, session_id, what, printer,
                              self._clinic())
        return Op(pages, PRINTED, f"Session {session_id}: {what} printed")

    def print_patient(self, user: User | None, code: str, printer: QPrinter) -> Op[int]:
        """A patient's course summary; its pages."""
        from kapdesk.services.printing import print_patient

        actor = check(user, Action.EXPORT)
        pages = print_patient(self._db, self.clock, actor.id, code, printer, self._clinic())
        return Op(pages, PRINTED, f"Patient {code}: course summary printed")
