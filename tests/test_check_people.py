"""`kapdesk check` against tampers with the tables outside the session record, each on a
copy of a demo database (with the triggers dropped, as anyone with the file can): patients,
courses, accounts, outcome measures and music vetoes are reconciled with the audit trail
both ways, and the first mismatch is named by table and row."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.store.audit import AuditTrail
from kapdesk.store.database import open_database
from kapdesk.store.music import MusicStore
from kapdesk.store.outcomes import OutcomeStore
from tests.test_check_tamper import check, demo_folder, folder, keys, raw, unlock

__all__ = ["demo_folder", "folder", "keys", "raw"]  # the fixtures, shared
LATER = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def first(conn: sqlite3.Connection, sql: str) -> int:
    return int(conn.execute(sql).fetchone()[0])


@pytest.fixture
def extras(folder: Path) -> tuple[int, int]:
    """One outcome measure and one music veto added to the copy through the stores (the
    demo has neither): (the measure's id, the veto's id)."""
    db = open_database(folder / "kapdesk.sqlite3")
    try:
        clock = FakeClock(LATER)
        audit = AuditTrail(db, clock)
        code, user = db.execute("SELECT p.code, min(u.id) FROM patients p, users u "
                                "WHERE u.role = 'clinician'").fetchone()
        measure = OutcomeStore(db, clock, audit).record(code, "phq9", [1] * 9, LATER, user)
        veto = MusicStore(db, clock, audit).add_veto(code, "/music/rain.ogg", user,
                                                       "startles the patient")
        return measure.id, veto.id
    finally:
        db.close()


def test_the_copy_with_its_extras_passes(folder, extras, capsys):
    code, out = check(folder, capsys)
    assert code == 0, out


def test_a_changed_patient_is_named(folder, raw, capsys):
    unlock(raw)
    pid = first(raw, "SELECT min(id) FROM patients")
    raw.execute("UPDATE patients SET weight_kg = 20 WHERE id = ?", [pid])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: patients row {pid}: differs from what audit row" in out


def test_a_patient_inserted_without_its_audit_row_is_named(folder, raw, capsys):
    raw.execute("INSERT INTO patients (code, created_at) VALUES ('K-999', "
                "'2026-03-02T09:00:00.000000+00:00')")
    pid = first(raw, "SELECT max(id) FROM patients")
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: patients row {pid}: has no audit row" in out


def test_a_course_stretched_behind_the_app_is_named(folder, raw, capsys):
    cid = first(raw, "SELECT min(id) FROM courses")
    raw.execute("UPDATE courses SET planned_sessions = planned_sessions + 6 WHERE id = ?",
                [cid])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: courses row {cid}: differs from what audit row" in out


def test_an_account_made_admin_behind_the_app_is_named(folder, raw, capsys):
    uid = first(raw, "SELECT min(id) FROM users WHERE role = 'staff'")
    raw.execute("UPDATE users SET role = 'admin' WHERE id = ?", [uid])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: users row {uid}: differs from what audit row" in out


def test_an_account_inserted_or_removed_behind_the_app_is_named(folder, raw, capsys):
    raw.execute("INSERT INTO users (username, display_name, role, created_at) VALUES "
                "('mallory', 'Mallory', 'admin', '2026-03-02T09:00:00.000000+00:00')")
    new = first(raw, "SELECT max(id) FROM users")
    gone = first(raw, "SELECT min(id) FROM users WHERE role = 'staff'")
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("DELETE FROM users WHERE id = ?", [gone])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: users row {new}: has no audit row" in out
    assert f"reconcile: users row {gone}: is gone, but audit row" in out


def test_a_changed_or_removed_outcome_measure_is_named(folder, extras, raw, capsys):
    measure, _veto = extras
    unlock(raw)
    raw.execute("UPDATE outcome_measures SET total = 27, band = 'severe' WHERE id = ?",
                [measure])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: outcome_measures row {measure}: differs from what audit row" in out
    raw.execute("DELETE FROM outcome_measures WHERE id = ?", [measure])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: outcome_measures row {measure}: is gone, but audit row" in out


def test_a_veto_removed_behind_the_app_is_named(folder, extras, raw, capsys):
    _measure, veto = extras
    raw.execute("DELETE FROM music_vetoes WHERE id = ?", [veto])
    code, out = check(folder, capsys)
    assert code == 1
    assert f"reconcile: music_vetoes row {veto}: is gone, but audit row" in out


def test_a_veto_removed_through_the_app_passes(folder, extras, capsys):
    db = open_database(folder / "kapdesk.sqlite3")
    try:
        code, user = db.execute("SELECT p.code, v.created_by FROM music_vetoes v JOIN "
                                "patients p ON p.id = v.patient_id").fetchone()
        assert MusicStore(db, FakeClock(LATER), AuditTrail(db, FakeClock(LATER))
                            ).remove_veto(code, "/music/rain.ogg", user, "asked again")
    finally:
        db.close()
    assert check(folder, capsys)[0] == 0


def test_settings_changed_through_the_operations_pass(folder, capsys):
    """A clinic setting's audit row ("update", "setting") and a room choice (no row) leave
    the record as `kapdesk check` expects it."""
    from kapdesk.core.accounts import User
    from kapdesk.services.settings_ops import SettingsOps
    from kapdesk.store.settings import SettingsStore

    db = open_database(folder / "kapdesk.sqlite3")
    try:
        clock = FakeClock(LATER)
        row = db.execute("SELECT id, username, display_name, role FROM users "
                         "ORDER BY role = 'admin' DESC, id LIMIT 1").fetchone()
        admin = User(int(row[0]), str(row[1]), str(row[2]), "admin")
        ops = SettingsOps(db, SettingsStore(db), AuditTrail(db, clock))
        ops.change(admin, "lock_minutes", 9)
        ops.set_theme_level(admin, "night")
    finally:
        db.close()
    code, out = check(folder, capsys)
    assert code == 0, out
