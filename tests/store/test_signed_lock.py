"""Signed means immutable: every table holding part of a signed session refuses INSERT,
UPDATE and DELETE for it (closing it, and audited amendments, are the only ways in)."""

import sqlite3

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.cues import CueEventKind
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.connection import Database
from kapdesk.store.music import MusicStore
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.signature import verify
from kapdesk.store.timefmt import to_db
from tests.store.conftest import discharge, preparing

LOCKED = "the session is signed: changes must be amendments"


@pytest.fixture
def signed(records: RecordStore, sessions: SessionStore, clock: FakeClock, db: Database,
           im_kap: Protocol, user_id: int, audit) -> int:
    """Dosed, an alert acknowledged, a track played, discharged and signed (not closed)."""
    sid = preparing(sessions, im_kap, user_id)
    clock.advance(300)
    sessions.transition(sid, State.DOSED, user_id)
    music = MusicStore(db, clock, audit)
    music.end_play(music.start_play(sid, "onset", "/music/a.flac"))
    clock.advance(15 * 60)
    saved = records.record(sid, Kind.VITALS, {"systolic": 185, "diastolic": 95}, user_id)
    records.acknowledge_alert(saved.alerts[0].id, user_id)
    discharge(sessions, clock, sid, user_id)
    records.sign(sid, user_id, "Dr Ana Silva")
    return sid


def test_every_table_of_the_record_refuses_changes(db: Database, clock: FakeClock,
                                                   signed: int, user_id: int) -> None:
    now = to_db(clock.now())
    alert = db.execute("SELECT id, observation_id FROM alerts WHERE session_id = ?",
                       [signed]).fetchone()
    attempts = [
        ("INSERT INTO session_events (session_id, at, kind, data) VALUES (?, ?, 'cue_due', "
         "'{}')", [signed, now]),
        ("INSERT INTO alerts (session_id, observation_id, rule, severity, message, raised_at) "
         "VALUES (?, ?, 'x', 'warning', 'x', ?)", [signed, alert[1], now]),
        ("UPDATE alerts SET message = 'forged' WHERE id = ?", [alert[0]]),
        ("DELETE FROM alerts WHERE id = ?", [alert[0]]),
        ("UPDATE alert_acks SET at = ? WHERE alert_id = ?", [now, alert[0]]),
        ("DELETE FROM alert_acks WHERE alert_id = ?", [alert[0]]),
        ("INSERT INTO music_plays (session_id, phase, path, started_at) VALUES (?, 'peak', "
         "'/b.flac', ?)", [signed, now]),
        ("UPDATE music_plays SET reason = 'forged' WHERE session_id = ?", [signed]),
        ("UPDATE sessions SET number = 9 WHERE id = ?", [signed]),
        ("UPDATE sessions SET state = 'recovery' WHERE id = ?", [signed]),
        ("INSERT INTO session_notes (session_id, text, updated_at, updated_by) VALUES "
         "(?, 'x', ?, ?)", [signed, now, user_id]),
    ]
    before = verify(db, signed)
    assert before is not None and before.valid
    for sql, params in attempts:
        with pytest.raises(sqlite3.IntegrityError, match=LOCKED):
            db.execute(sql, params)
    assert verify(db, signed) == before


def test_closing_and_amending_a_signed_session_keep_its_signature(
        sessions: SessionStore, records: RecordStore, db: Database, signed: int,
        user_id: int) -> None:
    sessions.transition(signed, State.CLOSED, user_id)  # discharged -> closed is allowed
    with pytest.raises(sqlite3.IntegrityError, match=LOCKED):
        sessions.record_cue(signed, "late", CueEventKind.DUE, None)
    records.add_amendment(signed, Kind.NOTE, {"text": "Called: slept well."}, user_id,
                          "follow-up")
    check = verify(db, signed)
    assert check is not None and check.valid and check.amendments == 1
