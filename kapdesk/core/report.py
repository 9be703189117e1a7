"""Everything an export needs about one session, as plain values.

`kapdesk.store.reports` loads a SessionReport; `kapdesk.export` writes and draws it. Nothing
here knows about SQLite or Qt. `kapdesk.core.deidentify` gives the same report without the
patient's name, date of birth, weight, allergies or any free text; the code stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from kapdesk.core.observations import Kind, Observation
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import ClockAdjustment, State, Timeline

# One CSV row per observation, in this order (docs/exports.md describes each column).
CSV_COLUMNS = (
    "observation_id", "session_id", "patient_code", "protocol", "observed_at", "recorded_at",
    "kind", "systolic", "diastolic", "heart_rate", "spo2", "resp_rate", "score", "severity",
    "name", "drug", "dose_mg", "route", "lot", "device", "items", "ready_at", "text", "user",
    "corrects", "amendment", "reason", "current",
)
# The CSV columns taken straight from an observation's values (same name in both).
VALUE_COLUMNS = ("systolic", "diastolic", "heart_rate", "spo2", "resp_rate", "score",
                 "severity", "name", "drug", "dose_mg", "route", "lot", "device")
RATING_KINDS = (Kind.MOAAS, Kind.RASS, Kind.DISSOCIATION, Kind.CADSS6)


@dataclass(frozen=True)
class PatientInfo:
    code: str
    name: str = ""
    date_of_birth: str | None = None
    weight_kg: float | None = None
    allergies: str = ""
    sex: str | None = None  # "female", "male", "other"; None: not recorded


@dataclass(frozen=True)
class Transition:
    """One step of the session's state machine, with who and when."""

    at: datetime
    from_state: str | None
    to_state: str
    user_id: int | None
    reason: str = ""
    monitoring_minutes: float | None = None


@dataclass(frozen=True)
class T0Correction:
    at: datetime
    old: datetime
    new: datetime
    user_id: int | None
    reason: str


@dataclass(frozen=True)
class AlertInfo:
    id: int
    observation_id: int
    rule: str
    severity: str  # prompt | warning | urgent | emergency
    message: str
    raised_at: datetime
    confirm_due_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: int | None = None


@dataclass(frozen=True)
class CueRecord:
    """A cue falling due, acknowledged, snoozed, skipped or escalated."""

    at: datetime
    elapsed_s: float  # session seconds since the dose
    cue_key: str
    event: str  # a CueEventKind value
    cue_kind: str  # lights, vitals, rating, music, medication, checklist, custom ("" unknown)
    text: str
    user_id: int | None
    reason: str = ""  # why it was skipped


@dataclass(frozen=True)
class TrackPlay:
    """A track the room played, for the timeline's bands (empty when music was not used)."""

    title: str
    started_at: datetime
    ended_at: datetime | None = None
    phase: str = ""
    skipped_reason: str = ""


@dataclass(frozen=True)
class SignatureInfo:
    name: str
    meaning: str
    signed_at: datetime
    user_id: int
    content_hash: str


@dataclass(frozen=True)
class DischargeInfo:
    items: Mapping[str, bool]
    ready_at: datetime | None
    monitoring_minutes: float | None
    discharged_at: datetime | None
    comment: str = ""


def current_entries(rows: tuple[Observation, ...]) -> tuple[Observation, ...]:
    """Each correction chain's latest version (withdrawn ones left out), by observed time."""
    superseded = {o.corrects for o in rows if o.corrects is not None}
    latest = [o for o in rows if o.id not in superseded and not o.values.get("withdrawn")]
    return tuple(sorted(latest, key=lambda o: (o.observed_at, o.id)))


@dataclass(frozen=True)
class SessionReport:
    clinic_name: str
    session_id: int
    kind: str  # "dosing" | "integration"
    patient: PatientInfo
    protocol: Protocol
    state: State
    planned_at: datetime
    t0: datetime | None
    clinicians: Mapping[int, str]  # user id -> display name, everyone named in the record
    transitions: tuple[Transition, ...] = ()
    t0_corrections: tuple[T0Correction, ...] = ()
    entries: tuple[Observation, ...] = ()  # every row: originals, corrections, amendments
    alerts: tuple[AlertInfo, ...] = ()
    cue_events: tuple[CueRecord, ...] = ()
    adjustments: tuple[ClockAdjustment, ...] = ()
    note: str = ""
    signature: SignatureInfo | None = None
    plays: tuple[TrackPlay, ...] = ()
    course_id: int | None = None
    number: int | None = None  # the dosing session's number within its course
    deidentified: bool = False
    signature_check: str = ""  # the signature recomputed over the record, in words
    signature_valid: bool | None = None  # None: not signed (or not checked)
    audit_head: tuple[int, str] | None = None  # the audit trail's last row and hash

    # -- the record as it stands ------------------------------------------------------

    @cached_property
    def current(self) -> tuple[Observation, ...]:
        return current_entries(self.entries)

    def of_kind(self, *kinds: Kind) -> tuple[Observation, ...]:
        return tuple(o for o in self.current if o.kind in kinds)

    @property
    def vitals(self) -> tuple[Observation, ...]:
        return self.of_kind(Kind.VITALS)

    @property
    def ratings(self) -> tuple[Observation, ...]:
        return self.of_kind(*RATING_KINDS)

    @property
    def side_effects(self) -> tuple[Observation, ...]:
        return self.of_kind(Kind.SIDE_EFFECT)

    @property
    def medications(self) -> tuple[Observation, ...]:
        return self.of_kind(Kind.MEDICATION)

    @property
    def doses(self) -> tuple[Observation, ...]:
        return self.of_kind(Kind.DOSE)

    @property
    def note_amendments(self) -> tuple[Observation, ...]:
        return self.of_kind(Kind.NOTE)

    @property
    def screening(self) -> Observation | None:
        found = self.of_kind(Kind.SCREENING)
        return found[-1] if found else None

    @property
    def total_dose_mg(self) -> float:
        return sum(float(o.values["dose_mg"]) for o in self.doses)

    @property
    def discharged_at(self) -> datetime | None:
        return next((t.at for t in self.transitions if t.to_state == State.DISCHARGED), None)

    @property
    def ended_at(self) -> datetime | None:
        """Discharge, else the last thing recorded."""
        if self.discharged_at is not None:
            return self.discharged_at
        times = [o.observed_at for o in self.entries] + [c.at for c in self.cue_events]
        return max(times, default=None)

    @property
    def discharge(self) -> DischargeInfo | None:
        found = self.of_kind(Kind.DISCHARGE)
        minutes = next((t.monitoring_minutes for t in self.transitions
                        if t.to_state == State.DISCHARGED), None)
        if not found and minutes is None:
            return None
        values = found[-1].values if found else {}
        ready = values.get("ready_at")
        return DischargeInfo(dict(values.get("items", {})),
                             datetime.fromisoformat(ready) if ready else None, minutes,
                             self.discharged_at, str(values.get("comment", "")))

    # -- corrections and amendments ---------------------------------------------------

    def chain(self, observation_id: int) -> tuple[Observation, ...]:
        """The original and every correction or amendment of it, oldest first."""
        by_id = {o.id: o for o in self.entries}
        later = {o.corrects: o for o in self.entries if o.corrects is not None}
        first = by_id[observation_id]
        while first.corrects is not None and first.corrects in by_id:
            first = by_id[first.corrects]
        found = [first]
        while found[-1].id in later:
            found.append(later[found[-1].id])
        return tuple(found)

    def earlier_versions(self, observation: Observation) -> tuple[Observation, ...]:
        """What this entry replaced, oldest first (empty for an entry never changed)."""
        return tuple(o for o in self.chain(observation.id) if o.id != observation.id)

    @property
    def revised(self) -> tuple[tuple[Observation, ...], ...]:
        """Every chain with a correction or amendment in it, by the original's time."""
        starts = [o for o in self.entries if o.corrects is None
                  and any(e.corrects == o.id for e in self.entries)]
        return tuple(self.chain(o.id) for o in sorted(starts, key=lambda o: o.observed_at))

    # -- time and people --------------------------------------------------------------

    @property
    def timeline(self) -> Timeline:
        return Timeline(self.t0, self.adjustments)

    def minute_of(self, instant: datetime) -> float:
        """Minutes since the dose (negative before it); 0 when there was no dose."""
        return self.timeline.elapsed_at(instant) / 60

    def minute_of_entry(self, entry: Observation) -> float:
        """Minutes since the dose of an entry, right across a clock set back or forward."""
        return self.timeline.elapsed_at(entry.observed_at, observation=entry.id) / 60

    def user_name(self, user_id: int | None) -> str:
        if user_id is None:
            return "system"
        return self.clinicians.get(user_id, f"user {user_id}")

    @property
    def signed(self) -> bool:
        return self.signature is not None

    def alerts_for(self, observation_id: int) -> tuple[AlertInfo, ...]:
        return tuple(a for a in self.alerts if a.observation_id == observation_id)
