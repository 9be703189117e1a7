"""What a signature covers: the whole record of the session, serialised canonically and
hashed at signing, and recomputed whenever anyone asks whether it still holds.

The record is read in parts, each a list of rows in id order, each row a JSON list of its
columns (text and numbers as stored, JSON columns parsed so that key order and spacing
cannot matter):

    session     the sessions row (patient, protocol, planned time, dose time T0, course,
                number); not its state, which still moves from discharged to closed
    dose        the dose records (observations of kind dose)
    entries     every other entry and its corrections, as written (not amendments)
    checklists  the screening and discharge checklists
    cue_events  every session event (cues, transitions, clock jumps, T0 corrections), but
                the transition to closed, which may follow the signature
    alerts      the alerts raised and their acknowledgements
    music       the tracks played or skipped
    note        the free-text note, who saved it last and when

Each part is hashed (SHA-256 of its canonical JSON); the signature's content hash is the
hash of the part hashes, so a changed record names the parts that differ. Amendments
after signing are not part of what was signed: they are separate rows, each with its audit
row, listed beside the signature. Signatures made before this version (version 1) covered
the entries and the note only, and are verified as such.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kapdesk.store.connection import Database
from kapdesk.store.timefmt import from_db, to_db

VERSION = 2
MEANING = "Reviewed and signed as the session note"
PARTS: Mapping[str, str] = {
    "session": "the session (patient, protocol, dose time)",
    "dose": "the dose records",
    "entries": "the entries and corrections",
    "checklists": "the checklists",
    "cue_events": "the cue and session events",
    "alerts": "the alerts and their acknowledgements",
    "music": "the music played",
    "note": "the note",
}
_CHECKLISTS = ("screening", "discharge")
_OBS = ("SELECT id, kind, observed_at, recorded_at, user_id, data, corrects, reason "
        "FROM observations WHERE session_id = ? AND amendment = 0 ")


def canonical(value: Any) -> str:
    """The one text of a JSON value: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def loads(text: Any) -> Any:
    """A JSON column's value; text that is not JSON (written behind KAPdesk's back) is
    kept as it is, so that it hashes differently instead of failing the check."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return {"not JSON": text}


def observation_digest(row: list[Any]) -> str:
    """An observation's content hash, as its audit row records it: of [id, session_id,
    kind, observed_at, recorded_at, user_id, data (parsed), corrects, reason, amendment]."""
    return sha256(canonical(row))


def event_digest(row: list[Any]) -> str:
    """A session event's content hash: of [id, session_id, at, kind, cue_key, user_id,
    data (parsed)]."""
    return sha256(canonical(row))


def _rows(db: Database, sql: str, params: list[Any], json_cols: tuple[int, ...] = (),
          ) -> list[list[Any]]:
    out = []
    for row in db.execute(sql, params).fetchall():
        values = list(row)
        for i in json_cols:
            values[i] = loads(values[i])
        out.append(values)
    return out


def record_parts(db: Database, session_id: int) -> dict[str, list[list[Any]]]:
    """The signed record of one session, part by part (see the module's docstring)."""
    marks = ", ".join("?" * len(_CHECKLISTS))
    events = [e for e in _rows(db, "SELECT id, at, kind, cue_key, user_id, data FROM "
                               "session_events WHERE session_id = ? ORDER BY id",
                               [session_id], (5,))
              if not (e[2] == "transition" and isinstance(e[5], dict)
                      and e[5].get("to") == "closed")]
    return {
        "session": _rows(db, "SELECT id, patient_id, protocol_id, protocol_json, planned_at, "
                         "t0, created_by, course_id, kind, number FROM sessions WHERE id = ?",
                         [session_id], (3,)),
        "dose": _rows(db, _OBS + "AND kind = 'dose' ORDER BY id", [session_id], (5,)),
        "entries": _rows(db, _OBS + f"AND kind NOT IN ('dose', {marks}) ORDER BY id",
                         [session_id, *_CHECKLISTS], (5,)),
        "checklists": _rows(db, _OBS + f"AND kind IN ({marks}) ORDER BY id",
                            [session_id, *_CHECKLISTS], (5,)),
        "cue_events": events,
        "alerts": _rows(db, "SELECT a.id, a.observation_id, a.rule, a.severity, a.message, "
                        "a.raised_at, a.confirm_due_at, k.at, k.user_id FROM alerts a "
                        "LEFT JOIN alert_acks k ON k.alert_id = a.id WHERE a.session_id = ? "
                        "ORDER BY a.id", [session_id]),
        "music": _rows(db, "SELECT id, phase, path, started_at, ended_at, outcome, reason "
                       "FROM music_plays WHERE session_id = ? ORDER BY id", [session_id]),
        "note": _rows(db, "SELECT text, updated_at, updated_by FROM session_notes "
                      "WHERE session_id = ?", [session_id]),
    }


def part_hashes(db: Database, session_id: int) -> dict[str, str]:
    return {name: sha256(canonical(rows)) for name, rows in record_parts(db, session_id).items()}


def content_hash(session_id: int, parts: Mapping[str, str]) -> str:
    """The signature's hash: of the version, the session and each part's hash."""
    return sha256(canonical({"version": VERSION, "session": session_id, "parts": dict(parts)}))


def legacy_hash(db: Database, session_id: int) -> str:
    """Version 1 (before the whole record was covered): the entries and the note."""
    digest = hashlib.sha256()
    for oid, kind, observed, _rec, user, data, corrects, _reason in db.execute(
            _OBS + "ORDER BY id", [session_id]).fetchall():
        try:
            when = to_db(from_db(observed))
        except (TypeError, ValueError):
            when = str(observed)
        digest.update(json.dumps([oid, kind, when, user, loads(data), corrects],
                                 sort_keys=True).encode())
    row = db.execute("SELECT text FROM session_notes WHERE session_id = ?",
                     [session_id]).fetchone()
    digest.update(str(row[0] if row else "").encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on one signature: valid, or which parts differ from what was signed."""

    session_id: int
    valid: bool
    differs: tuple[str, ...]  # part names (PARTS), "signature" or "audit"
    words: str
    amendments: int = 0


def _amendments(db: Database, session_id: int) -> int:
    return int(db.execute("SELECT count(*) FROM observations WHERE session_id = ? AND "
                          "amendment = 1", [session_id]).fetchone()[0])


def verify(db: Database, session_id: int) -> SignatureCheck | None:
    """Recompute the signed record's hash; None when the session is not signed."""
    row = db.execute("SELECT name, signed_at, content_hash, version, parts, meaning, user_id "
                     "FROM signatures WHERE session_id = ?", [session_id]).fetchone()
    if row is None:
        return None
    name, signed_at, stored, version, parts_text, meaning, user_id = row
    differs: list[str] = []
    if not _as_audited(db, session_id, {"content_hash": stored, "name": name,
                                         "meaning": meaning, "signed_at": signed_at},
                       user_id):
        differs.append("audit")
    if not isinstance(version, int) or version < VERSION or parts_text is None:
        if legacy_hash(db, session_id) != stored:
            differs.append("entries or note")
    else:
        was = loads(parts_text)
        was = was if isinstance(was, dict) else {}
        if content_hash(session_id, was) != stored:
            differs.append("signature")
        now = part_hashes(db, session_id)
        differs += [p for p in PARTS if now.get(p) != was.get(p)]
    amended = _amendments(db, session_id)
    since = (f"; {amended} amendment{'s' if amended != 1 else ''} since, each in the audit "
             "trail" if amended else "")
    try:
        when = from_db(signed_at).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError):
        when = str(signed_at)
    if not differs:
        return SignatureCheck(session_id, True, (), f"Signature valid: the record is as "
                              f"{name} signed it on {when}{since}.", amended)
    what = ", ".join(PARTS.get(d, {"audit": "the signer, meaning, time or hash beside its "
                                            "audit row",
                                   "signature": "the signature's own hash"}.get(d, d))
                     for d in differs)
    return SignatureCheck(session_id, False, tuple(differs),
                          f"Signature NOT valid: {what} changed since {name} signed "
                          f"on {when}.", amended)


def _as_audited(db: Database, session_id: int, row: Mapping[str, Any], user_id: int) -> bool:
    """Whether the signature row says what its audit row (chained and sealed) recorded:
    who, what it means, when (audited since version 2) and the hash."""
    signed = db.execute("SELECT new, user_id FROM audit WHERE action = 'sign' AND "
                        "entity = 'session' AND entity_id = ? ORDER BY id DESC LIMIT 1",
                        [session_id]).fetchone()
    recorded = loads(signed[0]) if signed is not None else None
    if not isinstance(recorded, dict) or signed[1] != user_id:
        return False
    return all(recorded[k] == v for k, v in row.items()
               if k in recorded or k in ("content_hash", "name"))


def signed_sessions(db: Database) -> list[int]:
    return [int(r[0]) for r in db.execute(
        "SELECT session_id FROM signatures ORDER BY session_id").fetchall()]
