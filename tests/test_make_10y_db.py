"""tools/make_10y_db.py: invented history that the stores read back as their own, and that
`kapdesk check` passes (a small one here; the bench makes the ten-year one)."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from argon2 import extract_parameters

from kapdesk.core.clock import FakeClock
from kapdesk.core.observations import Kind, check_values
from kapdesk.store.accounts import HASH_PARAMETERS
from kapdesk.store.audit import AuditTrail
from kapdesk.store.database import open_database
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.signature import legacy_hash
from tests.test_cli import kapdesk

ROOT = Path(__file__).resolve().parent.parent


def test_small_history_is_whole_and_reads_back(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    made = subprocess.run([sys.executable, str(ROOT / "tools" / "make_10y_db.py"), str(folder),
                           "--sessions", "300", "--observations", "9000", "--patients", "60",
                           "--seed", "3", "--end", "2026-01-01"],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "300 sessions, " in made.stdout and "9000 observations" in made.stdout
    check = kapdesk("check", "--data-dir", str(folder))
    assert check.returncode == 0 and check.stdout.strip().endswith(": ok"), check.stdout
    again = subprocess.run([sys.executable, str(ROOT / "tools" / "make_10y_db.py"),
                            str(folder)], capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "already exists" in again.stderr

    db = open_database(folder / "kapdesk.sqlite3")
    try:
        clock = FakeClock()
        audit = AuditTrail(db, clock)
        sessions = SessionStore(db, clock, audit)
        records = RecordStore(db, clock, sessions, audit)
        assert sessions.running() is None
        assert all(s.planned_at.year >= 2015 for s in sessions.iter_all())
        signed = db.execute("SELECT session_id, content_hash FROM signatures WHERE session_id "
                            "NOT IN (SELECT session_id FROM observations WHERE amendment = 1)"
                            ).fetchall()
        assert len(signed) > 50
        for sid, content in signed:  # version-1 signatures, as an older KAPdesk signed
            assert legacy_hash(db, sid) == content
            check = records.verify_signature(sid)
            assert check is not None and check.valid, check
        for kind, data in db.execute("SELECT kind, data FROM observations").fetchall():
            values = json.loads(data)
            assert check_values(Kind(kind), values) == values
        states = dict(db.execute("SELECT state, count(*) FROM sessions GROUP BY state"
                                 ).fetchall())
        assert set(states) <= {"closed", "cancelled"} and states["closed"] > 250
    finally:
        db.close()
    conn = sqlite3.connect(folder / "kapdesk.sqlite3")
    try:  # the audit trail is in time order, as the app appends it
        times = [r[0] for r in conn.execute("SELECT at FROM audit ORDER BY id")]
        assert times == sorted(times)
        # the accounts' hashes are as the app makes them: a sign-in costs what it costs
        # in the app (the start-up benchmark signs in with one)
        hashes = {r[0] for r in conn.execute("SELECT password_hash FROM users")}
        assert [extract_parameters(h) for h in hashes] == [HASH_PARAMETERS]
    finally:
        conn.close()
