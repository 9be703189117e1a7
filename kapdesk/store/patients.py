"""Patients (pseudonymous code first), their courses, and what spacing rules need."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from kapdesk.core.clock import Clock
from kapdesk.core.course import Course
from kapdesk.core.errors import ValidationError
from kapdesk.core.protocol import Phase, Protocol
from kapdesk.core.text_rules import (
    MAX_NAME,
    MAX_NOTE,
    MAX_REASON,
    check_note,
    check_patient_code,
    check_text,
    like_contains,
)
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.timefmt import to_db


@dataclass(frozen=True)
class Patient:
    id: int
    code: str
    name: str = ""
    date_of_birth: str | None = None
    weight_kg: float | None = None
    allergies: str = ""
    notes: str = ""
    sex: str | None = None  # "female", "male", "other"; None: not recorded


# Integration sessions have no dose and no cues: a one-phase talk.
INTEGRATION = Protocol(
    id="integration", name="Integration session", route="none", drug="none",
    description="A talk between dosing sessions.", session_minutes=60,
    min_monitoring_minutes=0, min_monitoring_strict=False,
    phases=(Phase("talk", "Integration talk", 0, 60),), cues=())

_COLS = "id, code, name, date_of_birth, weight_kg, allergies, notes, sex"
SEXES = ("female", "male", "other")


class PatientStore:
    def __init__(self, db: Database, clock: Clock, audit: AuditTrail) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    def get(self, patient_id: int) -> Patient:
        row = self._db.execute(f"SELECT {_COLS} FROM patients WHERE id = ?",
                               [patient_id]).fetchone()
        if row is None:
            raise ValidationError(f"There is no patient {patient_id}.")
        return Patient(*row)

    def by_code(self, code: str) -> Patient | None:
        row = self._db.execute(f"SELECT {_COLS} FROM patients WHERE code = ?",
                               [code.strip()]).fetchone()
        return Patient(*row) if row else None

    def find(self, query: str, limit: int = 50) -> list[Patient]:
        """Patients whose code or name contains the words typed (any case); `%` and `_`
        are letters here, not wildcards."""
        like = like_contains(query.strip())
        rows = self._db.execute(
            f"SELECT {_COLS} FROM patients WHERE code LIKE ? ESCAPE '\\' OR name LIKE ? "
            "ESCAPE '\\' ORDER BY code LIMIT ?", [like, like, limit]).fetchall()
        return [Patient(*r) for r in rows]

    def save(self, code: str, user_id: int, **fields: Any) -> Patient:
        """Create the patient, or update the fields given. Audited with old and new."""
        code = check_patient_code(code)
        clean = _check_fields(fields, self._clock.now().date())
        existing = self.by_code(code)
        with self._db.atomic():
            if existing is None:
                cursor = self._db.execute("INSERT INTO patients (code, created_at) VALUES (?, ?)",
                                          [code, to_db(self._clock.now())])
                pid = int(cursor.lastrowid or 0)
                old = None
            else:
                pid = existing.id
                old = {k: v for k, v in asdict(existing).items() if k in clean}
            if clean:
                sets = ", ".join(f"{k} = ?" for k in clean)
                self._db.execute(f"UPDATE patients SET {sets} WHERE id = ?",
                                 [*clean.values(), pid])
            self._audit.append(user_id, "create" if old is None else "update", "patient", pid,
                               old, {"code": code, **clean})
        return self.get(pid)

    # -- courses ---------------------------------------------------------------------

    def add_course(self, code: str, protocol_id: str, planned_sessions: int, start: date,
                   user_id: int) -> Course:
        if planned_sessions < 1 or planned_sessions > 100:
            raise ValidationError("A course plans between 1 and 100 dosing sessions.")
        patient = self.by_code(code) or self.save(code, user_id)
        with self._db.atomic():
            cursor = self._db.execute(
                "INSERT INTO courses (patient_id, protocol_id, planned_sessions, start_date, "
                "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                [patient.id, protocol_id, planned_sessions, start.isoformat(),
                 to_db(self._clock.now()), user_id])
            cid = int(cursor.lastrowid or 0)
            self._audit.append(user_id, "create", "course", cid, None, {
                "patient": code, "protocol": protocol_id, "planned": planned_sessions})
        return Course(cid, patient.code, protocol_id, planned_sessions, start.isoformat())

    def courses(self, code: str) -> list[Course]:
        rows = self._db.execute(
            "SELECT c.id, p.code, c.protocol_id, c.planned_sessions, c.start_date, c.status "
            "FROM courses c JOIN patients p ON p.id = c.patient_id WHERE p.code = ? "
            "ORDER BY c.start_date, c.id", [code.strip()]).fetchall()
        return [Course(*r) for r in rows]

    def record_integration(self, code: str, when: datetime, note: str, plan: str,
                           user_id: int, course_id: int | None = None) -> int:
        """An integration session (no dose): its notes and plan, stored as closed."""
        if when > self._clock.now():
            raise ValidationError("An integration session is recorded after it took place.")
        plan = check_text(plan, "The plan", MAX_REASON, lines=True)
        text = check_note(note, "The integration note").strip() + (
            f"\n\nPlan: {plan}" if plan else "")
        check_note(text, "The integration note with its plan")
        patient = self.by_code(code) or self.save(code, user_id)
        with self._db.atomic():
            cursor = self._db.execute(
                "INSERT INTO sessions (patient_id, protocol_id, protocol_json, state, "
                "planned_at, created_by, course_id, kind) "
                "VALUES (?, 'integration', ?, 'closed', ?, ?, ?, 'integration')",
                [patient.id, json.dumps(INTEGRATION.to_dict()), to_db(when), user_id,
                 course_id])
            sid = int(cursor.lastrowid or 0)
            self._db.execute("INSERT INTO session_notes (session_id, text, updated_at, "
                             "updated_by) VALUES (?, ?, ?, ?)",
                             [sid, text, to_db(self._clock.now()), user_id])
            self._audit.append(user_id, "create", "integration_session", sid, None,
                               {"patient": code, "chars": len(text),
                                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
        return sid


def _check_fields(fields: dict[str, Any], today: date) -> dict[str, Any]:
    allowed = {"name", "date_of_birth", "weight_kg", "allergies", "notes", "sex"}
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(f"Unknown patient field '{unknown[0]}'.")
    clean = dict(fields)
    if clean.get("weight_kg") is not None:
        weight = clean["weight_kg"]
        if isinstance(weight, bool) or not isinstance(weight, int | float) or \
                not 2 <= weight <= 400:
            raise ValidationError(f"Weight {weight!r} kg is outside 2-400 kg.")
        clean["weight_kg"] = float(weight)
    if "date_of_birth" in clean and not clean["date_of_birth"]:
        clean["date_of_birth"] = None  # cleared: unknown, not an empty date
    if clean.get("date_of_birth"):
        try:
            born = date.fromisoformat(str(clean["date_of_birth"]))
        except ValueError:
            raise ValidationError("Date of birth must be written YYYY-MM-DD.") from None
        if born > today or born.year < today.year - 120:
            raise ValidationError(f"Date of birth {born} is not plausible.")
        clean["date_of_birth"] = born.isoformat()
    if "sex" in clean:
        sex = str(clean["sex"] or "").strip().lower() or None
        if sex is not None and sex not in SEXES:
            raise ValidationError(f"Sex {clean['sex']!r} is not one of {', '.join(SEXES)} "
                                  "(or empty: not recorded).")
        clean["sex"] = sex
    if "name" in clean:
        clean["name"] = check_text(clean["name"], "The patient's name", MAX_NAME)
    for key, what in (("allergies", "Allergies"), ("notes", "The patient notes")):
        if key in clean:
            clean[key] = check_text(clean[key], what, MAX_NOTE, lines=True)
    json.dumps(clean)  # only plain values reach the audit trail
    return clean

