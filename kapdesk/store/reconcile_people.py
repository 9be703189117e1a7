"""Reconciling the audit trail with the tables outside the session record, both ways:
patients, courses, accounts, outcome measures and music vetoes (kapdesk.store.reconcile
does the session record).

Each table's audit rows are folded in order into what the row must hold now (a patient's
fields as last saved, an account's role as last set and whether it was deactivated, a veto
added and not removed since); the row must hold it, and every audited row must still be
there. A patient made by planning a session for a new code is explained by that session's
audit row. Rows from before migration 0009 need no audit row (its "baseline" row says up to
which ids), but one they have must still match.

Not reconciled (no audit row says what they hold): an account's password and PIN hashes,
lock-out counters and last login; a profile's display name changed after it was made
without a new audit row is found, but a profile from before 0009 is compared on username,
role and whether active only; the music library cache; which tracks played in a session
(covered by the session's signature once signed).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from typing import Any

from kapdesk.store.connection import Database
from kapdesk.store.reconcile_words import (
    NO_AUDIT,
    Audits,
    audits_where,
    changed,
    gone,
    object_of,
    say,
)
from kapdesk.store.signature import loads

MIGRATION = "0009_reconcile_people"  # the migration that writes PEOPLE_BASELINE
PEOPLE_BASELINE = {"patients": "SELECT max(id) FROM patients",
                   "courses": "SELECT max(id) FROM courses",
                   "users": "SELECT max(id) FROM users",
                   "outcome_measures": "SELECT max(id) FROM outcome_measures",
                   "music_vetoes": "SELECT max(id) FROM music_vetoes"}
_PATIENT_DEFAULTS: dict[str, Any] = {"name": "", "date_of_birth": None, "weight_kg": None,
                                     "allergies": "", "notes": "", "sex": None}


def _fold(audits: Audits, entity_id: int) -> tuple[int, dict[str, Any]]:
    """The last audit row's id and the fields as the audit rows leave them."""
    state: dict[str, Any] = {}
    last = 0
    for aid, _action, new in audits.get(entity_id, []):
        state.update(new)
        last = aid
    return last, state


def _patients(db: Database, below: int) -> Iterator[str]:
    saves = audits_where(db, "entity = 'patient' AND action IN ('create', 'update')")
    planned = {str(object_of(n).get("patient")) for (n,) in db.execute(
        "SELECT new FROM audit WHERE action = 'create' AND entity IN ('session', "
        "'integration_session')")}
    for pid, code, *fields in db.execute(
            "SELECT id, code, name, date_of_birth, weight_kg, allergies, notes, sex "
            "FROM patients ORDER BY id"):
        aid, state = _fold(saves, pid)
        saves.pop(pid, None)
        if not aid and code not in planned:
            if pid > below:
                yield say("patients", pid, None, NO_AUDIT)
            continue
        row = dict(zip(_PATIENT_DEFAULTS, fields, strict=True))
        want = {k: state.get(k, d) for k, d in _PATIENT_DEFAULTS.items()}
        if (state.get("code", code) != code or row != want) and (aid or pid > below):
            yield say("patients", pid, None, changed(aid) if aid else
                       "differs from a patient made for a session (changed behind "
                       "KAPdesk's back)")
    for pid, mine in sorted(saves.items()):
        yield say("patients", pid, None, gone(mine[0][0], "its creation"))


def _courses(db: Database, below: int) -> Iterator[str]:
    made = audits_where(db, "entity = 'course'")
    for cid, code, protocol, planned, status in db.execute(
            "SELECT c.id, p.code, c.protocol_id, c.planned_sessions, c.status FROM courses c "
            "LEFT JOIN patients p ON p.id = c.patient_id ORDER BY c.id"):
        aid, state = _fold(made, cid)
        made.pop(cid, None)
        if not aid:
            if cid > below:
                yield say("courses", cid, None, NO_AUDIT)
            continue
        if (state.get("patient"), state.get("protocol"), state.get("planned"),
                state.get("status", "active")) != (code, protocol, planned, status):
            yield say("courses", cid, None, changed(aid))
    for cid, mine in sorted(made.items()):
        yield say("courses", cid, None, gone(mine[0][0], "its creation"))


def _users(db: Database, below: int) -> Iterator[str]:
    made = audits_where(db, "(entity = 'account' AND action = 'create') OR "
                       "(entity = 'user' AND action = 'create')")
    roles = audits_where(db, "entity = 'account.role' AND action = 'update'")
    deactivated = audits_where(db, "entity = 'account' AND action = 'deactivate'")
    for uid, username, name, role, active in db.execute(
            "SELECT id, username, display_name, role, active FROM users ORDER BY id"):
        aid, state = _fold(made, uid)  # the profile, then the account made on it
        made.pop(uid, None)
        if not aid:
            if uid > below:
                yield say("users", uid, None, NO_AUDIT)
            continue
        last_role, role_state = _fold(roles, uid)
        off = deactivated.get(uid, [])
        want = (state.get("username"), state.get("display_name", name),
                role_state.get("role", state.get("role")), 0 if off else 1)
        if want != (username, name, role, active):
            yield say("users", uid, None, changed(max(aid, last_role,
                                                        off[-1][0] if off else 0)))
    for uid, mine in sorted(made.items()):
        yield say("users", uid, None, gone(mine[0][0], "the account's creation"))


def _outcomes(db: Database, below: int) -> Iterator[str]:
    written = audits_where(db, "entity = 'outcome_measure' AND action IN ('record', 'correct')")
    for row in db.execute(
            "SELECT m.id, p.code, m.instrument, m.items, m.total, m.band, m.taken_at, "
            "m.corrects FROM outcome_measures m LEFT JOIN patients p ON p.id = m.patient_id "
            "ORDER BY m.id"):
        mid, code, instrument, items, total, band, taken_at, corrects = row
        mine = written.pop(mid, [])
        if not mine:
            if mid > below:
                yield say("outcome_measures", mid, None, NO_AUDIT)
            continue
        aid, action, new = mine[0]
        stored = {"patient": code, "instrument": instrument, "items": loads(items),
                  "total": total, "band": band, "taken_at": taken_at}
        if ({k: new.get(k) for k in stored} != stored
                or (action == "correct") != (corrects is not None)):
            yield say("outcome_measures", mid, None, changed(aid))
    for mid, mine in sorted(written.items()):
        yield say("outcome_measures", mid, None, gone(mine[0][0], "its recording"))


def _vetoes(db: Database, below: int) -> Iterator[str]:
    """A veto stands from its "create" audit row until a "delete" one: a veto removed behind
    KAPdesk's back would let the patient's refused track play again."""
    standing: dict[int, tuple[int, dict[str, Any]]] = {}
    for aid, action, vid, old, new in db.execute(
            "SELECT id, action, entity_id, old, new FROM audit WHERE entity = 'music_veto' "
            "ORDER BY id"):
        if not isinstance(vid, int):
            continue
        if action == "create":
            standing[vid] = (int(aid), object_of(new))
        elif action == "delete":
            standing[vid] = (int(aid), {"removed": True, **object_of(old)})
    for vid, code, path, reason in db.execute(
            "SELECT v.id, p.code, v.path, v.reason FROM music_vetoes v "
            "LEFT JOIN patients p ON p.id = v.patient_id ORDER BY v.id"):
        aid, state = standing.pop(vid, (0, {}))
        if not aid:
            if vid > below:
                yield say("music_vetoes", vid, None, NO_AUDIT)
            continue
        if state.get("removed") or (state.get("patient"), state.get("path"),
                                    state.get("reason")) != (code, path, reason):
            yield say("music_vetoes", vid, None, changed(aid))
    for vid, (aid, state) in sorted(standing.items()):
        if not state.get("removed"):
            yield say("music_vetoes", vid, None, gone(aid, "the veto, never removed"))


def _migrated(db: Database) -> bool:
    try:
        return db.execute("SELECT 1 FROM _sqlite_migrations WHERE name = ?",
                          [MIGRATION]).fetchone() is not None
    except sqlite3.Error:
        return False


def people_mismatches(db: Database, below: dict[str, int]) -> Iterator[str]:
    """Every disagreement between the trail and the tables outside the session record.
    A database not yet migrated (checked read-only after an upgrade) has no baseline for
    them: its rows without an audit row are then not named; those with one still are."""
    if not _migrated(db):
        below = {**below, **dict.fromkeys(PEOPLE_BASELINE, sys.maxsize)}
    yield from _users(db, below.get("users", 0))
    yield from _patients(db, below.get("patients", 0))
    yield from _courses(db, below.get("courses", 0))
    yield from _outcomes(db, below.get("outcome_measures", 0))
    yield from _vetoes(db, below.get("music_vetoes", 0))
