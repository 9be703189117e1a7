"""The schema, as an ordered list of migrations. Add a migration; never edit one."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from kapdesk.store.version import SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

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


@MIGRATIONS(name="0002_clinical_record")
def _m0002(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        ALTER TABLE patients ADD COLUMN name TEXT NOT NULL DEFAULT '';
        ALTER TABLE patients ADD COLUMN date_of_birth TEXT;
        ALTER TABLE patients ADD COLUMN weight_kg REAL;
        ALTER TABLE patients ADD COLUMN allergies TEXT NOT NULL DEFAULT '';
        ALTER TABLE patients ADD COLUMN notes TEXT NOT NULL DEFAULT '';
        CREATE INDEX patients_name ON patients(name COLLATE NOCASE);

        CREATE TABLE courses (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            protocol_id TEXT NOT NULL,
            planned_sessions INTEGER NOT NULL CHECK (planned_sessions > 0),
            start_date TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            created_at TEXT NOT NULL,
            created_by INTEGER NOT NULL REFERENCES users(id)
        );
        CREATE INDEX courses_patient ON courses(patient_id);

        ALTER TABLE sessions ADD COLUMN course_id INTEGER REFERENCES courses(id);
        ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'dosing';
        ALTER TABLE sessions ADD COLUMN number INTEGER;
        CREATE INDEX sessions_course ON sessions(course_id);

        CREATE TABLE observations (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            kind TEXT NOT NULL,
            observed_at TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            data TEXT NOT NULL,
            corrects INTEGER REFERENCES observations(id),
            reason TEXT NOT NULL DEFAULT '',
            amendment INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX observations_session ON observations(session_id, kind);
        CREATE TRIGGER observations_no_update BEFORE UPDATE ON observations
            BEGIN SELECT RAISE(ABORT, 'observations are never overwritten: add a correction'); END;
        CREATE TRIGGER observations_no_delete BEFORE DELETE ON observations
            BEGIN SELECT RAISE(ABORT, 'observations are never deleted: add a correction'); END;

        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            observation_id INTEGER NOT NULL REFERENCES observations(id),
            rule TEXT NOT NULL,
            severity TEXT NOT NULL,
            message TEXT NOT NULL,
            raised_at TEXT NOT NULL,
            confirm_due_at TEXT
        );
        CREATE INDEX alerts_session ON alerts(session_id);
        CREATE TABLE alert_acks (
            alert_id INTEGER PRIMARY KEY REFERENCES alerts(id),
            at TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id)
        );

        CREATE TABLE session_notes (
            session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by INTEGER NOT NULL REFERENCES users(id)
        );

        CREATE TABLE signatures (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL UNIQUE REFERENCES sessions(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            name TEXT NOT NULL,
            meaning TEXT NOT NULL,
            signed_at TEXT NOT NULL,
            content_hash TEXT NOT NULL
        );
        CREATE TRIGGER observations_locked BEFORE INSERT ON observations
            WHEN NEW.amendment = 0
             AND EXISTS (SELECT 1 FROM signatures WHERE session_id = NEW.session_id)
            BEGIN SELECT RAISE(ABORT, 'the session is signed: changes must be amendments'); END;
        CREATE TRIGGER notes_locked BEFORE UPDATE ON session_notes
            WHEN EXISTS (SELECT 1 FROM signatures WHERE session_id = NEW.session_id)
            BEGIN SELECT RAISE(ABORT, 'the session is signed: changes must be amendments'); END;

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER,
            old TEXT,
            new TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """
    )



@MIGRATIONS(name="0003_music")
def _m0003(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- what was learnt about each audio file; stale when its size or mtime changes
        CREATE TABLE music_tracks (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime REAL NOT NULL,
            duration_s REAL,
            integrated_lufs REAL,
            true_peak_dbfs REAL,
            gain_db REAL,
            gain_source TEXT,
            tags TEXT NOT NULL DEFAULT '{}',
            checked_at TEXT NOT NULL,
            error TEXT
        );

        CREATE TABLE music_vetoes (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            path TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            created_by INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            UNIQUE (patient_id, path)
        );

        CREATE TABLE music_plays (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            phase TEXT NOT NULL,
            path TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            outcome TEXT CHECK (outcome IN ('played', 'skipped', 'stopped')),
            reason TEXT NOT NULL DEFAULT '',
            CHECK ((ended_at IS NULL) = (outcome IS NULL))
        );
        CREATE INDEX music_plays_session ON music_plays(session_id, id);
        CREATE TRIGGER music_plays_no_delete BEFORE DELETE ON music_plays
            BEGIN SELECT RAISE(ABORT, 'plays are part of the session record'); END;
        CREATE TRIGGER music_plays_ended BEFORE UPDATE ON music_plays
            WHEN OLD.ended_at IS NOT NULL OR NEW.session_id IS NOT OLD.session_id
              OR NEW.phase IS NOT OLD.phase OR NEW.path IS NOT OLD.path
              OR NEW.started_at IS NOT OLD.started_at
            BEGIN SELECT RAISE(ABORT, 'a play is only ended, never rewritten'); END;
        """
    )


@MIGRATIONS(name="0004_accounts")
def _m0004(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        ALTER TABLE users ADD COLUMN password_hash TEXT;
        ALTER TABLE users ADD COLUMN pin_hash TEXT;
        ALTER TABLE users ADD COLUMN failed_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN locked_until TEXT;
        ALTER TABLE users ADD COLUMN last_login_at TEXT;
        ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
        """
    )


@MIGRATIONS(name="0005_outcomes")
def _m0005(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- PHQ-9, GAD-7, PCL-5: item scores as entered, total and band as computed then
        CREATE TABLE outcome_measures (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            instrument TEXT NOT NULL CHECK (instrument IN ('phq9', 'gad7', 'pcl5')),
            items TEXT NOT NULL,
            total INTEGER NOT NULL CHECK (total >= 0),
            band TEXT NOT NULL,
            taken_at TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            corrects INTEGER REFERENCES outcome_measures(id),
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX outcome_measures_patient ON outcome_measures(patient_id, taken_at);
        CREATE TRIGGER outcome_measures_no_update BEFORE UPDATE ON outcome_measures
            BEGIN SELECT RAISE(ABORT, 'outcome measures are never overwritten: add a correction');
            END;
        CREATE TRIGGER outcome_measures_no_delete BEFORE DELETE ON outcome_measures
            BEGIN SELECT RAISE(ABORT, 'outcome measures are never deleted: add a correction');
            END;
        """
    )


@MIGRATIONS(name="0006_patient_sex")
def _m0006(db: sqlite_utils.Database) -> None:
    # the REMS Patient Monitoring Form asks for the patient's sex; empty = not recorded
    db.executescript(
        """
        ALTER TABLE patients ADD COLUMN sex TEXT
            CHECK (sex IS NULL OR sex IN ('female', 'male', 'other'));
        """
    )


@MIGRATIONS(name="0007_alert_acks_kept")
def _m0007(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- an alert, and who acknowledged it when, are part of the record: never rewritten
        CREATE TRIGGER alerts_no_update BEFORE UPDATE ON alerts
            BEGIN SELECT RAISE(ABORT, 'alerts are never overwritten'); END;
        CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts
            BEGIN SELECT RAISE(ABORT, 'alerts are never deleted'); END;
        CREATE TRIGGER alert_acks_no_update BEFORE UPDATE ON alert_acks
            BEGIN SELECT RAISE(ABORT, 'an acknowledgement is never changed'); END;
        CREATE TRIGGER alert_acks_no_delete BEFORE DELETE ON alert_acks
            BEGIN SELECT RAISE(ABORT, 'an acknowledgement is never removed'); END;
        """
    )


_SIGNED = "EXISTS (SELECT 1 FROM signatures WHERE session_id = {})"
_LOCKED = "SELECT RAISE(ABORT, 'the session is signed: changes must be amendments')"


def _lock(table: str, event: str, session: str, extra: str = "") -> str:
    """A trigger refusing `event` on `table` for a signed session."""
    name = f"{table}_signed_no_{event.lower()}"
    when = _SIGNED.format(session) + (f" AND {extra}" if extra else "")
    return (f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} "
            f"BEGIN {_LOCKED}; END;\n")


@MIGRATIONS(name="0008_signed_record")
def _m0008(db: sqlite_utils.Database) -> None:
    from kapdesk.store.reconcile import write_baseline

    kept = ("NEW.id IS OLD.id AND NEW.patient_id IS OLD.patient_id "
            "AND NEW.protocol_id IS OLD.protocol_id AND NEW.protocol_json IS OLD.protocol_json "
            "AND NEW.planned_at IS OLD.planned_at AND NEW.t0 IS OLD.t0 "
            "AND NEW.created_by IS OLD.created_by AND NEW.course_id IS OLD.course_id "
            "AND NEW.kind IS OLD.kind AND NEW.number IS OLD.number")
    ack_session = "(SELECT session_id FROM alerts WHERE id = {}.alert_id)"
    db.executescript(
        """
        -- what a signature covers, part by part (kapdesk/store/signature.py)
        ALTER TABLE signatures ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE signatures ADD COLUMN parts TEXT;
        -- what an entity's audit rows say, found without reading the whole trail
        CREATE INDEX audit_entity ON audit(entity, entity_id);
        CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
            BEGIN SELECT RAISE(ABORT, 'a signature is never changed'); END;
        CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
            BEGIN SELECT RAISE(ABORT, 'a signature is never removed'); END;
        -- an amendment to a signed session comes right after its own audit row
        CREATE TRIGGER observations_amendment_audited BEFORE INSERT ON observations
            WHEN NEW.amendment != 0
             AND EXISTS (SELECT 1 FROM signatures WHERE session_id = NEW.session_id)
             AND NOT EXISTS (SELECT 1 FROM audit WHERE id = (SELECT max(id) FROM audit)
                             AND action = 'amend' AND entity = 'observation:' || NEW.kind
                             AND entity_id = NEW.id)
            BEGIN SELECT RAISE(ABORT,
                'an amendment to a signed session is written with its audit row'); END;
        """
        + _lock("session_notes", "INSERT", "NEW.session_id")
        + _lock("session_notes", "UPDATE", "OLD.session_id")
        + _lock("session_notes", "DELETE", "OLD.session_id")
        + _lock("sessions", "UPDATE", "OLD.id",
                f"NOT (OLD.state = 'discharged' AND NEW.state = 'closed' AND {kept})")
        + _lock("sessions", "DELETE", "OLD.id")
        + _lock("session_events", "INSERT", "NEW.session_id",
                "NOT (NEW.kind = 'transition' AND json_extract(NEW.data, '$.to') = 'closed')")
        + "".join(_lock("alerts", e, f"{r}.session_id")
                  for e, r in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")))
        + "".join(_lock("alert_acks", e, ack_session.format(r))
                  for e, r in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")))
        + "".join(_lock("music_plays", e, f"{r}.session_id")
                  for e, r in (("INSERT", "NEW"), ("UPDATE", "OLD")))
    )
    write_baseline(db.conn)


@MIGRATIONS(name="0009_reconcile_people")  # reconcile_people.MIGRATION: rename both
def _m0009(db: sqlite_utils.Database) -> None:
    """Patients, courses, accounts, outcome measures and music vetoes are reconciled with
    the audit trail from now on: the highest id of each before, as a baseline audit row."""
    from kapdesk.store.reconcile import write_baseline
    from kapdesk.store.reconcile_people import PEOPLE_BASELINE

    write_baseline(db.conn, tables=PEOPLE_BASELINE)
