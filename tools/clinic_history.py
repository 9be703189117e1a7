"""Ten years of a busy clinic's record, invented: the rows, as the stores would write them.

Everything is made up: codes, names, dates, readings. Each session is built the way the
stores build it (kapdesk/store/sessions.py, records.py, patients.py): the same columns, the
same JSON (sort_keys), the same audit actions and payloads, the same content hash under a
signature. Alerts come from the real rules (kapdesk.core.alerts). Rows are collected in
`Rows`; tools/make_10y_db.py inserts them and chains the audit trail.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from clinic_values import FILLER, NOTES, SKIPS, dose_values, vitals

from kapdesk.core.alerts import Reading, Thresholds, evaluate_moaas, evaluate_vitals
from kapdesk.core.checklists import DISCHARGE_ITEMS, SCREENING_ITEMS
from kapdesk.core.cues import expand_schedule
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.store.records import SIGN_MEANING


def ts(instant: datetime) -> str:
    """As kapdesk.store.timefmt.to_db writes a UTC instant."""
    return instant.isoformat(timespec="microseconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass
class Rows:
    users: list[tuple[Any, ...]] = field(default_factory=list)
    patients: list[tuple[Any, ...]] = field(default_factory=list)
    courses: list[tuple[Any, ...]] = field(default_factory=list)
    sessions: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    observations: list[tuple[Any, ...]] = field(default_factory=list)
    alerts: list[tuple[Any, ...]] = field(default_factory=list)
    acks: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    signatures: list[tuple[Any, ...]] = field(default_factory=list)
    plays: list[tuple[Any, ...]] = field(default_factory=list)
    # (at, user_id, action, entity, entity_id, old, new): chained in time order on insert
    audit: list[tuple[datetime, int | None, str, str, int | None, Any, Any]] = \
        field(default_factory=list)

    def log(self, at: datetime, user: int | None, action: str, entity: str,
            entity_id: int | None, old: Any = None, new: Any = None) -> None:
        self.audit.append((at, user, action, entity, entity_id, old, new))


class SessionWriter:
    """Appends one session's rows, as the stores write them, to `rows`."""

    def __init__(self, rows: Rows, rng: random.Random, thresholds: Thresholds) -> None:
        self.rows = rows
        self.rng = rng
        self.t = thresholds
        self.next_obs = 1
        self.next_event = 1
        self.next_alert = 1
        self.proto_json: dict[str, str] = {}
        self.schedules: dict[str, tuple[Any, ...]] = {}
        self._entries: list[tuple[Any, ...]] = []  # this session's, for its content hash
        self.signs = self.amend = False  # this session: signed; amended after sign-off

    def schedule(self, protocol: Protocol) -> tuple[Any, ...]:
        if protocol.id not in self.schedules:
            self.schedules[protocol.id] = expand_schedule(protocol)
        return self.schedules[protocol.id]

    def event(self, sid: int, at: datetime, kind: str, user: int | None,
              data: dict[str, Any], cue: str | None = None) -> None:
        self.rows.events.append((self.next_event, sid, ts(at), kind, cue, user, dumps(data)))
        self.next_event += 1

    def transition(self, sid: int, at: datetime, user: int, old: str | None, new: str,
                   **extra: Any) -> None:
        data = {"from": old, "to": new, **extra}
        self.event(sid, at, "transition", user, data)
        if old is not None:
            self.rows.log(at, user, "transition", "session", sid, {"state": old}, data)

    def observe(self, sid: int, kind: Kind, values: dict[str, Any], user: int,
                observed: datetime, recorded: datetime, corrects: int | None = None,
                reason: str = "", amendment: bool = False) -> int:
        oid = self.next_obs
        self.next_obs += 1
        observed_s = ts(observed)
        self.rows.observations.append((oid, sid, kind.value, observed_s, ts(recorded), user,
                                       dumps(values), corrects, reason, int(amendment)))
        self._entries.append([oid, kind.value, observed_s, user, values, corrects])
        if amendment:
            self.rows.log(recorded, user, "amend", f"observation:{kind.value}", oid, None,
                          {"values": values, "reason": reason})
        elif corrects is None:
            self.rows.log(recorded, user, "create", f"observation:{kind.value}", oid, None,
                          {"values": values, "observed_at": ts(observed)})
        return oid

    def alerts(self, sid: int, oid: int, findings: list[Any], at: datetime, user: int) -> None:
        for f in findings:
            aid = self.next_alert
            self.next_alert += 1
            due = at + timedelta(minutes=f.confirm_within_min) if f.confirm_within_min else None
            self.rows.alerts.append((aid, sid, oid, f.rule, f.severity, f.message, ts(at),
                                     ts(due) if due else None))
            self.rows.log(at, None, "alert", "alert", aid, None,
                          {"rule": f.rule, "observation": oid})
            if self.rng.random() < 0.95:
                acked = at + timedelta(seconds=self.rng.randint(5, 120))
                self.rows.acks.append((aid, ts(acked), user))
                self.rows.log(acked, user, "acknowledge", "alert", aid)

    def plan_for(self, protocol: Protocol, quota: int, t0: datetime,
                 weight: float) -> list[tuple[datetime, Kind, dict[str, Any]]]:
        """The entries after the dose: those the cues ask for, then filler up to `quota`."""
        rng = self.rng
        out: list[tuple[datetime, Kind, dict[str, Any]]] = [
            (t0, Kind.DOSE, dose_values(protocol, weight, rng))]
        for cue in self.schedule(protocol):
            at = t0 + timedelta(seconds=cue.due_s + rng.randint(20, 150))
            if cue.kind == "vitals":
                out.append((at, Kind.VITALS, {"rise": 25 if cue.due_s <= 2700 else 8}))
            elif cue.kind == "rating":
                peak = cue.due_s <= 2700
                out.append((at, Kind.MOAAS, {"score": 4 if peak else 5}))
                out.append((at, Kind.DISSOCIATION, {"severity": rng.choice(
                    ("moderate", "severe") if peak else ("none", "mild"))}))
            elif cue.kind == "medication" and protocol.drug == "esketamine":
                device = int(cue.key.split("#")[0].rsplit("-", 1)[-1])  # "device-2#1"
                out.append((at, Kind.DOSE, dose_values(protocol, weight, rng, device)))
            elif cue.kind == "checklist":
                out.append((at, Kind.DISCHARGE, {"items": dict.fromkeys(DISCHARGE_ITEMS, True)}))
        span = protocol.min_monitoring_minutes * 60
        weights = [w for w, _ in FILLER]
        while len(out) < quota:
            make = rng.choices(FILLER, weights)[0][1]
            kind, values = make(rng)
            if kind is Kind.VITALS:
                values = {"rise": 10, "monitor": True}
            out.append((t0 + timedelta(seconds=rng.uniform(60, span)), kind, values))
        del out[max(quota, 1):]
        out.sort(key=lambda e: e[0])
        return out

    def dosing(self, sid: int, code: str, patient: tuple[int, float], protocol: Protocol,
               course: int, number: int, planned: datetime, user: tuple[int, str],
               quota: int, cancelled: bool) -> None:
        """A dosing session with `quota` entries (or none, cancelled before preparing)."""
        rng, rows = self.rng, self.rows
        uid = user[0]
        self._entries = []
        if protocol.id not in self.proto_json:
            self.proto_json[protocol.id] = json.dumps(protocol.to_dict())
        proto = self.proto_json[protocol.id]
        self.transition(sid, planned, uid, None, "planned")
        rows.log(planned, uid, "create", "session", sid, None,
                 {"patient": code, "protocol": protocol.id})
        if cancelled:
            at = planned + timedelta(hours=rng.randint(2, 30))
            self.transition(sid, at, uid, "planned", "cancelled",
                            reason=rng.choice(("Patient unwell", "Blood pressure too high",
                                               "No escort available")))
            rows.sessions.append((sid, patient[0], protocol.id, proto, "cancelled",
                                  ts(planned), None, uid, course, "dosing", number))
            return
        prep = planned + timedelta(minutes=rng.randint(10, 30))
        self.transition(sid, prep, uid, "planned", "preparing")
        base = (rng.randint(108, 134), rng.randint(66, 84), rng.randint(60, 82))
        self.observe(sid, Kind.SCREENING, {"items": dict.fromkeys(SCREENING_ITEMS, True)},
                     uid, prep + timedelta(minutes=2), prep + timedelta(minutes=3))
        pre = vitals(rng, base)
        at = prep + timedelta(minutes=6)
        self.observe(sid, Kind.VITALS, pre, uid, at, at + timedelta(seconds=20))
        t0 = prep + timedelta(minutes=rng.randint(15, 30))
        self.transition(sid, t0, uid, "preparing", "dosed", t0=ts(t0))
        for cue in self.schedule(protocol):
            due = t0 + timedelta(seconds=cue.due_s)
            self.event(sid, due, "cue_due", None, {"due_s": cue.due_s}, cue.key)
            skipped = rng.random() < 0.05
            self.event(sid, due + timedelta(seconds=rng.randint(5, 90)),
                       "cue_skipped" if skipped else "cue_acknowledged", uid,
                       {"reason": rng.choice(SKIPS)} if skipped else {}, cue.key)
        earlier: list[Reading] = []
        fixes = sum(1 for _ in range(quota) if rng.random() < 0.008)  # corrections to come
        self.signs = rng.random() < 0.92  # a few are left unsigned, as in any clinic
        self.amend = self.signs and rng.random() < 0.012  # a late entry after sign-off
        planned_entries = self.plan_for(protocol, quota - 2 - fixes - self.amend, t0,
                                        patient[1])
        fix_at = set(rng.sample(range(len(planned_entries)), min(fixes, len(planned_entries))))
        for n, (at, kind, values) in enumerate(planned_entries):
            if kind is Kind.VITALS:
                values = vitals(rng, base, values["rise"], bp="monitor" not in values)
            recorded = at + timedelta(seconds=rng.randint(3, 40))
            oid = self.observe(sid, kind, values, uid, at, recorded)
            if kind is Kind.VITALS:
                found = evaluate_vitals(values, at, dosed=True, baseline=pre,
                                        earlier=earlier[-3:], t=self.t)
                earlier.append(Reading(at, values))
                self.alerts(sid, oid, found, recorded, uid)
            elif kind is Kind.MOAAS:
                self.alerts(sid, oid, evaluate_moaas(values["score"], self.t), recorded, uid)
            if n in fix_at:  # a slip of the finger, corrected a little later
                fixed = self.corrected(kind, values)
                later = recorded + timedelta(seconds=rng.randint(30, 300))
                cid = self.observe(sid, kind, fixed, uid, at, later, oid, "Typing error")
                rows.log(later, uid, "correct", f"observation:{kind.value}", cid,
                         {"id": oid, "values": values, "observed_at": ts(at)},
                         {"values": fixed, "observed_at": ts(at), "reason": "Typing error"})
        self.finish(sid, code, patient, protocol, course, number, planned, t0, user, proto)

    def corrected(self, kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
        if kind is Kind.VITALS:
            return {**values, "heart_rate": values["heart_rate"] + 1}
        if kind is Kind.MOAAS:
            return {"score": values["score"] - 1 if values["score"] > 0 else 1}
        if kind is Kind.RASS:
            return {"score": values["score"] - 1 if values["score"] > -5 else -4}
        return dict(values)  # the time was wrong, not the values

    def finish(self, sid: int, code: str, patient: tuple[int, float], protocol: Protocol,
               course: int, number: int, planned: datetime, t0: datetime,
               user: tuple[int, str], proto: str) -> None:
        rng, rows, uid = self.rng, self.rows, user[0]
        recovery = t0 + timedelta(minutes=protocol.phases[-1].start_min)
        self.transition(sid, recovery, uid, "dosed", "recovery")
        minutes = protocol.min_monitoring_minutes + rng.randint(0, 20)
        discharged = t0 + timedelta(minutes=minutes)
        self.transition(sid, discharged, uid, "recovery", "discharged",
                        monitoring_minutes=float(minutes))
        for phase in protocol.phases:  # the music of each phase, as the player logs it
            begin = t0 + timedelta(minutes=phase.start_min)
            end = min(t0 + timedelta(minutes=phase.end_min), discharged)
            if begin < end:
                track = f"music/{phase.key}/track-{rng.randint(1, 12):02d}.ogg"
                rows.plays.append((sid, phase.key, track, ts(begin), ts(end), "played", ""))
        closed = discharged + timedelta(minutes=5)
        self.transition(sid, closed, uid, "discharged", "closed")
        text = " ".join(rng.sample(NOTES, rng.randint(1, 3)))
        rows.notes.append((sid, text, ts(discharged), uid))
        rows.log(discharged, uid, "save", "note", sid, None, {
            "chars": len(text), "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
        rows.sessions.append((sid, patient[0], protocol.id, proto, "closed", ts(planned),
                              ts(t0), uid, course, "dosing", number))
        if self.signs:
            self.sign(sid, closed + timedelta(minutes=rng.randint(10, 180)), user, text)

    def sign(self, sid: int, at: datetime, user: tuple[int, str], note: str) -> None:
        digest = hashlib.sha256()
        for entry in self._entries:  # as RecordStore.content_hash
            digest.update(json.dumps(entry, sort_keys=True).encode())
        digest.update(note.encode("utf-8"))
        content = digest.hexdigest()
        self.rows.signatures.append((sid, user[0], user[1], SIGN_MEANING, ts(at), content))
        self.rows.log(at, user[0], "sign", "session", sid, None,
                      {"name": user[1], "meaning": SIGN_MEANING, "content_hash": content})
        if self.amend:  # a late entry after sign-off, as an amendment
            later = at + timedelta(days=1)
            self.observe(sid, Kind.NOTE, {"text": "Late entry: patient called, doing well."},
                         user[0], later, later, reason="Follow-up call", amendment=True)
