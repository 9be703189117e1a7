"""Patients, their courses and integration sessions: validated, audited, found by code or name."""

import hashlib
import json
import re
import sqlite3
from datetime import date, timedelta

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.course import Course
from kapdesk.core.errors import ValidationError
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.patients import Patient, PatientStore
from kapdesk.store.sessions import SessionStore


def patient_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM patients").fetchone()[0])


def test_save_creates_with_an_audit_row(patients: PatientStore, audit: AuditTrail,
                                        user_id: int) -> None:
    p = patients.save("  K-101 ", user_id, name=" Morgan Vale ", date_of_birth="1984-05-12",
                      weight_kg=71, allergies="none known")
    assert p == Patient(p.id, "K-101", "Morgan Vale", "1984-05-12", 71.0, "none known", "")
    assert patients.get(p.id) == p and patients.by_code("K-101 ") == p
    [row] = audit.rows("patient", p.id)
    assert (row["action"], row["user_id"], row["old"]) == ("create", user_id, None)
    assert json.loads(row["new"]) == {"code": "K-101", "name": "Morgan Vale",
                                      "date_of_birth": "1984-05-12", "weight_kg": 71.0,
                                      "allergies": "none known"}


def test_save_updates_only_the_fields_given_and_audits_old_and_new(
        patients: PatientStore, audit: AuditTrail, db: Database, user_id: int,
        other_user_id: int) -> None:
    first = patients.save("K-101", user_id, name="Morgan Vale", weight_kg=71)
    second = patients.save("K-101", other_user_id, weight_kg=69.5, notes="prefers quiet")
    assert second == Patient(first.id, "K-101", "Morgan Vale", None, 69.5, "", "prefers quiet")
    assert patient_count(db) == 1
    row = audit.rows("patient", first.id)[-1]
    assert (row["action"], row["user_id"]) == ("update", other_user_id)
    assert json.loads(row["old"]) == {"weight_kg": 71.0, "notes": ""}
    assert json.loads(row["new"]) == {"code": "K-101", "weight_kg": 69.5,
                                      "notes": "prefers quiet"}
    assert audit.verify() is None


def test_the_code_is_unique(patients: PatientStore, db: Database,
                            user_id: int) -> None:
    patients.save("K-1", user_id)
    patients.save(" K-1", user_id, name="Same person")
    assert patient_count(db) == 1
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO patients (code, created_at) VALUES ('K-1', 'x')")
    with pytest.raises(ValidationError, match=re.escape("A patient needs a pseudonymous code.")):
        patients.save("   ", user_id)


@pytest.mark.parametrize(("fields", "message"), [
    ({"weight_kg": 1.9}, "Weight 1.9 kg is outside 2-400 kg."),
    ({"weight_kg": 400.5}, "Weight 400.5 kg is outside 2-400 kg."),
    ({"weight_kg": 0}, "Weight 0 kg is outside 2-400 kg."),
    ({"weight_kg": "70"}, "Weight '70' kg is outside 2-400 kg."),
    ({"weight_kg": True}, "Weight True kg is outside 2-400 kg."),
    ({"date_of_birth": "12/05/1984"}, "Date of birth must be written YYYY-MM-DD."),
    ({"date_of_birth": "1984-02-30"}, "Date of birth must be written YYYY-MM-DD."),
    ({"date_of_birth": "2026-03-03"}, "Date of birth 2026-03-03 is not plausible."),
    ({"date_of_birth": "1905-12-31"}, "Date of birth 1905-12-31 is not plausible."),
    ({"ssn": "123"}, "Unknown patient field 'ssn'."),
])
def test_refused_fields_name_the_problem_and_write_nothing(
        patients: PatientStore, audit: AuditTrail, db: Database, user_id: int,
        fields: dict, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        patients.save("K-9", user_id, **fields)
    assert str(info.value) == message
    assert patient_count(db) == 0 and audit.rows("patient") == audit.rows("course") == []


def test_plausible_edges_are_accepted(patients: PatientStore, clock: FakeClock,
                                      user_id: int) -> None:
    assert clock.now().date() == date(2026, 3, 2)
    assert patients.save("A", user_id, weight_kg=2).weight_kg == 2.0
    assert patients.save("B", user_id, weight_kg=400).weight_kg == 400.0
    assert patients.save("C", user_id, date_of_birth="2026-03-02").date_of_birth == "2026-03-02"
    assert patients.save("D", user_id, date_of_birth="1906-01-01").date_of_birth == "1906-01-01"


def test_weight_and_date_of_birth_can_be_cleared(patients: PatientStore, user_id: int) -> None:
    patients.save("K-1", user_id, weight_kg=70, date_of_birth="1990-01-01")
    cleared = patients.save("K-1", user_id, weight_kg=None, date_of_birth="")
    assert (cleared.weight_kg, cleared.date_of_birth) == (None, None)


def test_find_by_code_or_name_any_case_partial(patients: PatientStore, user_id: int) -> None:
    patients.save("K-102", user_id, name="Jules Arden")
    patients.save("K-101", user_id, name="Morgan Vale")
    patients.save("X-7", user_id, name="Robin Karlsson")
    assert [p.code for p in patients.find("k-10")] == ["K-101", "K-102"]
    assert [p.code for p in patients.find("  VALE ")] == ["K-101"]
    assert [p.code for p in patients.find("k")] == ["K-101", "K-102", "X-7"]  # "Karlsson"
    assert [p.code for p in patients.find("arden")] == ["K-102"]
    assert patients.find("nobody") == []
    assert len(patients.find("", limit=2)) == 2
    assert patients.by_code("k-101") is None  # the code itself is exact


def test_unknown_patient(patients: PatientStore) -> None:
    with pytest.raises(ValidationError, match=re.escape("There is no patient 42.")):
        patients.get(42)
    assert patients.by_code("nobody") is None


# -- courses ----------------------------------------------------------------------------------

def test_add_course_and_list_courses(patients: PatientStore, audit: AuditTrail,
                                     user_id: int) -> None:
    patients.save("K-1", user_id, name="Morgan Vale")
    later = patients.add_course("K-1", "esketamine-nasal", 8, date(2026, 5, 1), user_id)
    first = patients.add_course("K-1", "im-kap", 6, date(2026, 3, 2), user_id)
    assert first == Course(first.id, "K-1", "im-kap", 6, "2026-03-02", "active")
    assert patients.courses(" K-1 ") == [first, later]
    assert patients.courses("K-2") == []
    row = audit.rows("course", first.id)[0]
    assert (row["action"], row["user_id"]) == ("create", user_id)
    assert json.loads(row["new"]) == {"patient": "K-1", "protocol": "im-kap", "planned": 6}


def test_add_course_creates_an_unknown_patient(patients: PatientStore, user_id: int) -> None:
    course = patients.add_course("K-new", "im-kap", 6, date(2026, 3, 2), user_id)
    assert patients.by_code("K-new") is not None and course.patient_code == "K-new"


@pytest.mark.parametrize("planned", [0, -1, 101])
def test_add_course_refuses_a_silly_plan_and_writes_nothing(
        patients: PatientStore, audit: AuditTrail, db: Database, user_id: int,
        planned: int) -> None:
    with pytest.raises(ValidationError,
                       match=re.escape("A course plans between 1 and 100 dosing sessions.")):
        patients.add_course("K-1", "im-kap", planned, date(2026, 3, 2), user_id)
    assert patient_count(db) == 0 and audit.rows("patient") == audit.rows("course") == []


# -- integration sessions ------------------------------------------------------------------

def test_record_integration(patients: PatientStore, sessions: SessionStore, audit: AuditTrail,
                            db: Database, clock: FakeClock,
                            user_id: int) -> None:
    course = patients.add_course("K-1", "im-kap", 6, date(2026, 3, 2), user_id)
    when = clock.now() - timedelta(hours=2)
    sid = patients.record_integration("K-1", when, "  Reflected on the session. ",
                                      " Journal daily ", user_id, course.id)
    row = db.execute("SELECT kind, state, planned_at, course_id, number, created_by "
                     "FROM sessions WHERE id = ?", [sid]).fetchone()
    assert row == ("integration", "closed", "2026-03-02T07:00:00.000000+00:00", course.id,
                   None, user_id)
    note = db.execute("SELECT text, updated_by FROM session_notes WHERE session_id = ?",
                      [sid]).fetchone()
    assert note == ("Reflected on the session.\n\nPlan: Journal daily", user_id)
    [entry] = audit.rows("integration_session", sid)
    assert (entry["action"], entry["user_id"]) == ("create", user_id)
    assert json.loads(entry["new"]) == {"patient": "K-1", "chars": len(note[0]),
                                        "sha256": hashlib.sha256(note[0].encode()).hexdigest()}
    assert sessions.integration_since("K-1", when - timedelta(seconds=1))
    assert not sessions.integration_since("K-1", when)
    assert sessions.dose_times("K-1") == []


def test_integration_without_a_plan_and_for_a_new_patient(patients: PatientStore,
                                                          db: Database,
                                                          clock: FakeClock,
                                                          user_id: int) -> None:
    sid = patients.record_integration("K-9", clock.now(), "Talked.", "  ", user_id)
    assert db.execute("SELECT text FROM session_notes WHERE session_id = ?",
                      [sid]).fetchone() == ("Talked.",)
    assert patients.by_code("K-9") is not None


def test_integration_in_the_future_is_refused(patients: PatientStore,
                                              db: Database, clock: FakeClock,
                                              user_id: int) -> None:
    with pytest.raises(ValidationError,
                       match=re.escape("An integration session is recorded after it took place.")):
        patients.record_integration("K-1", clock.now() + timedelta(minutes=1), "n", "p",
                                    user_id)
    assert patient_count(db) == 0
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_integration_sessions_read_back_as_sessions(patients: PatientStore, sessions,
                                                    clock, user_id: int) -> None:
    clock.advance(3600)
    sid = patients.record_integration("K-300", clock.now(), "Talked it through.", "Journal.",
                                      user_id)
    session = sessions.get(sid)
    assert session.protocol.name == "Integration session"
    assert session.state.value == "closed" and session.t0 is None


def test_sex_is_recorded_for_the_rems_form_or_left_empty(db, clock):
    import pytest

    from kapdesk.core.errors import ValidationError
    from kapdesk.store.audit import AuditTrail
    from kapdesk.store.patients import PatientStore
    from kapdesk.store.users import UserStore

    user = UserStore(db, clock).add("Dr Sex Test").id
    store = PatientStore(db, clock, AuditTrail(db, clock))
    assert store.save("K-900", user).sex is None  # not recorded
    assert store.save("K-900", user, sex="Female").sex == "female"
    with pytest.raises(ValidationError, match="Sex 'f' is not one of female, male, other"):
        store.save("K-900", user, sex="f")
    assert store.save("K-900", user, sex="").sex is None  # cleared
    with pytest.raises(Exception, match="CHECK constraint failed"):
        db.execute("UPDATE patients SET sex = 'x' WHERE code = 'K-900'")
