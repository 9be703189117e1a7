"""Outcome measures (PHQ-9, GAD-7, PCL-5) per patient: recorded, corrected, listed.

Rows are never overwritten (triggers refuse UPDATE and DELETE): a correction is a new row
pointing at the one it replaces, with a reason. Every write is audited in the same
transaction. Totals and bands are computed by kapdesk.core.outcomes and stored as computed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kapdesk.core.clock import Clock
from kapdesk.core.errors import ValidationError
from kapdesk.core.outcomes import Instrument, OutcomeMeasure, current_measures, score, spec
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.timefmt import from_db, to_db

_SELECT = ("SELECT m.id, p.code, m.instrument, m.items, m.total, m.band, m.taken_at, "
           "m.recorded_at, m.user_id, m.corrects, m.reason FROM outcome_measures m "
           "JOIN patients p ON p.id = m.patient_id ")


def _measure(row: Sequence[Any]) -> OutcomeMeasure:
    (mid, code, instrument, items, total, band, taken, recorded, user, corrects, reason) = row
    return OutcomeMeasure(int(mid), str(code), Instrument(instrument),
                          tuple(int(i) for i in json.loads(items)), int(total), str(band),
                          from_db(taken), from_db(recorded), int(user), corrects, str(reason))


class OutcomeStore:
    def __init__(self, db: Database, clock: Clock, audit: AuditTrail) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    def _patient_id(self, code: str) -> int:
        row = self._db.execute("SELECT id FROM patients WHERE code = ?",
                               [code.strip()]).fetchone()
        if row is None:
            raise ValidationError(f"There is no patient with the code '{code.strip()}'.")
        return int(row[0])

    def _check_time(self, taken_at: datetime) -> None:
        if taken_at.tzinfo is None:
            raise ValueError("instants are timezone-aware")
        if taken_at > self._clock.now():
            raise ValidationError(f"The date {taken_at.astimezone():%Y-%m-%d %H:%M} is in the "
                                  "future: a questionnaire is recorded once it was filled in.")

    def get(self, measure_id: int) -> OutcomeMeasure:
        row = self._db.execute(_SELECT + "WHERE m.id = ?", [measure_id]).fetchone()
        if row is None:
            raise ValidationError(f"There is no outcome measure {measure_id}.")
        return _measure(row)

    def record(self, patient_code: str, instrument: Instrument | str, items: Sequence[object],
               taken_at: datetime, user_id: int, *, corrects: int | None = None,
               reason: str = "") -> OutcomeMeasure:
        """Score and store one questionnaire; a bad item score is refused with its number."""
        result = score(instrument, items)
        self._check_time(taken_at)
        pid = self._patient_id(patient_code)
        old: dict[str, Any] | None = None
        if corrects is not None:
            previous = self.get(corrects)
            if previous.patient_code != patient_code.strip():
                raise ValidationError("A correction is for the same patient's measure.")
            if not reason.strip():
                raise ValidationError("A correction needs a reason.")
            old = {"instrument": previous.instrument.value, "items": list(previous.items),
                   "total": previous.total, "band": previous.band}
        new = {"patient": patient_code.strip(), "instrument": result.instrument.value,
               "items": list(result.items), "total": result.total, "band": result.band,
               "taken_at": to_db(taken_at)}
        with self._db.atomic():
            cursor = self._db.execute(
                "INSERT INTO outcome_measures (patient_id, instrument, items, total, band, "
                "taken_at, recorded_at, user_id, corrects, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [pid, result.instrument.value, json.dumps(list(result.items)), result.total,
                 result.band, to_db(taken_at), to_db(self._clock.now()), user_id, corrects,
                 reason.strip()])
            mid = int(cursor.lastrowid or 0)
            self._audit.append(user_id, "correct" if corrects else "record", "outcome_measure",
                               mid, old, new)
        return self.get(mid)

    def correct(self, measure_id: int, items: Sequence[object], taken_at: datetime,
                user_id: int, reason: str) -> OutcomeMeasure:
        previous = self.get(measure_id)
        return self.record(previous.patient_code, previous.instrument, items, taken_at,
                           user_id, corrects=measure_id, reason=reason)

    def all(self, patient_code: str) -> list[OutcomeMeasure]:
        """Every row of the patient's measures, corrections included, in entry order."""
        pid = self._patient_id(patient_code)
        return [_measure(r) for r in self._db.execute(
            _SELECT + "WHERE m.patient_id = ? ORDER BY m.id", [pid]).fetchall()]

    def list(self, patient_code: str, instrument: Instrument | str | None = None,
             ) -> list[OutcomeMeasure]:
        """The patient's measures as they stand (corrected ones replaced), oldest first."""
        wanted = spec(instrument).instrument if instrument is not None else None
        return [m for m in current_measures(self.all(patient_code))
                if wanted is None or m.instrument is wanted]
