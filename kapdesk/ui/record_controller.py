"""The clinical record in the room: saves entries, raises alerts, satisfies cues.

Every save is one operation of kapdesk.services.record_ops (the role checked there, one
transaction, its audit rows), committed before anything says "saved". A rejected entry
comes back as a message naming the field and the range; nothing already stored is touched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from kapdesk.core.cues import CueEventKind
from kapdesk.core.errors import KapdeskError
from kapdesk.core.observations import Kind, Observation, describe
from kapdesk.core.permissions import Action
from kapdesk.core.record_values import Alert, Saved
from kapdesk.core.room import CUE_ANSWERED_BY, AnswerWindow, cue_answered_by, format_t_plus
from kapdesk.core.session import Session
from kapdesk.services.reads import PatientReads
from kapdesk.services.record_ops import RecordOps
from kapdesk.ui.room_controller import RoomController

log = logging.getLogger(__name__)


class RecordController(QObject):
    saved = Signal(object)  # Saved
    alerts_changed = Signal(list)  # open alerts of the session
    failed = Signal(str)
    cue_left_open = Signal(str)  # words: the entry was too far from a cue's time to answer it

    def __init__(self, records: RecordOps, patients: PatientReads, room: RoomController,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.records = records
        self.patients = patients
        self.room = room
        # the clinic's `cue_answer_window` setting, read at each entry (set by the window)
        self.answer_window: Callable[[], object] = lambda: None

    def weight_kg(self) -> float | None:
        session = self.room.session
        patient = self.records.patient(session.patient_code) if session else None
        return patient.weight_kg if patient else None

    def _session_id(self) -> int | None:
        session = self.room.session
        if session is None:
            self.failed.emit("There is no session in the room.")
            return None
        return session.id

    def record(self, kind: Kind, values: Mapping[str, Any],
               observed_at: datetime | None = None) -> Saved | None:
        sid = self._session_id()
        if sid is None:
            return None
        try:
            saved = self.records.record(self.room.user, sid, kind, values, observed_at).value
        except KapdeskError as exc:
            self.failed.emit(str(exc))
            return None
        log.info("saved observation %s (%s) in session %s", saved.observation.id, kind, sid)
        left_open = self._satisfy_cues(kind, saved.observation)
        self.saved.emit(saved)
        self.alerts_changed.emit(self.open_alerts())
        if left_open:
            self.cue_left_open.emit(left_open)
        return saved

    def _satisfy_cues(self, kind: Kind, observation: Observation) -> str | None:
        """Mark the cue the entry answers done; words when a cue of its kind stays open
        because the entry was outside its answer window."""
        snap = self.room.current
        if snap is None or snap.session.t0 is None:
            return None
        at_s = snap.session.timeline.elapsed_at(observation.observed_at,
                                                observation=observation.id)
        window = AnswerWindow.from_setting(self.answer_window())
        state = cue_answered_by(snap, kind.value, at_s, window)
        if state is not None:
            self.room.record_cue_done(state.cue.key, CueEventKind.ACKNOWLEDGED,
                                      {"satisfied_by": observation.id})
            return None
        cue_kind = CUE_ANSWERED_BY.get(kind.value)
        nearest = min((c for c in snap.cues if c.open and c.cue.kind == cue_kind),
                      key=lambda c: abs(c.due_s - at_s), default=None)
        if nearest is None or abs(nearest.due_s - at_s) > 30 * 60:
            return None
        return (f"Saved; it does not count for the cue \"{nearest.cue.text}\" at "
                f"{format_t_plus(nearest.due_s)}: {window.describe()}.")

    def correct(self, observation_id: int, reason: str, values: Mapping[str, Any] | None = None,
                observed_at: datetime | None = None) -> Saved | None:
        try:
            saved = self.records.correct(self.room.user, observation_id, reason, values,
                                         observed_at).value
        except KapdeskError as exc:
            self.failed.emit(str(exc))
            return None
        self.saved.emit(saved)
        return saved

    def save_note(self, text: str) -> bool:
        session = self.room.session
        if session is None:
            return False
        try:
            self.records.save_note(self.room.user, session.id, text)
        except KapdeskError as exc:
            self.failed.emit(str(exc))
            return False
        return True

    def note(self) -> str:
        session = self.room.session
        if not self.room.may(Action.VIEW_RECORD):
            return ""
        return self.records.note(session.id) if session else ""

    def recent(self, limit: int = 8) -> list[tuple[int, str]]:
        """The latest entries (id, line), newest first."""
        session = self.room.session
        if session is None or not self.room.may(Action.VIEW_RECORD):
            return []
        entries = self.records.current(session.id)[-limit:]
        return [(o.id, f"{o.observed_at.astimezone():%H:%M}  {describe(o.kind, o.values)}"
                 + ("  (amended)" if o.amendment else "  (corrected)" if o.corrects else ""))
                for o in reversed(entries)]

    def unsigned(self) -> list[Session]:
        if not self.room.may(Action.SIGN):
            return []
        return self.room.unsigned()

    def open_alerts(self) -> list[Alert]:
        session = self.room.session
        if session is None or not self.room.may(Action.VIEW_RECORD):
            return []
        return [a for a in self.records.alerts(session.id) if a.acknowledged_at is None]

    def acknowledge_alert(self, alert_id: int) -> Alert | None:
        """Store who saw the alert and when; it leaves the room's open alerts."""
        try:
            alert = self.records.acknowledge_alert(self.room.user, alert_id).value
        except KapdeskError as exc:
            self.failed.emit(str(exc))
            return None
        log.info("alert %s acknowledged by user %s", alert_id, self.room.user_id)
        self.alerts_changed.emit(self.open_alerts())
        return alert

    def confirm_due(self) -> datetime | None:
        """When a confirming blood-pressure reading is due, if one is awaited."""
        session = self.room.session
        return self.records.confirming_reading_due(session.id) if session else None
