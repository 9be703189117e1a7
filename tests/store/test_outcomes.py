"""Outcome measures on disk: migration 0005, scored and audited writes, append-only rows,
corrections beside the original, lists per patient."""

import json
import sqlite3
from datetime import timedelta

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import ValidationError
from kapdesk.core.outcomes import PCL5_ABOVE, Instrument
from kapdesk.store.audit import AuditTrail, verify_chain
from kapdesk.store.connection import Database
from kapdesk.store.outcomes import OutcomeStore
from kapdesk.store.patients import PatientStore
from kapdesk.store.version import SCHEMA_VERSION

DAY = 24 * 3600.0


@pytest.fixture
def outcomes(db: Database, clock: FakeClock, audit: AuditTrail, patients: PatientStore,
             user_id: int) -> OutcomeStore:
    patients.save("K-301", user_id, name="Avery Invented")
    patients.save("K-302", user_id)
    clock.advance(30 * DAY)
    return OutcomeStore(db, clock, audit)


def test_migration_0005_adds_the_table_and_schema_5(db: Database) -> None:
    assert SCHEMA_VERSION >= 5
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "outcome_measures" in db.table_names()
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names[4] == "0005_outcomes"


def test_a_measure_is_scored_stored_and_audited(db: Database, clock: FakeClock,
                                                outcomes: OutcomeStore, user_id: int) -> None:
    taken = clock.now() - timedelta(hours=2)
    saved = outcomes.record("K-301", "phq9", [2, 2, 1, 1, 2, 1, 1, 2, 0], taken, user_id)
    assert (saved.patient_code, saved.instrument, saved.total, saved.band) == (
        "K-301", Instrument.PHQ9, 12, "moderate")
    assert saved.items == (2, 2, 1, 1, 2, 1, 1, 2, 0)
    assert saved.taken_at == taken and saved.recorded_at == clock.now()
    assert saved.user_id == user_id
    row = db.execute("SELECT items, total, band FROM outcome_measures").fetchone()
    assert (json.loads(row[0]), row[1], row[2]) == ([2, 2, 1, 1, 2, 1, 1, 2, 0], 12,
                                                    "moderate")
    audit = AuditTrail(db, clock).rows("outcome_measure", saved.id)
    assert len(audit) == 1 and audit[0]["action"] == "record"
    assert json.loads(audit[0]["new"]) == {
        "patient": "K-301", "instrument": "phq9", "items": [2, 2, 1, 1, 2, 1, 1, 2, 0],
        "total": 12, "band": "moderate", "taken_at": taken.isoformat(
            timespec="microseconds")}
    assert verify_chain(db) is None


@pytest.mark.parametrize(("code", "instrument", "items", "when", "words"), [
    ("K-301", "gad7", [0, 0, 0, 0, 4, 0, 0], 0, "GAD-7 item 5: 4 is outside 0-3."),
    ("K-301", "pcl5", [1] * 19, 0, "PCL-5 needs 20 item scores; 19 were given."),
    ("K-999", "gad7", [0] * 7, 0, "There is no patient with the code 'K-999'."),
    ("K-301", "gad7", [0] * 7, 1, "is in the future"),
])
def test_bad_entries_are_refused_and_nothing_is_written(
        db: Database, clock: FakeClock, outcomes: OutcomeStore, user_id: int, code: str,
        instrument: str, items: list[int], when: int, words: str) -> None:
    before = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        outcomes.record(code, instrument, items, clock.now() + timedelta(hours=when),
                        user_id)
    assert db.execute("SELECT count(*) FROM outcome_measures").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_rows_are_never_overwritten_or_deleted(db: Database, clock: FakeClock,
                                               outcomes: OutcomeStore, user_id: int) -> None:
    outcomes.record("K-301", "gad7", [1] * 7, clock.now(), user_id)
    for sql in ("UPDATE outcome_measures SET total = 0", "DELETE FROM outcome_measures"):
        with pytest.raises(sqlite3.DatabaseError, match="outcome measures are never"):
            db.execute(sql)


def test_a_correction_replaces_the_measure_and_keeps_the_original(
        db: Database, clock: FakeClock, outcomes: OutcomeStore, user_id: int) -> None:
    first = outcomes.record("K-301", "pcl5", [2] * 20, clock.now() - timedelta(days=3),
                            user_id)
    assert first.total == 40 and first.band == PCL5_ABOVE
    with pytest.raises(ValidationError, match="needs a reason"):
        outcomes.correct(first.id, [1] * 20, first.taken_at, user_id, "  ")
    fixed = outcomes.correct(first.id, [1] * 20, first.taken_at, user_id, "Typed 2 for 1")
    assert (fixed.corrects, fixed.reason, fixed.total) == (first.id, "Typed 2 for 1", 20)
    assert [m.id for m in outcomes.all("K-301")] == [first.id, fixed.id]
    assert [m.id for m in outcomes.list("K-301")] == [fixed.id]
    audit = AuditTrail(db, clock).rows("outcome_measure", fixed.id)[0]
    assert audit["action"] == "correct" and json.loads(audit["old"])["total"] == 40


def test_lists_are_per_patient_and_instrument_oldest_first(
        clock: FakeClock, outcomes: OutcomeStore, user_id: int) -> None:
    now = clock.now()
    late = outcomes.record("K-301", "phq9", [1] * 9, now - timedelta(days=1), user_id)
    early = outcomes.record("K-301", "phq9", [3] * 9, now - timedelta(days=20), user_id)
    gad = outcomes.record("K-301", "gad7", [2] * 7, now - timedelta(days=10), user_id)
    other = outcomes.record("K-302", "phq9", [0] * 9, now, user_id)
    assert [m.id for m in outcomes.list("K-301")] == [early.id, gad.id, late.id]
    assert [m.total for m in outcomes.list("K-301", "phq9")] == [27, 9]
    assert [m.id for m in outcomes.list("K-302")] == [other.id]
    with pytest.raises(ValidationError, match="Unknown outcome measure"):
        outcomes.list("K-301", "bdi")
