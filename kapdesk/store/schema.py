"""The schema, as an ordered list of migrations. Add a migration; never edit one."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("kapdesk")


@MIGRATIONS(name="0001_rooms_and_sessions")
def _m0001(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('clinician', 'staff', 'admin')),
            created_at TEXT NOT NULL
        );
        CREATE TABLE patients (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
            created_at TEXT NOT NULL
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            protocol_id TEXT NOT NULL,
            protocol_json TEXT NOT NULL,
            state TEXT NOT NULL,
            planned_at TEXT NOT NULL,
            t0 TEXT,
            created_by INTEGER NOT NULL REFERENCES users(id)
        );
        CREATE INDEX sessions_patient ON sessions(patient_id);
        CREATE INDEX sessions_state ON sessions(state);
        -- one session at a time occupies the room
        CREATE UNIQUE INDEX sessions_one_running ON sessions((1))
            WHERE state IN ('preparing', 'dosed', 'recovery', 'discharged');
        CREATE TABLE session_events (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            cue_key TEXT,
            user_id INTEGER REFERENCES users(id),
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX session_events_session ON session_events(session_id, id);
        CREATE TRIGGER session_events_no_update BEFORE UPDATE ON session_events
            BEGIN SELECT RAISE(ABORT, 'session events are append-only'); END;
        CREATE TRIGGER session_events_no_delete BEFORE DELETE ON session_events
            BEGIN SELECT RAISE(ABORT, 'session events are append-only'); END;
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


# The number of migrations above; a database with a higher user_version is newer than us.
SCHEMA_VERSION = 1
