"""Every note a clinician types is bounded at the store, by the one rule in
kapdesk.core.text_rules (MAX_NOTE): the session note, an amendment to it and an integration
session's note and plan. Past the bound the store refuses in words, says how much over, and
writes nothing; a note stored before the bound (a restored old backup) still reads whole."""

import re

import pytest

from kapdesk.core.errors import ValidationError
from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.core.text_rules import MAX_NOTE, shown_note
from kapdesk.store.timefmt import to_db


def _preparing(sessions, im_kap, user_id) -> int:
    session = sessions.plan("K-014", im_kap, user_id)
    sessions.transition(session.id, State.PREPARING, user_id)
    return session.id


def test_the_session_note_is_refused_past_the_bound_saying_how_much_over(
        sessions, records, audit, im_kap, user_id) -> None:
    sid = _preparing(sessions, im_kap, user_id)
    records.save_note(sid, "Settled.", user_id)
    with pytest.raises(ValidationError, match=re.escape(
            "The session note is at most 20,000 characters; this one is 20,001, 1 over.")):
        records.save_note(sid, "n" * (MAX_NOTE + 1), user_id)
    assert records.note(sid) == "Settled."
    assert len(audit.rows("note", sid)) == 1  # the refused one wrote no audit row
    whole = "  indented, as typed\n" + "w" * (MAX_NOTE - 22) + "\n"
    assert len(whole) == MAX_NOTE
    records.save_note(sid, whole, user_id)
    assert records.note(sid) == whole  # kept as typed: not stripped


def test_an_amendment_to_the_note_is_bounded_too(sessions, records, im_kap, user_id) -> None:
    sid = _preparing(sessions, im_kap, user_id)
    with pytest.raises(ValidationError, match=re.escape(
            "The amendment to the note is at most 20,000 characters; this one is 25,000, "
            "5,000 over.")):
        records.add_amendment(sid, Kind.NOTE, {"text": "a" * 25_000}, user_id, "late call")
    assert records.all(sid) == []
    saved = records.add_amendment(sid, Kind.NOTE, {"text": "a" * MAX_NOTE}, user_id,
                                  "late call")
    assert len(saved.observation.values["text"]) == MAX_NOTE


def test_an_integration_note_and_its_plan_are_bounded(db, patients, clock, user_id) -> None:
    def count() -> int:
        return int(db.execute("SELECT count(*) FROM sessions").fetchone()[0])

    with pytest.raises(ValidationError, match=re.escape(
            "The integration note is at most 20,000 characters; this one is 300,000, "
            "280,000 over.")):
        patients.record_integration("K-014", clock.now(), "i" * 300_000, "", user_id)
    with pytest.raises(ValidationError, match="The plan is at most 2,000 characters"):
        patients.record_integration("K-014", clock.now(), "Talked.", "p" * 2001, user_id)
    with pytest.raises(ValidationError, match=re.escape(
            "The integration note with its plan is at most 20,000 characters; this one is "
            "20,011, 11 over.")):
        patients.record_integration("K-014", clock.now(), "i" * (MAX_NOTE - 5), "Journal.",
                                    user_id)
    assert count() == 0 and patients.by_code("K-014") is None  # nothing written
    sid = patients.record_integration("K-014", clock.now(), "i" * 19_000, "Journal.", user_id)
    assert db.execute("SELECT length(text) FROM session_notes WHERE session_id = ?",
                      [sid]).fetchone() == (19_000 + len("\n\nPlan: Journal."),)


def test_a_note_stored_before_the_bound_still_reads_whole_and_shows_elided(
        db, sessions, records, clock, im_kap, user_id) -> None:
    sid = _preparing(sessions, im_kap, user_id)
    old = "o" * 300_000  # as a restored backup from before the bound could hold
    with db.atomic():
        db.execute("INSERT INTO session_notes (session_id, text, updated_at, updated_by) "
                   "VALUES (?, ?, ?, ?)", [sid, old, to_db(clock.now()), user_id])
    assert records.note(sid) == old  # the record keeps it whole
    shown = shown_note(records.note(sid))
    assert shown.startswith("o" * MAX_NOTE) and len(shown) < MAX_NOTE + 300
    assert "280,000 more characters not shown: this note is 300,000 characters" in shown
