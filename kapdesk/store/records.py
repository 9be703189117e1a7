"""The clinical record of a session: observations, corrections, amendments, alerts, the
free-text note and the signature. Every write is one transaction with its audit row.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from kapdesk.core.alerts import Finding, Reading, Thresholds, evaluate_moaas, evaluate_vitals
from kapdesk.core.clock import Clock
from kapdesk.core.errors import ValidationError
from kapdesk.core.observations import Kind, Observation, check_values
from kapdesk.core.record_values import Alert as Alert
from kapdesk.core.record_values import Saved as Saved
from kapdesk.core.record_values import Signature as Signature
from kapdesk.core.report import current_entries
from kapdesk.core.session import SIGNABLE_STATES, Session, signable
from kapdesk.core.text_rules import check_note, check_reason
from kapdesk.store import signature as signed_record
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.sessions import SessionStore
from kapdesk.store.timefmt import from_db, to_db

SIGN_MEANING = signed_record.MEANING


_OBS_COLS = "id, session_id, kind, observed_at, recorded_at, user_id, data, corrects, reason, " \
            "amendment"


def _row_of(o: Observation) -> list[Any]:
    """The observation's columns as kapdesk.store.signature.observation_digest reads them."""
    return [o.id, o.session_id, o.kind.value, to_db(o.observed_at), to_db(o.recorded_at),
            o.user_id, dict(o.values), o.corrects, o.reason, int(o.amendment)]


def _observation(row: tuple[Any, ...]) -> Observation:
    (oid, sid, kind, observed, recorded, user, data, corrects, reason, amendment) = row
    return Observation(oid, sid, Kind(kind), from_db(observed), from_db(recorded), user,
                       json.loads(data), corrects, reason, bool(amendment))


class RecordStore:
    def __init__(self, db: Database, clock: Clock, sessions: SessionStore,
                 audit: AuditTrail, thresholds: Thresholds | None = None) -> None:
        self._db = db
        self._clock = clock
        self._sessions = sessions
        self._audit = audit
        self.thresholds = thresholds or Thresholds()

    @property
    def database(self) -> Database:
        """The database these records are in (for read-only checks such as the REMS one)."""
        return self._db

    # -- reading ---------------------------------------------------------------------

    def get(self, observation_id: int) -> Observation:
        row = self._db.execute(f"SELECT {_OBS_COLS} FROM observations WHERE id = ?",
                               [observation_id]).fetchone()
        if row is None:
            raise ValidationError(f"There is no entry {observation_id}.")
        return _observation(row)

    def all(self, session_id: int) -> list[Observation]:
        """Every row, originals and corrections alike, in the order they were written."""
        rows = self._db.execute(f"SELECT {_OBS_COLS} FROM observations WHERE session_id = ? "
                                "ORDER BY id", [session_id]).fetchall()
        return [_observation(r) for r in rows]

    def current(self, session_id: int, kind: Kind | None = None) -> list[Observation]:
        """The entries as they stand now: each chain's latest version, by observed time.
        A correction keeps its original's kind, so one kind's chains are read alone."""
        if kind is None:
            rows = self.all(session_id)
        else:
            rows = [_observation(r) for r in self._db.execute(
                f"SELECT {_OBS_COLS} FROM observations WHERE session_id = ? AND kind = ? "
                "ORDER BY id", [session_id, kind.value]).fetchall()]
        return list(current_entries(tuple(rows)))

    def chain(self, observation_id: int) -> list[Observation]:
        """The original and each correction of it, oldest first."""
        found = [self.get(observation_id)]
        while found[0].corrects is not None:
            found.insert(0, self.get(found[0].corrects))
        later = {o.corrects: o for o in self.all(found[0].session_id) if o.corrects}
        while found[-1].id in later:
            found.append(later[found[-1].id])
        return found

    def alerts(self, session_id: int) -> list[Alert]:
        rows = self._db.execute(
            "SELECT a.id, a.session_id, a.observation_id, a.rule, a.severity, a.message, "
            "a.raised_at, a.confirm_due_at, k.at, k.user_id, u.display_name FROM alerts a "
            "LEFT JOIN alert_acks k ON k.alert_id = a.id LEFT JOIN users u ON u.id = k.user_id "
            "WHERE a.session_id = ? ORDER BY a.id", [session_id]).fetchall()
        return [Alert(r[0], r[1], r[2], r[3], r[4], r[5], from_db(r[6]),
                      from_db(r[7]) if r[7] else None, from_db(r[8]) if r[8] else None,
                      r[9], r[10] or "")
                for r in rows]

    def confirming_reading_due(self, session_id: int) -> datetime | None:
        """When a confirming blood-pressure reading is due, if one is still awaited: the
        last alert that asked for one, with no blood pressure recorded since."""
        pending = [a for a in self.alerts(session_id) if a.confirm_due_at is not None]
        if not pending:
            return None
        last = pending[-1]
        later = [o for o in self.current(session_id, Kind.VITALS)
                 if "systolic" in o.values and o.id != last.observation_id
                 and o.observed_at > last.raised_at - timedelta(seconds=1)]
        return None if later else last.confirm_due_at

    def signature(self, session_id: int) -> Signature | None:
        row = self._db.execute(
            "SELECT session_id, user_id, name, meaning, signed_at, content_hash FROM signatures "
            "WHERE session_id = ?", [session_id]).fetchone()
        return Signature(row[0], row[1], row[2], row[3], from_db(row[4]), row[5]) if row else None

    def note(self, session_id: int) -> str:
        row = self._db.execute("SELECT text FROM session_notes WHERE session_id = ?",
                               [session_id]).fetchone()
        return str(row[0]) if row else ""

    # -- checks ----------------------------------------------------------------------

    def _check_time(self, session_id: int, observed_at: datetime) -> Session:
        """The session, once `observed_at` is a time an entry of it may have."""
        session = self._sessions.get(session_id)
        now = self._clock.now()
        if observed_at > now + timedelta(seconds=1):
            raise ValidationError(
                f"The time {observed_at.astimezone():%H:%M} is in the future: entries are "
                "recorded for what has happened.")
        if observed_at < session.planned_at - timedelta(hours=12):
            raise ValidationError(
                f"The time {observed_at.astimezone():%Y-%m-%d %H:%M} is before this session "
                f"(planned {session.planned_at.astimezone():%Y-%m-%d %H:%M}).")
        return session

    def _unsigned(self, session_id: int) -> None:
        if self.signature(session_id) is not None:
            raise ValidationError("This session is signed and locked: a change must be an "
                                  "amendment, with a reason.")

    # -- writing ---------------------------------------------------------------------

    def _insert(self, session_id: int, kind: Kind, values: Mapping[str, Any], user_id: int,
                observed_at: datetime, corrects: int | None = None, reason: str = "",
                amendment: bool = False, oid: int | None = None,
                now: datetime | None = None) -> Observation:
        now = now or self._clock.now()
        try:
            cursor = self._db.execute(
                "INSERT INTO observations (id, session_id, kind, observed_at, recorded_at, "
                "user_id, data, corrects, reason, amendment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [oid, session_id, kind.value, to_db(observed_at), to_db(now), user_id,
                 json.dumps(dict(values), ensure_ascii=False, sort_keys=True), corrects, reason,
                 int(amendment)])
        except sqlite3.IntegrityError as exc:
            raise ValidationError(str(exc)) from None
        return self.get(int(cursor.lastrowid or 0))

    def _amendment(self, session_id: int, kind: Kind, values: Mapping[str, Any],
                   user_id: int, observed_at: datetime, corrects: int | None, reason: str,
                   old: Any = None, new: Mapping[str, Any] | None = None) -> Observation:
        """An amendment to a signed session: its audit row first, naming the row it comes
        before (the database lets the row in only right after it). In a transaction."""
        oid = int(self._db.execute("SELECT coalesce(max(id), 0) + 1 FROM observations"
                                   ).fetchone()[0])
        now = self._clock.now()
        stored = json.loads(json.dumps(dict(values), ensure_ascii=False, sort_keys=True))
        row = signed_record.observation_digest(
            [oid, session_id, kind.value, to_db(observed_at), to_db(now), user_id, stored,
             corrects, reason, 1])
        self._audit.append(user_id, "amend", f"observation:{kind.value}", oid, old,
                           {**(new or {}), "session": session_id, "row": row})
        return self._insert(session_id, kind, values, user_id, observed_at, corrects, reason,
                            True, oid=oid, now=now)

    def _audited(self, obs: Observation, user_id: int, action: str, old: Any,
                 new: Mapping[str, Any]) -> None:
        self._audit.append(user_id, action, f"observation:{obs.kind.value}", obs.id, old,
                           {**new, "session": obs.session_id,
                            "row": signed_record.observation_digest(_row_of(obs))})

    def record(self, session_id: int, kind: Kind, values: Mapping[str, Any], user_id: int,
               observed_at: datetime | None = None) -> Saved:
        """Check, store and audit one entry; raise its alerts. Committed on return."""
        clean = check_values(kind, values)
        when = observed_at or self._clock.now()
        session = self._check_time(session_id, when)
        self._unsigned(session_id)
        with self._db.atomic():
            obs = self._insert(session_id, kind, clean, user_id, when)
            self._audited(obs, user_id, "create", None,
                          {"values": clean, "observed_at": to_db(when)})
            alerts = self._raise_alerts(obs, session)
        return Saved(obs, alerts)

    def correct(self, observation_id: int, user_id: int, reason: str,
                values: Mapping[str, Any] | None = None,
                observed_at: datetime | None = None) -> Saved:
        """A corrected value or time, before sign-off. The original stays in the record."""
        old = self.chain(observation_id)[-1]
        self._unsigned(old.session_id)
        return self._revise(old, user_id, reason, values, observed_at, amendment=False)

    def amend(self, observation_id: int, user_id: int, reason: str,
              values: Mapping[str, Any] | None = None,
              observed_at: datetime | None = None) -> Saved:
        """A change after sign-off: needs a reason; the signed original stays visible."""
        old = self.chain(observation_id)[-1]
        if self.signature(old.session_id) is None:
            return self.correct(observation_id, user_id, reason, values, observed_at)
        if not reason.strip():
            raise ValidationError("An amendment to a signed session needs a reason.")
        return self._revise(old, user_id, reason, values, observed_at, amendment=True)

    def add_amendment(self, session_id: int, kind: Kind, values: Mapping[str, Any],
                      user_id: int, reason: str, observed_at: datetime | None = None) -> Saved:
        """A new entry added to a signed session (e.g. a late note)."""
        reason = check_reason(reason)
        if not reason:
            raise ValidationError("An amendment to a signed session needs a reason.")
        clean = check_values(kind, values)
        when = observed_at or self._clock.now()
        self._check_time(session_id, when)
        new = {"values": clean, "reason": reason.strip()}
        with self._db.atomic():
            if self.signature(session_id) is not None:
                obs = self._amendment(session_id, kind, clean, user_id, when, None,
                                      reason.strip(), None, new)
            else:
                obs = self._insert(session_id, kind, clean, user_id, when, None, reason.strip())
                self._audited(obs, user_id, "amend", None, new)
        return Saved(obs, ())

    def _revise(self, old: Observation, user_id: int, reason: str,
                values: Mapping[str, Any] | None, observed_at: datetime | None,
                amendment: bool) -> Saved:
        reason = check_reason(reason)
        if not reason:
            raise ValidationError("A correction needs a reason.")
        clean = check_values(old.kind, values) if values is not None else dict(old.values)
        when = observed_at or old.observed_at
        self._check_time(old.session_id, when)
        was = {"id": old.id, "values": dict(old.values), "observed_at": to_db(old.observed_at)}
        new = {"values": clean, "observed_at": to_db(when), "reason": reason.strip()}
        with self._db.atomic():
            if amendment:
                obs = self._amendment(old.session_id, old.kind, clean, user_id, when, old.id,
                                      reason.strip(), was, new)
            else:
                obs = self._insert(old.session_id, old.kind, clean, user_id, when, old.id,
                                   reason.strip())
                self._audited(obs, user_id, "correct", was, new)
        return Saved(obs, ())

    def _raise_alerts(self, obs: Observation, session: Session) -> tuple[Alert, ...]:
        """The alerts `obs` raises; `session` is its session as read for this save."""
        findings: list[Finding] = []
        if obs.kind is Kind.VITALS:
            line = session.timeline  # session time: right after any clock change

            def at(o: Observation) -> float:
                return line.elapsed_at(o.observed_at, observation=o.id)
            dosed = session.t0 is not None and at(obs) >= 0
            vitals = [o for o in self.current(obs.session_id, Kind.VITALS) if o.id != obs.id]
            baseline = next((o.values for o in vitals if "systolic" in o.values and (
                session.t0 is None or at(o) < 0)), None)
            earlier = [Reading(o.observed_at, o.values) for o in vitals
                       if at(o) <= at(obs) and (session.t0 is None or at(o) >= 0)]
            findings = evaluate_vitals(obs.values, obs.observed_at, dosed=dosed,
                                       baseline=baseline, earlier=earlier, t=self.thresholds)
        elif obs.kind is Kind.MOAAS:
            findings = evaluate_moaas(int(obs.values["score"]), self.thresholds)
        raised = []
        for f in findings:
            due = (obs.observed_at + timedelta(minutes=f.confirm_within_min)
                   if f.confirm_within_min else None)
            cursor = self._db.execute(
                "INSERT INTO alerts (session_id, observation_id, rule, severity, message, "
                "raised_at, confirm_due_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [obs.session_id, obs.id, f.rule, f.severity, f.message,
                 to_db(self._clock.now()), to_db(due) if due else None])
            aid = int(cursor.lastrowid or 0)
            self._audit.append(None, "alert", "alert", aid, None,
                               {"rule": f.rule, "observation": obs.id,
                                "session": obs.session_id})
            raised.append(Alert(aid, obs.session_id, obs.id, f.rule, f.severity, f.message,
                                self._clock.now(), due, None))
        return tuple(raised)

    def acknowledge_alert(self, alert_id: int, user_id: int) -> Alert:
        """Store who acknowledged the alert and when, audited; returns the alert as stored.
        Idempotent: the first acknowledgement (and its audit row) is the one kept, and no
        acknowledgement is ever changed or removed (0006's triggers)."""
        row = self._db.execute("SELECT session_id FROM alerts WHERE id = ?",
                               [alert_id]).fetchone()
        if row is None:
            raise ValidationError(f"There is no alert {alert_id}.")
        if self._db.execute("SELECT 1 FROM users WHERE id = ?", [user_id]).fetchone() is None:
            raise ValidationError(f"Alert {alert_id}: there is no user {user_id} to "
                                  "acknowledge it.")
        with self._db.atomic():
            at = to_db(self._clock.now())
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO alert_acks (alert_id, at, user_id) VALUES (?, ?, ?)",
                [alert_id, at, user_id])
            if cursor.rowcount == 1:
                self._audit.append(user_id, "acknowledge", "alert", alert_id, None,
                                   {"at": at, "user_id": user_id})
        return next(a for a in self.alerts(int(row[0])) if a.id == alert_id)

    def save_note(self, session_id: int, text: str, user_id: int) -> None:
        """The free-text note, autosaved while the session is unsigned; at most MAX_NOTE
        characters (kapdesk.core.text_rules), refused in words past it."""
        text = check_note(text, "The session note")
        self._unsigned(session_id)
        if text == self.note(session_id):
            return
        with self._db.atomic():
            self._db.execute(
                "INSERT INTO session_notes (session_id, text, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET text = excluded.text,"
                " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                [session_id, text, to_db(self._clock.now()), user_id])
            self._audit.append(user_id, "save", "note", session_id, None, {
                "chars": len(text),
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})

    def content_hash(self, session_id: int) -> str:
        """The hash a signature would carry now: of the whole record as written, without
        amendments (kapdesk.store.signature)."""
        return signed_record.content_hash(session_id,
                                          signed_record.part_hashes(self._db, session_id))

    def verify_signature(self, session_id: int) -> signed_record.SignatureCheck | None:
        """Recompute the signed record: valid, or which parts differ. None if unsigned."""
        return signed_record.verify(self._db, session_id)

    def sign(self, session_id: int, user_id: int, name: str) -> Signature:
        """Sign the whole record (kapdesk.store.signature), meaning 'Reviewed and signed as
        the session note'; from then on the session is locked."""
        if not name.strip():
            raise ValidationError("A signature needs the signer's name.")
        session = self._sessions.get(session_id)
        if self.signature(session_id) is not None:
            raise ValidationError("This session is already signed.")
        if not signable(session.kind, session.state, signed=False):
            raise ValidationError("An integration session needs no signature."
                                  if session.state in SIGNABLE_STATES else
                                  "A session can be signed after discharge.")
        with self._db.atomic():
            parts = signed_record.part_hashes(self._db, session_id)
            digest = signed_record.content_hash(session_id, parts)
            at = to_db(self._clock.now())
            self._db.execute(
                "INSERT INTO signatures (session_id, user_id, name, meaning, signed_at, "
                "content_hash, version, parts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [session_id, user_id, name, SIGN_MEANING, at, digest,
                 signed_record.VERSION, signed_record.canonical(parts)])
            self._audit.append(user_id, "sign", "session", session_id, None,
                               {"name": name, "meaning": SIGN_MEANING, "content_hash": digest,
                                "signed_at": at})
        signature = self.signature(session_id)
        assert signature is not None
        return signature
