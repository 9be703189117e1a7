"""Reconciling the audit trail with the tables it speaks for, both ways.

Forward: every row of the session record (sessions, session events, observations, notes,
signatures, alerts and their acknowledgements) has the audit row that wrote it, and that
audit row's content hash (or, for rows audited before content hashes, its recorded values)
matches the row as it stands. Backward: every such audit row's row still exists with that
content, or a later audit row supersedes it (a note saved again, a session moved on).
Then every signature is verified against the record it signed (kapdesk.store.signature).

Rows written before migration 0006 did not all get an audit row (session events had none):
the migration records, in an audit row of its own ("baseline"), the highest id of each
table then; rows up to it need not have an audit row, but one they have must still match.
Patients, courses, accounts, outcome measures and music vetoes are reconciled in
kapdesk.store.reconcile_people.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

from kapdesk.store.audit import GENESIS, row_hash
from kapdesk.store.connection import Database
from kapdesk.store.reconcile_people import people_mismatches
from kapdesk.store.reconcile_words import (
    NO_AUDIT,
    audits_where,
    changed,
    gone,
    object_of,
    say,
)
from kapdesk.store.signature import (
    event_digest,
    loads,
    observation_digest,
    sha256,
    signed_sessions,
    verify,
)
from kapdesk.store.timefmt import to_db

LIMIT = 20
_BASELINE = {"sessions": "SELECT max(id) FROM sessions",
             "session_events": "SELECT max(id) FROM session_events",
             "observations": "SELECT max(id) FROM observations",
             "session_notes": "SELECT max(session_id) FROM session_notes",
             "alerts": "SELECT max(id) FROM alerts",
             "alert_acks": "SELECT max(alert_id) FROM alert_acks"}


def write_baseline(conn: sqlite3.Connection, now: datetime | None = None,
                   tables: dict[str, str] | None = None) -> None:
    """Migration 0006 (and 0009, for `tables`): the highest id of each table before every
    row had its audit row, as one audit row (nothing is written into an empty database)."""
    below = {t: int(conn.execute(sql).fetchone()[0] or 0)
             for t, sql in (tables or _BASELINE).items()}
    if not any(below.values()):
        return
    last = conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS
    at = to_db(now or datetime.now(UTC))
    new = json.dumps({"below": below}, sort_keys=True, separators=(",", ":"))
    conn.execute("INSERT INTO audit (at, user_id, action, entity, entity_id, old, new, "
                 "prev_hash, hash) VALUES (?, NULL, 'baseline', 'database', NULL, NULL, ?, "
                 "?, ?)", [at, new, prev,
                           row_hash(prev, at, None, "baseline", "database", None, None, new)])


def _baseline(db: Database) -> dict[str, int]:
    """Each table's id from the first baseline row that names it: migrations 0006 and 0009
    write one each; one appended later would excuse nothing."""
    found: dict[str, int] = {}
    for (new,) in db.execute("SELECT new FROM audit WHERE action = 'baseline' AND "
                             "entity = 'database' ORDER BY id"):
        below = object_of(new).get("below")
        if isinstance(below, dict):
            for k, v in below.items():
                if isinstance(v, int) and not isinstance(v, bool):
                    found.setdefault(str(k), v)
    return found


def _observations(db: Database, below: int) -> Iterator[str]:
    audits = audits_where(db, "entity LIKE 'observation:%' AND action IN ('create', 'correct', "
                         "'amend')")
    for row in db.execute("SELECT id, session_id, kind, observed_at, recorded_at, user_id, "
                          "data, corrects, reason, amendment FROM observations ORDER BY id"):
        oid, sid, _kind, observed, _rec, _user, data, *_rest = row
        mine = audits.pop(oid, [])
        if not mine:
            if oid > below:
                yield say("observations", oid, sid, NO_AUDIT)
            continue
        aid, _action, new = mine[0]
        values = loads(data)
        if "row" in new:
            same = new["row"] == observation_digest([*row[:6], values, *row[7:]])
        else:
            same = new.get("values") == values and new.get("observed_at", observed) == observed
        if not same:
            yield say("observations", oid, sid, changed(aid))
    for oid, mine in sorted(audits.items()):
        aid, _action, new = mine[0]
        yield say("observations", oid, new.get("session"), gone(aid, "its writing"))


def _events(db: Database, below: int) -> Iterator[str]:
    audits = audits_where(db, "entity = 'session_event' AND action = 'record'")
    for row in db.execute("SELECT id, session_id, at, kind, cue_key, user_id, data "
                          "FROM session_events ORDER BY id"):
        mine = audits.pop(row[0], [])
        if not mine:
            if row[0] > below:
                yield say("session_events", row[0], row[1], NO_AUDIT)
            continue
        if mine[0][2].get("row") != event_digest([*row[:6], loads(row[6])]):
            yield say("session_events", row[0], row[1], changed(mine[0][0]))
    for eid, mine in sorted(audits.items()):
        yield say("session_events", eid, mine[0][2].get("session"),
                   gone(mine[0][0], "its writing"))


def _sessions(db: Database, below: int) -> Iterator[str]:
    created = audits_where(db, "action = 'create' AND entity IN ('session', 'integration_session')")
    moves = audits_where(db, "(action = 'transition' AND entity = 'session') OR "
                        "(action = 'correct' AND entity = 'session.t0')")
    for sid, state, t0, protocol_id, kind, code in db.execute(
            "SELECT s.id, s.state, s.t0, s.protocol_id, s.kind, p.code FROM sessions s "
            "LEFT JOIN patients p ON p.id = s.patient_id ORDER BY s.id"):
        made = created.pop(sid, [])
        if not made:
            if sid > below:
                yield say("sessions", sid, sid, NO_AUDIT)
            continue
        aid, _action, new = made[0]
        steps = moves.get(sid, [])
        want_state = next((n.get("to") for _a, act, n in reversed(steps)
                           if act == "transition"),
                          "closed" if kind == "integration" else "planned")
        want_t0 = next((n.get("t0") for _a, _act, n in reversed(steps) if "t0" in n), None)
        if (new.get("patient", code) != code or new.get("protocol", protocol_id) != protocol_id
                or state != want_state or t0 != want_t0):
            last = steps[-1][0] if steps else aid
            yield say("sessions", sid, sid, changed(last))
    for sid, made in sorted(created.items()):
        yield say("sessions", sid, sid, gone(made[0][0], "its planning"))


def _notes(db: Database, below: int) -> Iterator[str]:
    saves = audits_where(db, "(action = 'save' AND entity = 'note') OR "
                        "(action = 'create' AND entity = 'integration_session')")
    for sid, text in db.execute("SELECT session_id, text FROM session_notes "
                                "ORDER BY session_id"):
        mine = saves.pop(sid, [])
        if not mine:
            if sid > below:
                yield say("session_notes", sid, sid, NO_AUDIT)
            continue
        aid, _action, new = mine[-1]  # the last save; the earlier ones it supersedes
        same = (new.get("sha256") == sha256(text) if "sha256" in new
                else new.get("chars") == len(text))
        if not same:
            yield say("session_notes", sid, sid, changed(aid))
    for sid, mine in sorted(saves.items()):
        yield say("session_notes", sid, sid, gone(mine[-1][0], "a note saved"))


def _signatures(db: Database) -> Iterator[str]:
    signs = audits_where(db, "action = 'sign' AND entity = 'session'")
    for sid, *stored in db.execute("SELECT session_id, content_hash, name, meaning, signed_at "
                                   "FROM signatures ORDER BY session_id"):
        mine = signs.pop(sid, [])
        if not mine:
            yield say("signatures", sid, sid, NO_AUDIT)
            continue
        new = mine[-1][2]  # hash and name always audited; meaning and time since 0006
        keys = ("content_hash", "name", "meaning", "signed_at")
        if any(new.get(k) != v for k, v in zip(keys, stored, strict=True)
               if k in new or k in keys[:2]):
            yield say("signatures", sid, sid, changed(mine[-1][0]))
    for sid, mine in sorted(signs.items()):
        yield say("signatures", sid, sid, gone(mine[-1][0], "the signing"))


def _alerts(db: Database, below: int, below_acks: int) -> Iterator[str]:
    raised = audits_where(db, "action = 'alert' AND entity = 'alert'")
    acks = audits_where(db, "action = 'acknowledge' AND entity = 'alert'")
    for aid_, sid, obs, rule, acked in db.execute(
            "SELECT a.id, a.session_id, a.observation_id, a.rule, k.alert_id FROM alerts a "
            "LEFT JOIN alert_acks k ON k.alert_id = a.id ORDER BY a.id"):
        mine = raised.pop(aid_, [])
        if not mine:
            if aid_ > below:
                yield say("alerts", aid_, sid, NO_AUDIT)
        elif (mine[0][2].get("rule"), mine[0][2].get("observation")) != (rule, obs):
            yield say("alerts", aid_, sid, changed(mine[0][0]))
        ack = acks.pop(aid_, [])
        if acked is not None and not ack and aid_ > below_acks:
            yield say("alert_acks", aid_, sid, NO_AUDIT)
        elif acked is None and ack:
            yield say("alert_acks", aid_, sid, gone(ack[0][0], "its acknowledgement"))
    for aid_, mine in sorted(raised.items()):
        yield say("alerts", aid_, mine[0][2].get("session"), gone(mine[0][0], "it"))


def mismatches(db: Database) -> Iterator[str]:
    """Every disagreement between the audit trail and the tables, table by table."""
    below = _baseline(db)
    yield from _sessions(db, below.get("sessions", 0))
    yield from _events(db, below.get("session_events", 0))
    yield from _observations(db, below.get("observations", 0))
    yield from _notes(db, below.get("session_notes", 0))
    yield from _signatures(db)
    yield from _alerts(db, below.get("alerts", 0), below.get("alert_acks", 0))
    yield from people_mismatches(db, below)
    for sid in signed_sessions(db):
        check = verify(db, sid)
        if check is not None and not check.valid:
            yield f"signature of session {sid}: {check.words}"


def signature_count(db: Database) -> int | str:
    """How many signatures there are to verify ("no" when they cannot be read)."""
    try:
        return int(db.execute("SELECT count(*) FROM signatures").fetchone()[0])
    except sqlite3.Error:
        return "no"


def record_problems(db: Database, limit: int = LIMIT) -> list[str]:
    """The first `limit` mismatches in words (table, row, session), and how many more."""
    found: list[str] = []
    more = 0
    try:
        for line in mismatches(db):
            if len(found) < limit:
                found.append(line)
            else:
                more += 1
    except sqlite3.Error as exc:  # a table or column removed behind KAPdesk's back
        found.append(f"reconcile: the session record cannot be read ({exc})")
    if more:
        found.append(f"reconcile: and {more} more mismatch(es)")
    return found
