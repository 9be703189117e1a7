"""Sessions and their events: the only place they are written or read."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kapdesk.core.checklists import preparation_gaps
from kapdesk.core.clock import Clock, Heartbeat
from kapdesk.core.course import spacing_warnings
from kapdesk.core.cues import CueEvent, CueEventKind
from kapdesk.core.errors import KapdeskError, SessionConflictError, TransitionError
from kapdesk.core.protocol import Protocol
from kapdesk.core.protocol_stored import stored_protocol
from kapdesk.core.session import (
    RUNNING_STATES,
    SIGNABLE_STATES,
    SIGNED_KINDS,
    ClockAdjustment,
    Session,
    State,
    Timeline,
    check_t0_correction,
    check_transition,
)
from kapdesk.core.text_rules import check_patient_code, check_reason
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.signature import event_digest
from kapdesk.store.timefmt import from_db, to_db


@dataclass(frozen=True)
class SessionEvent:
    id: int
    session_id: int
    at: datetime
    kind: str
    cue_key: str | None
    user_id: int | None
    data: dict[str, Any]


class SessionNotFound(KapdeskError, KeyError):
    """No session has this id (a KeyError too, for the callers that look one up)."""

    def __str__(self) -> str:
        return str(self.args[0])


class SpacingError(KapdeskError):
    """The protocol's spacing rules apply: going ahead needs a reason."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        super().__init__(" ".join(warnings) + " To go ahead, give a reason.")


class PreparationError(KapdeskError):
    """The dose is about to be given with the preparation incomplete: it needs a reason."""

    def __init__(self, gaps: list[str]) -> None:
        self.gaps = gaps
        super().__init__("The preparation is incomplete: " + "; ".join(gaps)
                         + ". To give the dose anyway, give a reason.")


_HEARTBEAT = "clock_heartbeat"  # a row of the settings table, not a clinic setting
_SIGNABLE_SQL = ", ".join(repr(state.value) for state in sorted(SIGNABLE_STATES))
_SIGNED_KINDS_SQL = ", ".join(repr(kind) for kind in sorted(SIGNED_KINDS))
_SELECT = ("SELECT s.id, s.protocol_json, s.state, s.planned_at, s.t0, p.code, s.kind "
           "FROM sessions s JOIN patients p ON p.id = s.patient_id ")


class SessionStore:
    def __init__(self, db: Database, clock: Clock,
                 audit: AuditTrail | None = None) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit or AuditTrail(db, clock)
        self._protocols: dict[str, Protocol] = {}  # a stored template's text, read back

    def _protocol(self, text: str) -> Protocol:
        """The stored template read back (a frozen value), once per text: a save reads its
        session, and reading the template back is most of that."""
        found = self._protocols.get(text)
        if found is None:
            if len(self._protocols) >= 8:
                self._protocols.clear()
            found = self._protocols[text] = stored_protocol(text)
        return found

    # -- reading ---------------------------------------------------------------------

    def get(self, session_id: int) -> Session:
        row = self._db.execute(_SELECT + "WHERE s.id = ?", [session_id]).fetchone()
        if row is None:
            raise SessionNotFound(f"There is no session {session_id} in the record.")
        return self._session(row)

    def _session(self, row: sqlite3.Row | tuple[Any, ...]) -> Session:
        (sid, proto_json, state, planned_at, t0, code, kind) = row
        events = self.events(sid, kinds=("clock_jump", "transition"))
        adjustments = tuple(
            ClockAdjustment(e.at, float(e.data["seconds"]), e.id,
                            e.data.get("observations_before"))
            for e in events if e.kind == "clock_jump")
        start = from_db(t0) if t0 else None
        discharge = next((e for e in reversed(events) if e.kind == "transition"
                          and e.data.get("to") == State.DISCHARGED.value), None)
        discharged_s = None
        if discharge is not None and start is not None:
            discharged_s = max(0.0, Timeline(start, adjustments).elapsed_at(
                discharge.at, event=discharge.id))
        return Session(
            id=sid, patient_code=code, protocol=self._protocol(proto_json),
            state=State(state), planned_at=from_db(planned_at),
            t0=start, adjustments=adjustments, discharged_s=discharged_s, kind=kind)

    def running(self) -> Session | None:
        """The session occupying the room, if any."""
        marks = ",".join("?" * len(RUNNING_STATES))
        row = self._db.execute(
            _SELECT + f"WHERE s.state IN ({marks})", [s.value for s in RUNNING_STATES]).fetchone()
        return self._session(row) if row else None

    def planned(self) -> list[Session]:
        rows = self._db.execute(
            _SELECT + "WHERE s.state = 'planned' ORDER BY s.planned_at, s.id").fetchall()
        return [self._session(r) for r in rows]

    def unsigned(self, limit: int = 30) -> list[Session]:
        """Discharged or closed dosing sessions with no signature yet, newest first.

        `+s.state` keeps SQLite off the state index: through it, it would read (and sort)
        every closed session of the record, years of them, to keep the newest 30; walking
        the sessions newest first, it stops at the 30th unsigned one (the room's first
        frame shows this list: 1 ms on ten years of record instead of 60-100 ms)."""
        rows = self._db.execute(
            _SELECT + "LEFT JOIN signatures g ON g.session_id = s.id WHERE g.id IS NULL "
            f"AND s.kind IN ({_SIGNED_KINDS_SQL}) AND +s.state IN ({_SIGNABLE_SQL}) "
            "ORDER BY s.id DESC LIMIT ?", [limit]).fetchall()
        return [self._session(r) for r in rows]

    def events(self, session_id: int, kinds: tuple[str, ...] | None = None,
               ) -> list[SessionEvent]:
        sql = ("SELECT id, session_id, at, kind, cue_key, user_id, data FROM session_events "
               "WHERE session_id = ?")
        params: list[Any] = [session_id]
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params += list(kinds)
        return [SessionEvent(r[0], r[1], from_db(r[2]), r[3], r[4], r[5], json.loads(r[6]))
                for r in self._db.execute(sql + " ORDER BY id", params).fetchall()]

    def cue_events(self, session: Session) -> list[CueEvent]:
        kinds = tuple(k.value for k in CueEventKind)
        timeline = session.timeline
        return [CueEvent(e.cue_key or "", CueEventKind(e.kind),
                         timeline.elapsed_at(e.at, event=e.id), e.data)
                for e in self.events(session.id, kinds)]

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM sessions").fetchone()[0])

    # -- writing ---------------------------------------------------------------------

    def _event(self, session_id: int, kind: str, user_id: int | None,
               data: dict[str, Any] | None = None, cue_key: str | None = None,
               at: datetime | None = None) -> SessionEvent:
        at = at or self._clock.now()
        payload = json.dumps(data or {}, ensure_ascii=False, sort_keys=True)
        cursor = self._db.execute(
            "INSERT INTO session_events (session_id, at, kind, cue_key, user_id, data) "
            "VALUES (?, ?, ?, ?, ?, ?)", [session_id, to_db(at), kind, cue_key, user_id, payload])
        eid = int(cursor.lastrowid or 0)
        row = [eid, session_id, to_db(at), kind, cue_key, user_id, json.loads(payload)]
        self._audit.append(user_id, "record", "session_event", eid, None,
                           {"session": session_id, "kind": kind, "row": event_digest(row)})
        return SessionEvent(eid, session_id, at, kind, cue_key, user_id, data or {})

    def _patient_id(self, code: str) -> int:
        code = check_patient_code(code)
        row = self._db.execute("SELECT id FROM patients WHERE code = ?", [code]).fetchone()
        if row:
            return int(row[0])
        cursor = self._db.execute("INSERT INTO patients (code, created_at) VALUES (?, ?)",
                                  [code, to_db(self._clock.now())])
        return int(cursor.lastrowid or 0)

    def dose_times(self, patient_code: str) -> list[datetime]:
        rows = self._db.execute(
            "SELECT s.t0 FROM sessions s JOIN patients p ON p.id = s.patient_id "
            "WHERE p.code = ? AND s.kind = 'dosing' AND s.t0 IS NOT NULL ORDER BY s.t0",
            [patient_code.strip()]).fetchall()
        return [from_db(r[0]) for r in rows]

    def integration_since(self, patient_code: str, since: datetime) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM sessions s JOIN patients p ON p.id = s.patient_id "
            "WHERE p.code = ? AND s.kind = 'integration' AND s.planned_at > ? LIMIT 1",
            [patient_code.strip(), to_db(since)]).fetchone()
        return row is not None

    def spacing(self, patient_code: str, protocol: Protocol) -> list[str]:
        """The protocol's spacing rules for a dosing session planned now, in words."""
        doses = self.dose_times(patient_code)
        now = self._clock.now()
        since_last = bool(doses) and self.integration_since(patient_code, doses[-1])
        return spacing_warnings(now, doses, since_last, protocol.spacing)

    def plan(self, patient_code: str, protocol: Protocol, user_id: int, *,
             course_id: int | None = None, spacing_reason: str | None = None) -> Session:
        """Plan a dosing session. When spacing rules apply, going ahead needs a reason."""
        if not patient_code.strip():
            raise TransitionError("A session needs a patient code.")
        patient_code = check_patient_code(patient_code)
        spacing_reason = check_reason(spacing_reason, "The reason to go ahead")
        warnings = self.spacing(patient_code, protocol)
        if warnings and not (spacing_reason and spacing_reason.strip()):
            raise SpacingError(warnings)
        now = self._clock.now()
        data: dict[str, Any] = {"from": None, "to": "planned"}
        if warnings:
            data.update(spacing_warnings=warnings, spacing_reason=(spacing_reason or "").strip())
        with self._db.atomic():
            pid = self._patient_id(patient_code)
            number = None
            if course_id is not None:
                # after the highest number still in use, so numbers never repeat
                number = 1 + self._db.execute(
                    "SELECT coalesce(max(number), 0) FROM sessions WHERE course_id = ? "
                    "AND kind = 'dosing' AND state != 'cancelled'", [course_id]).fetchone()[0]
            cursor = self._db.execute(
                "INSERT INTO sessions (patient_id, protocol_id, protocol_json, state, "
                "planned_at, created_by, course_id, number) "
                "VALUES (?, ?, ?, 'planned', ?, ?, ?, ?)",
                [pid, protocol.id, json.dumps(protocol.to_dict()), to_db(now), user_id,
                 course_id, number])
            sid = int(cursor.lastrowid or 0)
            self._event(sid, "transition", user_id, data, at=now)
            self._audit.append(user_id, "create", "session", sid, None,
                               {"patient": patient_code.strip(), "protocol": protocol.id,
                                **{k: v for k, v in data.items() if k.startswith("spacing")}})
        return self.get(sid)

    def preparation_gaps(self, session_id: int, ticked: Mapping[str, bool]) -> list[str]:
        """What is missing before the dose of this session, in words (core.checklists)."""
        session = self.get(session_id)
        row = self._db.execute(
            "SELECT data FROM observations WHERE session_id = ? AND kind = 'screening' "
            "ORDER BY id DESC LIMIT 1", [session_id]).fetchone()
        screening = json.loads(row[0]).get("items", {}) if row else None
        vitals = self._db.execute("SELECT 1 FROM observations WHERE session_id = ? AND "
                                  "kind = 'vitals' LIMIT 1", [session_id]).fetchone()
        return preparation_gaps(session.protocol.preparation, ticked, screening,
                                vitals is not None)

    def transition(self, session_id: int, target: State, user_id: int,
                   reason: str | None = None,
                   preparation: Mapping[str, bool] | None = None) -> Session:
        """Move the session on, if the state machine allows it now; stored with who and when.

        The dose given in the room passes its `preparation` ticks: when the preparation is
        incomplete (core.checklists.preparation_gaps) the dose needs a reason. What was
        missing is stored with every dose, whoever records it.
        """
        now = self._clock.now()
        session = self.get(session_id)
        reason = check_reason(reason) or None
        check_transition(session, target, now, reason)
        data: dict[str, Any] = {"from": session.state.value, "to": target.value}
        if target is State.DOSED:
            gaps = self.preparation_gaps(session_id, preparation or {})
            if gaps and preparation is not None and not reason:
                raise PreparationError(gaps)
            if preparation is not None:
                data["preparation"] = {str(k): bool(v) for k, v in preparation.items()}
            if gaps:
                data["preparation_gaps"] = gaps
        if reason:
            data["reason"] = reason.strip()
        if target is State.DISCHARGED:
            data["monitoring_minutes"] = round(session.elapsed(now) / 60, 1)
        try:
            with self._db.atomic():
                self._db.execute("UPDATE sessions SET state = ? WHERE id = ?",
                                 [target.value, session_id])
                if target is State.DOSED:
                    self._db.execute("UPDATE sessions SET t0 = ? WHERE id = ?",
                                     [to_db(now), session_id])
                    data["t0"] = to_db(now)
                self._event(session_id, "transition", user_id, data, at=now)
                self._audit.append(user_id, "transition", "session", session_id,
                                   {"state": session.state.value}, data)
        except sqlite3.IntegrityError:
            other = self.running()
            who = (f"Session {other.id} for patient {other.patient_code} is "
                   f"{other.state.label.lower()}" if other else "Another session is running")
            raise SessionConflictError(
                f"{who} in this room. Close or cancel it before starting another.") from None
        return self.get(session_id)

    def correct_t0(self, session_id: int, new_t0: datetime, user_id: int, reason: str,
                   ) -> Session:
        session = self.get(session_id)
        now = self._clock.now()
        reason = check_reason(reason)
        check_t0_correction(session, new_t0, now, reason)
        assert session.t0 is not None
        with self._db.atomic():
            self._db.execute("UPDATE sessions SET t0 = ? WHERE id = ?",
                             [to_db(new_t0), session_id])
            change: dict[str, Any] = {"old": to_db(session.t0), "new": to_db(new_t0),
                                      "reason": reason}
            if new_t0 < session.planned_at:
                change["before_planned"] = True
            self._event(session_id, "t0_corrected", user_id, change, at=now)
            self._audit.append(user_id, "correct", "session.t0", session_id,
                               {"t0": change["old"]}, {"t0": change["new"],
                                                       "reason": change["reason"]})
        return self.get(session_id)

    def record_cue(self, session_id: int, cue_key: str, kind: CueEventKind,
                   user_id: int | None, data: dict[str, Any] | None = None) -> SessionEvent:
        if data and "reason" in data:
            data = {**data, "reason": check_reason(data["reason"], "The reason to skip")}
        with self._db.atomic():
            return self._event(session_id, kind.value, user_id, data, cue_key=cue_key)

    def record_clock(self, session_id: int, kind: str, seconds: float, at: datetime,
                     user_id: int | None = None, detail: Mapping[str, Any] | None = None,
                     beat: Heartbeat | None = None, missed: Sequence[tuple[str, float]] = (),
                     why: str = "") -> SessionEvent:
        """A suspend or a clock jump, seen while the session ran (or found at start: the
        clock was set while the app was closed; `detail` says how it was judged). In the
        same transaction: `beat`, the clocks read after it (so that no later start counts
        it again), and the cues `missed` meanwhile (key, due second), `why` in words."""
        data: dict[str, Any] = {**(detail or {}), "seconds": round(seconds, 3)}
        with self._db.atomic():
            if beat is not None:
                self.save_heartbeat(beat)
            if kind == "clock_jump":
                data["observations_before"] = int(self._db.execute(
                    "SELECT coalesce(max(id), 0) FROM observations WHERE session_id = ?",
                    [session_id]).fetchone()[0])
            event = self._event(session_id, kind, user_id, data, at=at)
            self._missed(session_id, missed, why, at)
            return event

    def record_closure(self, session_id: int, user_id: int | None, at: datetime,
                       jump_s: float | None, found: Mapping[str, Any],
                       missed: Sequence[tuple[str, float]], beat: Heartbeat) -> None:
        """What the start found about the time the app was closed, in one transaction with
        the heartbeat `beat` it was judged by (so no later start finds it again): the
        clock's change (`jump_s`; else the gap, as `closed_gap`, when `found` says one),
        who was signed in, and the cues missed meanwhile (key, due second)."""
        why = "KAPdesk was closed"
        if jump_s is not None:
            self.record_clock(session_id, "clock_jump", jump_s, at, user_id, found, beat,
                              missed, why)
            return
        with self._db.atomic():
            self.save_heartbeat(beat)
            if found:
                self._event(session_id, "closed_gap", user_id, dict(found), at=at)
            self._missed(session_id, missed, why, at)

    def _missed(self, session_id: int, missed: Sequence[tuple[str, float]], why: str,
                at: datetime) -> None:
        for key, due_s in missed:
            self._event(session_id, CueEventKind.MISSED.value, None,
                        {"due_s": round(due_s, 3), "reason": why}, cue_key=key, at=at)

    def template_problems(self) -> list[tuple[int, str]]:
        """(session id, what is wrong) for each stored template that reads back with parts
        left out (for `kapdesk check`)."""
        rows = self._db.execute("SELECT id, protocol_json FROM sessions ORDER BY id")
        return [(int(sid), problem) for sid, text in rows
                for problem in stored_protocol(text).problems]

    # -- the clocks' heartbeat, compared at the next start --------------------------------

    def heartbeat(self) -> Heartbeat | None:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?",
                               [_HEARTBEAT]).fetchone()
        if row is None:
            return None
        try:
            return Heartbeat.from_dict(json.loads(row[0]))
        except ValueError:
            return None

    def save_heartbeat(self, beat: Heartbeat) -> None:
        with self._db.atomic():
            self._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [_HEARTBEAT, json.dumps(beat.to_dict())])

    def iter_all(self) -> Iterator[Session]:
        """Every session, oldest first (for checks over the whole record)."""
        rows = self._db.execute(_SELECT + "ORDER BY s.id").fetchall()
        for row in rows:
            yield self._session(row)
