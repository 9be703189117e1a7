"""The session's steps as operations: plan (patient, course and session in one
transaction), prepare, dose, recovery, discharge, close, cancel, correct the dose time;
and a cue answered (acknowledged or snoozed: Action.ACKNOWLEDGE_CUE, every role; skipped,
with its reason: Action.RUN_SESSION).

Each checks the role (the steps: Action.RUN_SESSION), runs in one transaction and returns an `Op`;
the stores write the audit rows. A refusal is a KapdeskError in words, and nothing of the
action is left written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kapdesk.core.accounts import User
from kapdesk.core.clock import Clock
from kapdesk.core.cues import CueEventKind, expand_schedule
from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import Action
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import Session, State
from kapdesk.services.operations import Op, OpChanges, check
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.sessions import SessionEvent, SessionStore

CUE_ANSWERS = {CueEventKind.ACKNOWLEDGED: Action.ACKNOWLEDGE_CUE,
               CueEventKind.SNOOZED: Action.ACKNOWLEDGE_CUE,
               CueEventKind.SKIPPED: Action.RUN_SESSION}
STEP_WORDS = {State.PREPARING: "Preparing", State.DOSED: "Dose given (T0)",
              State.RECOVERY: "Recovery begun", State.DISCHARGED: "Discharged",
              State.CLOSED: "Session closed", State.CANCELLED: "Session cancelled"}


@dataclass(frozen=True)
class PlanRequest:
    """What the plan dialog asks for: the patient (and details to save), the protocol, an
    existing course or a new one of `new_course_sessions`, and a reason when spacing rules
    warn."""

    patient_code: str
    protocol: Protocol
    details: dict[str, Any] = field(default_factory=dict)
    course_id: int | None = None
    new_course_sessions: int | None = None
    spacing_reason: str | None = None


class SessionOps:
    def __init__(self, db: Database, sessions: SessionStore, patients: PatientStore,
                 clock: Clock) -> None:
        self._db = db
        self._sessions = sessions
        self._patients = patients
        self._clock = clock

    def plan(self, user: User | None, request: PlanRequest) -> Op[Session]:
        """The patient's details, a new course if asked, and the planned session: all
        three written, or none."""
        actor = check(user, Action.RUN_SESSION)
        code = request.patient_code
        with self._db.atomic():
            if request.details or request.new_course_sessions:
                self._patients.save(code, actor.id, **request.details)
            course_id = request.course_id
            if request.new_course_sessions:
                course_id = self._patients.add_course(
                    code, request.protocol.id, request.new_course_sessions,
                    self._clock.now().date(), actor.id).id
            session = self._sessions.plan(code, request.protocol, actor.id,
                                          course_id=course_id,
                                          spacing_reason=request.spacing_reason)
        return Op(session, OpChanges(session=True, patient=True),
                  f"Session {session.id} planned for {session.patient_code}")

    def advance(self, user: User | None, session_id: int, target: State,
                reason: str | None = None,
                preparation: Mapping[str, bool] | None = None) -> Op[Session]:
        """Prepare, dose, recovery, discharge, close or cancel, if the state machine allows
        it now (with a reason where it asks for one). `preparation`: the room's ticks of
        the preparation list, stored with the dose (a dose with gaps needs a reason)."""
        actor = check(user, Action.RUN_SESSION)
        with self._db.atomic():
            session = self._sessions.transition(session_id, target, actor.id, reason,
                                                preparation)
        return Op(session, OpChanges(session=True), STEP_WORDS.get(target, target.label))

    def correct_dose_time(self, user: User | None, session_id: int, new_t0: datetime,
                          reason: str) -> Op[Session]:
        actor = check(user, Action.RUN_SESSION)
        with self._db.atomic():
            session = self._sessions.correct_t0(session_id, new_t0, actor.id, reason)
        return Op(session, OpChanges(session=True), "Dose time corrected")

    def answer_cue(self, user: User | None, session_id: int, cue_key: str,
                   kind: CueEventKind, data: Mapping[str, Any] | None = None,
                   ) -> Op[SessionEvent]:
        """A cue acknowledged (by a click, or by the entry that answers it), snoozed, or
        skipped with its reason."""
        needs = CUE_ANSWERS.get(kind)
        if needs is None:
            raise KapdeskError(f"A cue is answered by acknowledging, snoozing or skipping "
                               f"it, not by '{kind.value}'.")
        actor = check(user, needs)
        if kind is CueEventKind.SKIPPED and not str((data or {}).get("reason", "")).strip():
            raise KapdeskError("Skipping a cue needs a reason.")
        session = self._sessions.get(session_id)
        if cue_key not in {c.key for c in expand_schedule(session.protocol)}:
            raise KapdeskError(f"Session {session_id} has no cue '{cue_key[:60]}'.")
        with self._db.atomic():
            event = self._sessions.record_cue(session_id, cue_key, kind, actor.id,
                                              dict(data) if data else None)
        return Op(event, OpChanges(session=True), f"Cue {kind.value.removeprefix('cue_')}")
