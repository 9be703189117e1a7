"""The room's controller: turns the session, its events and the clock into signals.

QTimers only wake it up. What it shows is always computed from stored UTC instants
through the injected clock, so an early timer, a late one, a restart or a suspend
cannot make it wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from kapdesk.core.accounts import User
from kapdesk.core.clock import Clock, ClockWatch, Heartbeat
from kapdesk.core.closure import missed, missed_words
from kapdesk.core.cues import CueEvent, CueEventKind, CueState, next_change_s
from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import Action, allowed, require
from kapdesk.core.protocol import Protocol
from kapdesk.core.room import RoomSnapshot, snapshot
from kapdesk.core.session import Session, State, check_transition
from kapdesk.services.room_ops import RoomOps
from kapdesk.services.session_ops import PlanRequest, SessionOps
from kapdesk.ui.closed_time import ClosedTime
from kapdesk.ui.naming import named

log = logging.getLogger(__name__)

_MAX_WAIT_MS = 60_000  # re-check at least every minute, whatever the timers think
_HEARTBEAT_S = 30.0  # how often the clocks are stored, to compare at the next start


class RoomController(QObject):
    session_changed = Signal(object)  # Session | None
    snapshot_changed = Signal(object)  # RoomSnapshot | None
    cue_became_due = Signal(object)  # CueState
    cue_escalated = Signal(object)  # CueState
    clock_disturbed = Signal(str)  # words for the clinician
    action_failed = Signal(str)

    user_changed = Signal(object)  # User
    session_closed = Signal(int)  # session id, once closed (a backup follows)

    def __init__(self, sessions: RoomOps, ops: SessionOps, clock: Clock, user: User,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sessions = sessions  # the room's reads, and its own writes (kapdesk.services)
        self._ops = ops  # every step of the session is one operation (kapdesk.services)
        self._clock = clock
        self.user = user
        self._watch = ClockWatch(clock)
        self._session: Session | None = None
        self._events: list[CueEvent] = []
        self._snapshot: RoomSnapshot | None = None
        self._told: set[int] = set()  # sessions whose stored template's problems were shown
        self._beat_at: float | None = None  # monotonic time of the last heartbeat tried
        self._beats = False  # heartbeats are stored from resume() on
        self._closed = ClosedTime(sessions, clock)  # what the start found, until stored
        self._unstored: set[tuple[int, str, CueEventKind]] = set()  # told, not yet stored
        self._tick = named(QTimer(self), "room display tick")
        self._tick.setSingleShot(True)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.timeout.connect(self.refresh)
        self._cue_timer = named(QTimer(self), "room next cue")
        self._cue_timer.setSingleShot(True)
        self._cue_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._cue_timer.timeout.connect(self.refresh)

    @property
    def user_id(self) -> int:
        return self.user.id

    def set_user(self, user: User) -> None:
        """Someone else signs in: the session goes on, their id goes on what they do."""
        self.user = user
        self.user_changed.emit(user)

    def may(self, action: Action) -> bool:
        return allowed(self.user.role, action)

    # -- state -----------------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        return self._session

    @property
    def current(self) -> RoomSnapshot | None:
        return self._snapshot

    def resume(self) -> Session | None:
        """Pick up the session that occupies the room (after a restart, too). What the
        clocks say about the time the app was closed is found here, stored and shown."""
        session, words = self._closed.at_start(self._sessions.running(), self.user)
        if words:
            self.clock_disturbed.emit(words)
        self._beats = True
        self._beat()
        self._load(session)
        return self._session

    def _beat(self, force: bool = True) -> None:
        mono = self._clock.monotonic()
        if force or self._beat_at is None or mono - self._beat_at >= _HEARTBEAT_S:
            self._beat_at = mono  # tried again in 30 s if it fails
            if self._closed.pending:  # the old heartbeat stays until the finding is stored
                if not self._closed.retry():
                    return
                if self._session is not None:
                    self._load_quietly(self._sessions.get(self._session.id))
                    self.session_changed.emit(self._session)
            try:
                self._sessions.beat(self.user, Heartbeat.read(self._clock))
            except KapdeskError as exc:  # a full disk must never stop the session's clock
                log.warning("heartbeat not stored: %s", type(exc).__name__)

    def planned(self) -> list[Session]:
        return self._sessions.planned()

    def session_by_id(self, session_id: int) -> Session:
        return self._sessions.get(session_id)

    def unsigned(self, limit: int = 30) -> list[Session]:
        """Finished dosing sessions still waiting for a signature, newest first."""
        return self._sessions.unsigned(limit)

    def _load(self, session: Session | None) -> None:
        self._load_quietly(session)
        session = self._session
        self.session_changed.emit(session)
        self.refresh()
        if session is not None and session.protocol.problems and session.id not in self._told:
            self._told.add(session.id)  # said once per session, not at every refresh
            self.action_failed.emit(
                f"Session {session.id} keeps the template it was planned with, and parts of "
                "it cannot be used any more; they are left out: "
                + "; ".join(session.protocol.problems[:5]) + ".")

    def now(self) -> datetime:
        return self._clock.now()

    @property
    def clock(self) -> Clock:
        return self._clock

    def refusal(self, target: State, reason: str | None = None) -> str | None:
        """Why `target` is not allowed now, in words; None when it is."""
        if self._session is None:
            return "There is no session in the room."
        try:
            check_transition(self._session, target, self._clock.now(), reason)
        except KapdeskError as exc:
            return str(exc)
        return None

    def stop(self) -> None:
        self._tick.stop()
        self._cue_timer.stop()
        if self._beats:
            self._beat()  # the last reading before the app closes

    # -- the heartbeat ---------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute what the room shows from the clock and the record; re-arm timers."""
        session = self._session
        changes = self._watch.look()
        for change in changes:
            log.warning("clock discontinuity: %s %.1fs", change.kind, change.seconds)
            asleep: list[CueState] = []
            if session is not None and session.clock_running:
                if change.kind == "suspend":  # cues that went by while asleep are missed
                    asleep = missed(session, self._events, change.detected_at,
                                    change.seconds)
                try:
                    self._sessions.clock_changed(
                        self.user, session.id, change.kind, change.seconds, change.detected_at,
                        beat=None if self._closed.pending else Heartbeat.read(self._clock),
                        missed=[(c.cue.key, c.due_s) for c in asleep],
                        why="the laptop was asleep")
                except KapdeskError as exc:  # said; the room's clock goes on regardless
                    self.clock_disturbed.emit(f"{change.describe()} It could not be "
                                              f"stored: {exc}")
                    continue
                self._load_quietly(self._sessions.get(session.id))
                session = self._session
                self.session_changed.emit(session)
            words = missed_words(len(asleep), "the laptop was asleep")
            self.clock_disturbed.emit(f"{change.describe()} {words}".strip())
        if self._beats:  # at once after a change, so it is never counted twice
            self._beat(force=bool(changes))
        if session is None:
            self._snapshot = None
            self._tick.stop()
            self._cue_timer.stop()
            self.snapshot_changed.emit(None)
            return
        snap = snapshot(session, self._events, self._clock.now())
        self._snapshot = snap
        if session.clock_running:
            self._record_new(snap)
        self.snapshot_changed.emit(snap)
        self._arm(snap)

    def _record_new(self, snap: RoomSnapshot) -> None:
        for state in snap.due:
            mine = [e for e in self._events if e.cue_key == state.cue.key]
            if not any(e.kind is CueEventKind.DUE and e.elapsed_s >= state.due_s - 0.5
                       for e in mine) and self._note(state.cue.key, CueEventKind.DUE,
                                                     {"due_s": round(state.due_s, 3)}):
                self.cue_became_due.emit(state)
            if state.escalated and not any(
                    e.kind is CueEventKind.ESCALATED and e.elapsed_s >= state.due_s
                    for e in mine) and self._note(state.cue.key, CueEventKind.ESCALATED, {}):
                self.cue_escalated.emit(state)

    def _note(self, key: str, kind: CueEventKind, data: dict[str, Any]) -> bool:
        """Store what the room saw of a cue; True the first time it is seen, stored or not
        (a full disk must never stop the room: it is stored at a later look)."""
        assert self._session is not None
        mark = (self._session.id, key, kind)
        told = mark in self._unstored
        try:
            self._store_cue(key, kind, data)
        except KapdeskError as exc:
            if not told:
                log.warning("cue event not stored: %s", type(exc).__name__)
                self._unstored.add(mark)
            return not told
        self._unstored.discard(mark)
        return not told

    def _load_quietly(self, session: Session | None) -> None:
        """Hold `session` and its cue events, with what the start found and could not
        store yet (kapdesk.ui.closed_time)."""
        if session is None:
            self._session, self._events = None, []
            return
        self._session = self._closed.adjust(session)
        self._events = [*self._sessions.cue_events(self._session),
                        *self._closed.events(session.id)]

    def _arm(self, snap: RoomSnapshot) -> None:
        if not snap.session.clock_running:
            idle = snap.session.t0 is None or snap.session.discharged
            self._tick.start(_MAX_WAIT_MS if idle else 1000)
            self._cue_timer.stop()
            return
        elapsed_ms = snap.elapsed_s * 1000
        self._tick.start(int(1000 - elapsed_ms % 1000) + 2)  # just after the next second

        upcoming = next_change_s(snap.cues, snap.elapsed_s)
        if upcoming is None:
            self._cue_timer.stop()
        else:
            wait = max(0, int((upcoming - snap.elapsed_s) * 1000))
            self._cue_timer.start(min(wait, _MAX_WAIT_MS))

    def _store_cue(self, key: str, kind: CueEventKind, data: dict[str, Any]) -> None:
        assert self._session is not None
        event = self._sessions.cue_seen(self.user, self._session.id, key, kind, data)
        self._events.append(CueEvent(
            key, kind, self._session.timeline.elapsed_at(event.at, event=event.id),
            event.data))

    # -- actions (each one click; each stored before it is shown) -----------------------

    def _do(self, action: Callable[[], Session | None],
            needs: Action = Action.RUN_SESSION) -> bool:
        try:
            require(self.user.role, needs)
            session = action()
        except KapdeskError as exc:
            self.action_failed.emit(str(exc))
            return False
        if session is not None and not session.is_running and session.state is not State.PLANNED:
            session = self._sessions.running()
        self._load(session)
        return True

    def spacing(self, patient_code: str, protocol: Protocol) -> list[str]:
        return self._sessions.spacing(patient_code, protocol)

    def plan(self, patient_code: str, protocol: Protocol, *, course_id: int | None = None,
             spacing_reason: str | None = None) -> bool:
        def action() -> Session | None:
            planned = self._ops.plan(self.user, PlanRequest(
                patient_code, protocol, course_id=course_id,
                spacing_reason=spacing_reason)).value
            return self._session if self._session and self._session.is_running else planned
        return self._do(action)

    def open_planned(self, session_id: int) -> bool:
        """Show a planned session in the room (nothing is stored until it is started)."""
        if not self.may(Action.RUN_SESSION):
            self.action_failed.emit(f"Signed in as {self.user.role}, you cannot "
                                    f"{Action.RUN_SESSION.value}.")
            return False
        if self._session is not None and self._session.is_running:
            self.action_failed.emit(
                f"Session {self._session.id} for patient {self._session.patient_code} is "
                "still running in this room. Close it before opening another.")
            return False
        self._load(self._sessions.get(session_id))
        return True

    def preparation_gaps(self, ticked: Mapping[str, bool]) -> list[str]:
        """What is missing before the dose, in words; [] when nothing is (or no session)."""
        if self._session is None or self._session.state is not State.PREPARING:
            return []
        return self._sessions.preparation_gaps(self._session.id, ticked)

    def advance(self, target: State, reason: str | None = None,
                preparation: Mapping[str, bool] | None = None) -> bool:
        session = self._session
        if session is None:
            self.action_failed.emit("There is no session in the room.")
            return False
        done = self._do(lambda: self._ops.advance(self.user, session.id, target, reason,
                                                  preparation).value)
        if done and target is State.CLOSED:
            self.session_closed.emit(session.id)
        return done

    def correct_dose_time(self, new_t0: datetime, reason: str) -> bool:
        session = self._session
        if session is None:
            return False
        return self._do(lambda: self._ops.correct_dose_time(self.user, session.id, new_t0,
                                                            reason).value)

    def _cue_action(self, key: str, kind: CueEventKind, data: dict[str, Any]) -> bool:
        """The operation (kapdesk.services.session_ops: the role checked there) on a cue
        still waiting in the room."""
        snap = self._snapshot
        if self._session is None or snap is None or not any(
                c.cue.key == key and c.open for c in snap.cues):
            self.action_failed.emit("That cue is no longer waiting.")
            return False
        session = self._session
        try:
            event = self._ops.answer_cue(self.user, session.id, key, kind, data).value
        except KapdeskError as exc:
            self.action_failed.emit(str(exc))
            return False
        self._events.append(CueEvent(
            key, kind, session.timeline.elapsed_at(event.at, event=event.id), event.data))
        self.refresh()
        return True

    def record_cue_done(self, key: str, kind: CueEventKind, data: dict[str, Any]) -> bool:
        """A cue answered by an entry (vitals recorded, a rating given)."""
        return self._cue_action(key, kind, data)

    def acknowledge(self, key: str) -> bool:
        return self._cue_action(key, CueEventKind.ACKNOWLEDGED, {})

    def snooze(self, key: str, minutes: int) -> bool:
        return self._cue_action(key, CueEventKind.SNOOZED, {"minutes": minutes})

    def skip(self, key: str, reason: str) -> bool:
        if not reason.strip():
            self.action_failed.emit("Skipping a cue needs a reason.")
            return False
        return self._cue_action(key, CueEventKind.SKIPPED, {"reason": reason.strip()})

    def oldest_due(self) -> CueState | None:
        due = self._snapshot.due if self._snapshot else []
        return due[0] if due else None
