"""The note, the signature and what it locks, amendments after sign-off, acknowledgements."""

import hashlib
import json
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import ValidationError
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.core.text_rules import MAX_NOTE
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.records import SIGN_MEANING, RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.timefmt import to_db
from tests.store.conftest import discharge, preparing

NOT_YET = re.escape("A session can be signed after discharge.")
LOCKED = "This session is signed and locked: a change must be an amendment, with a reason."


@pytest.fixture
def sid(sessions: SessionStore, im_kap: Protocol, user_id: int) -> int:
    return preparing(sessions, im_kap, user_id)


@pytest.fixture
def signed(records: RecordStore, sessions: SessionStore, clock: FakeClock, sid: int,
           user_id: int) -> int:
    """A dosed session with one vitals entry and a note, discharged and signed."""
    clock.advance(300)
    sessions.transition(sid, State.DOSED, user_id)
    clock.advance(15 * 60)
    records.record(sid, Kind.VITALS, {"systolic": 130, "diastolic": 80}, user_id)
    records.save_note(sid, "Settled quickly.", user_id)
    discharge(sessions, clock, sid, user_id)
    records.sign(sid, user_id, "Dr Ana Silva")
    return sid


def test_sign_only_after_discharge(records: RecordStore, sessions: SessionStore,
                                   clock: FakeClock, sid: int, user_id: int) -> None:
    with pytest.raises(ValidationError, match=NOT_YET):
        records.sign(sid, user_id, "Dr Ana Silva")
    clock.advance(300)
    sessions.transition(sid, State.DOSED, user_id)
    sessions.transition(sid, State.RECOVERY, user_id)
    with pytest.raises(ValidationError, match=NOT_YET):
        records.sign(sid, user_id, "Dr Ana Silva")
    assert records.signature(sid) is None


def test_signature_records_name_time_meaning_and_content(
        records: RecordStore, audit: AuditTrail, clock: FakeClock, signed: int,
        user_id: int) -> None:
    signature = records.signature(signed)
    assert signature is not None
    assert (signature.session_id, signature.user_id, signature.name, signature.meaning) == (
        signed, user_id, "Dr Ana Silva", SIGN_MEANING)
    assert signature.meaning == "Reviewed and signed as the session note"
    assert signature.signed_at == clock.now()
    assert signature.content_hash == records.content_hash(signed)
    [row] = audit.rows("session", signed)[-1:]
    assert (row["action"], row["user_id"]) == ("sign", user_id)
    assert json.loads(row["new"]) == {"name": "Dr Ana Silva", "meaning": SIGN_MEANING,
                                      "content_hash": signature.content_hash,
                                      "signed_at": to_db(signature.signed_at)}
    with pytest.raises(ValidationError, match=re.escape("This session is already signed.")):
        records.sign(signed, user_id, "Dr Ana Silva")


def test_a_signed_session_is_locked(records: RecordStore, db: Database,
                                    signed: int, user_id: int) -> None:
    before = (records.all(signed), records.note(signed), records.content_hash(signed))
    [obs] = records.current(signed)
    attempts = [
        lambda: records.record(signed, Kind.MOAAS, {"score": 5}, user_id),
        lambda: records.correct(obs.id, user_id, "typo", {"systolic": 131, "diastolic": 80}),
        lambda: records.save_note(signed, "Changed after signing.", user_id),
        lambda: records.save_note(signed, "Settled quickly.", user_id),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as info:
            attempt()
        assert str(info.value) == LOCKED
    assert (records.all(signed), records.note(signed), records.content_hash(signed)) == before


def test_the_database_refuses_a_plain_insert_into_a_signed_session(
        records: RecordStore, db: Database, clock: FakeClock, signed: int,
        user_id: int) -> None:
    insert = ("INSERT INTO observations (session_id, kind, observed_at, recorded_at, user_id, "
              "data, amendment) VALUES (?, 'moaas', ?, ?, ?, '{\"score\": 5}', ?)")
    now = to_db(clock.now())
    with pytest.raises(sqlite3.IntegrityError,
                       match="the session is signed: changes must be amendments"):
        db.execute(insert, [signed, now, now, user_id, 0])
    with pytest.raises(sqlite3.IntegrityError,
                       match="the session is signed: changes must be amendments"):
        db.execute("UPDATE session_notes SET text = 'forged' WHERE session_id = ?", [signed])
    assert records.note(signed) == "Settled quickly."
    # an amendment only right after its own audit row (RecordStore.add_amendment)
    with pytest.raises(sqlite3.IntegrityError,
                       match="an amendment to a signed session is written with its audit row"):
        db.execute(insert, [signed, now, now, user_id, 1])
    assert len(records.all(signed)) == 1


def test_amend_after_signing_needs_a_reason_and_keeps_the_original(
        records: RecordStore, audit: AuditTrail, clock: FakeClock, signed: int,
        user_id: int) -> None:
    [original] = records.current(signed)
    with pytest.raises(ValidationError,
                       match=re.escape("An amendment to a signed session needs a reason.")):
        records.amend(original.id, user_id, "  ", {"systolic": 140, "diastolic": 85})
    clock.advance(3600)
    saved = records.amend(original.id, user_id, " cuff reading misread ",
                          {"systolic": 140, "diastolic": 85})
    amended = saved.observation
    assert (amended.corrects, amended.amendment, amended.reason) == (
        original.id, True, "cuff reading misread")
    assert records.chain(original.id) == [original, amended]
    assert records.get(original.id) == original  # the signed original stays visible
    assert records.current(signed) == [amended]
    row = audit.rows("observation:vitals", amended.id)[0]
    assert (row["action"], row["user_id"]) == ("amend", user_id)
    assert json.loads(row["old"])["values"] == {"systolic": 130.0, "diastolic": 80.0}
    # the signature still records what was signed, and still holds: the amendment is
    # a row of its own, audited, not a change to what was signed
    signature = records.signature(signed)
    assert signature is not None and signature.content_hash == records.content_hash(signed)
    check = records.verify_signature(signed)
    assert check is not None and check.valid and check.amendments == 1


def test_amend_before_signing_is_a_correction(records: RecordStore, sid: int,
                                              user_id: int) -> None:
    a = records.record(sid, Kind.MOAAS, {"score": 4}, user_id).observation
    b = records.amend(a.id, user_id, "typo", {"score": 5}).observation
    assert (b.corrects, b.amendment) == (a.id, False)
    with pytest.raises(ValidationError, match=re.escape("A correction needs a reason.")):
        records.amend(b.id, user_id, "", {"score": 4})


def test_add_amendment_adds_a_late_entry(records: RecordStore, audit: AuditTrail,
                                         clock: FakeClock, signed: int, user_id: int) -> None:
    with pytest.raises(ValidationError,
                       match=re.escape("An amendment to a signed session needs a reason.")):
        records.add_amendment(signed, Kind.NOTE, {"text": "Late"}, user_id, " ")
    clock.advance(86400)
    saved = records.add_amendment(signed, Kind.NOTE, {"text": "Patient called: slept well."},
                                  user_id, "follow-up call")
    late = saved.observation
    assert (late.kind, late.amendment, late.reason, late.corrects) == (
        Kind.NOTE, True, "follow-up call", None)
    assert late.values == {"text": "Patient called: slept well."}
    assert saved.alerts == ()
    assert late in records.current(signed)
    row = audit.rows("observation:note", late.id)[0]
    assert (row["action"], row["user_id"]) == ("amend", user_id)
    new = json.loads(row["new"])
    assert len(new.pop("row")) == 64
    assert new == {"values": {"text": "Patient called: slept well."},
                   "reason": "follow-up call", "session": signed}


def test_add_amendment_on_an_unsigned_session_is_a_plain_entry(records: RecordStore,
                                                               sid: int, user_id: int) -> None:
    late = records.add_amendment(sid, Kind.SIDE_EFFECT, {"name": "Headache",
                                                         "severity": "mild"},
                                 user_id, "remembered later").observation
    assert (late.amendment, late.reason) == (False, "remembered later")


# -- the note -------------------------------------------------------------------------------

NOTE_SAMPLES = [
    "Plain note.",
    "Emoji 🌿🧘‍♀️👍🏽 and flags 🇵🇹",
    "RTL: שלום עולם — مرحبا بالعالم",
    "Combining: e\u0301 a\u0308 n\u0303 Z\u0335\u0321a\u0336l\u0337g\u0338o",
    "Line\nbreaks\r\nand\ttabs, zero-width\u200bspace, BOM \ufeff, max \U0010fffd",
    "",
]


@pytest.mark.parametrize("text", NOTE_SAMPLES)
def test_unicode_notes_read_back_exactly(records: RecordStore, db_path: Path, sid: int,
                                         user_id: int, text: str) -> None:
    records.save_note(sid, "draft", user_id)
    records.save_note(sid, text, user_id)
    assert records.note(sid) == text
    conn = sqlite3.connect(db_path)  # committed: another connection sees it
    try:
        assert conn.execute("SELECT text FROM session_notes WHERE session_id = ?",
                            [sid]).fetchone()[0] == text
    finally:
        conn.close()


def test_a_note_of_the_whole_bound_saves_and_reads_back(records: RecordStore,
                                                        audit: AuditTrail, sid: int,
                                                        user_id: int) -> None:
    text = ("Ketamine-assisted session, T+40: calm. Zoë ✓ שלום 🌿\n" * 1_000)[:MAX_NOTE]
    records.save_note(sid, text, user_id)
    assert records.note(sid) == text
    row = audit.rows("note", sid)[-1]
    assert json.loads(row["new"])["chars"] == MAX_NOTE == 20_000
    longest = "x" * MAX_NOTE  # one unbroken line, kept as typed
    records.save_note(sid, longest, user_id)
    assert records.note(sid) == longest


def test_a_note_over_the_bound_is_refused_in_words_and_the_last_one_kept(
        records: RecordStore, sid: int, user_id: int) -> None:
    records.save_note(sid, "kept", user_id)
    with pytest.raises(ValidationError) as info:
        records.save_note(sid, "x" * (MAX_NOTE + 345), user_id)
    assert str(info.value) == ("The session note is at most 20,000 characters; this one is "
                               "20,345, 345 over. Shorten it to save it.")
    assert records.note(sid) == "kept"


def test_an_unchanged_note_writes_no_audit_row(records: RecordStore, audit: AuditTrail,
                                               clock: FakeClock, sid: int,
                                               user_id: int) -> None:
    records.save_note(sid, "Settled.", user_id)
    clock.advance(5)
    records.save_note(sid, "Settled.", user_id)
    rows = audit.rows("note", sid)
    assert len(rows) == 1
    assert json.loads(rows[0]["new"]) == {
        "chars": 8, "sha256": hashlib.sha256(b"Settled.").hexdigest()}
    assert (rows[0]["user_id"], rows[0]["action"]) == (user_id, "save")


# -- alerts and the content hash ----------------------------------------------------------

def test_acknowledge_alert_is_idempotent(records: RecordStore, sessions: SessionStore,
                                         audit: AuditTrail, clock: FakeClock, sid: int,
                                         user_id: int, other_user_id: int) -> None:
    clock.advance(60)
    sessions.transition(sid, State.DOSED, user_id)
    [alert] = records.record(sid, Kind.MOAAS, {"score": 2}, user_id).alerts
    assert records.alerts(sid)[0].acknowledged_at is None
    clock.advance(30)
    acked_at = clock.now()
    records.acknowledge_alert(alert.id, user_id)
    clock.advance(30)
    records.acknowledge_alert(alert.id, other_user_id)
    assert records.alerts(sid)[0].acknowledged_at == acked_at
    acks = [r for r in audit.rows("alert", alert.id) if r["action"] == "acknowledge"]
    assert [(r["user_id"], r["at"]) for r in acks] == [(user_id, to_db(acked_at))]
    with pytest.raises(ValidationError, match=re.escape("There is no alert 999.")):
        records.acknowledge_alert(999, user_id)


def test_content_hash_changes_when_content_changes(records: RecordStore, clock: FakeClock,
                                                   sid: int, user_id: int) -> None:
    empty = records.content_hash(sid)
    assert len(empty) == 64 and records.content_hash(sid) == empty
    records.save_note(sid, "Note", user_id)
    with_note = records.content_hash(sid)
    assert with_note != empty
    a = records.record(sid, Kind.MOAAS, {"score": 5}, user_id).observation
    with_entry = records.content_hash(sid)
    assert with_entry != with_note
    records.correct(a.id, user_id, "typo", {"score": 4})
    assert records.content_hash(sid) != with_entry
    before = records.content_hash(sid)
    clock.advance(600)  # time passing alone changes nothing
    assert records.content_hash(sid) == before
    records.save_note(sid, "Note.", user_id)
    assert records.content_hash(sid) != before


def test_signed_content_hash_is_of_the_signed_content(records: RecordStore, signed: int,
                                                      user_id: int) -> None:
    signature = records.signature(signed)
    assert signature is not None
    records.add_amendment(signed, Kind.NOTE, {"text": "late"}, user_id, "late entry")
    assert signature.content_hash == records.content_hash(signed)  # amendments are apart
    assert records.signature(signed) == signature
    check = records.verify_signature(signed)
    assert check is not None and check.valid
    assert check.words.startswith("Signature valid: the record is as Dr Ana Silva signed it")
    assert check.words.endswith("; 1 amendment since, each in the audit trail.")


def test_an_integration_session_is_not_signed(records: RecordStore, sessions: SessionStore,
                                              patients, clock: FakeClock,
                                              user_id: int) -> None:
    """Stored closed, it passes the state test of signing; its kind does not (the History
    window hides its sign button by the same rule, core.session.signable)."""
    clock.advance(3600)
    sid = patients.record_integration("K-301", clock.now() - timedelta(minutes=50),
                                      "Talked through the last session.", "", user_id)
    session = sessions.get(sid)
    assert (session.kind, session.state) == ("integration", State.CLOSED)
    with pytest.raises(ValidationError, match="An integration session needs no signature"):
        records.sign(sid, user_id, "Dr Ana Silva")
    assert records.signature(sid) is None and sid not in [s.id for s in sessions.unsigned()]
