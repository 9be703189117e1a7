"""An older clinic's database: rows of the tables reconciled since migration 0009 that an
older KAPdesk wrote without an audit row are not taken for tampering (the migration's
baseline excuses them, and so does a database not yet migrated); later ones are named."""

import sqlite3
from pathlib import Path

import sqlite_utils

from kapdesk.store.database import open_database
from kapdesk.store.reconcile import record_problems
from kapdesk.store.reconcile_people import MIGRATION
from kapdesk.store.schema import MIGRATIONS

MADE = "2020-01-01T00:00:00.000000+00:00"


def older(path: Path) -> None:
    """A database as the version before 0009 left it, with a profile it never audited."""
    conn = sqlite3.connect(path)
    MIGRATIONS.apply(sqlite_utils.Database(conn), stop_before=MIGRATION)
    conn.execute("INSERT INTO users (username, display_name, role, created_at) VALUES "
                 "('ana', 'Ana', 'clinician', ?)", [MADE])
    conn.execute("PRAGMA user_version = 8")
    conn.commit()
    conn.close()


def test_an_older_database_checked_before_its_upgrade_passes(tmp_path: Path) -> None:
    path = tmp_path / "kapdesk.sqlite3"
    older(path)
    db = open_database(path, read_only=True)  # as `kapdesk check` reads it, not migrated
    try:
        assert record_problems(db) == []
    finally:
        db.close()


def test_after_the_upgrade_only_rows_written_since_need_their_audit_row(
        tmp_path: Path) -> None:
    path = tmp_path / "kapdesk.sqlite3"
    older(path)
    db = open_database(path)  # migrates: the baseline says up to user 1
    try:
        assert record_problems(db) == []
        db.execute("INSERT INTO users (username, display_name, role, created_at) VALUES "
                   "('eve', 'Eve', 'admin', ?)", [MADE])
        db.execute("UPDATE users SET role = 'admin' WHERE id = 1")  # unaudited: not seen
        assert record_problems(db) == [
            "reconcile: users row 2: has no audit row (written behind KAPdesk's back)"]
    finally:
        db.close()
