"""The history view's lists from SQL: patients that match a search and a filter, the
protocols in use, and the REMS forms still due. Read-only."""

from __future__ import annotations

from typing import Any

from kapdesk.core.clock import Clock
from kapdesk.core.history import HistoryFilter, PatientRow, RemsDue
from kapdesk.core.session import SIGNABLE_STATES, SIGNED_KINDS
from kapdesk.core.text_rules import like_contains
from kapdesk.store.connection import Database
from kapdesk.store.reports import rems_due
from kapdesk.store.timefmt import from_db, to_db

_WHEN = "coalesce(s.t0, s.planned_at)"
_SIGNED = "EXISTS (SELECT 1 FROM signatures g WHERE g.session_id = s.id)"
_ALERTS = "(SELECT count(*) FROM alerts a WHERE a.session_id = s.id)"
_SIGNABLE_SQL = ", ".join(repr(state.value) for state in sorted(SIGNABLE_STATES))
_SIGNED_KINDS_SQL = ", ".join(repr(kind) for kind in sorted(SIGNED_KINDS))
# core.session.signable, as SQL
_UNSIGNED = (f"(s.kind IN ({_SIGNED_KINDS_SQL}) AND s.state IN ({_SIGNABLE_SQL}) "
             f"AND NOT {_SIGNED})")


def _session_terms(flt: HistoryFilter) -> tuple[list[str], list[Any]]:
    """SQL conditions on `s` (a session row) for the filter's session criteria."""
    terms: list[str] = []
    params: list[Any] = []
    if flt.since is not None:
        terms.append(f"{_WHEN} >= ?")
        params.append(to_db(flt.since))
    if flt.until is not None:
        terms.append(f"{_WHEN} < ?")
        params.append(to_db(flt.until))
    if flt.protocol_id:
        terms.append("s.protocol_id = ?")
        params.append(flt.protocol_id)
    if flt.unsigned_only:
        terms.append(_UNSIGNED)
    if flt.alerts_only:
        terms.append("EXISTS (SELECT 1 FROM alerts a WHERE a.session_id = s.id)")
    return terms, params


def search_patients(db: Database, flt: HistoryFilter, limit: int = 300,
                    ) -> tuple[list[PatientRow], int]:
    """Patients whose code or name contains the filter's text (any case), with counts of
    their sessions that pass it; when the filter narrows sessions, only patients with at
    least one such session. By code; at most `limit`, and how many matched in all."""
    terms, params = _session_terms(flt)
    join = " AND ".join(["s.patient_id = p.id", *terms])
    where, where_params = "", []
    text = flt.text.strip()
    if text:
        where = "WHERE (p.code LIKE ? ESCAPE '\\' OR p.name LIKE ? ESCAPE '\\')"
        where_params = [like_contains(text), like_contains(text)]
    having = "HAVING count(s.id) > 0" if flt.narrows_sessions else ""
    sql = (f"SELECT p.code, p.name, count(s.id), max({_WHEN}), "
           f"coalesce(sum({_UNSIGNED}), 0), coalesce(sum({_ALERTS} > 0), 0) "
           f"FROM patients p LEFT JOIN sessions s ON {join} {where} "
           f"GROUP BY p.id {having} ORDER BY p.code")
    rows = db.execute(sql, [*params, *where_params]).fetchall()
    out = [PatientRow(str(code), str(name or ""), int(n), from_db(last) if last else None,
                      int(unsigned), int(alerts))
           for code, name, n, last, unsigned, alerts in rows[:limit]]
    return out, len(rows)


def protocols_in_use(db: Database) -> list[tuple[str, str]]:
    """(protocol id, name) of every protocol a session was run under, by name."""
    rows = db.execute(
        "SELECT protocol_id, json_extract(protocol_json, '$.name') FROM sessions "
        "WHERE id IN (SELECT max(id) FROM sessions GROUP BY protocol_id)").fetchall()
    return sorted(((str(pid), str(name or pid)) for pid, name in rows), key=lambda r: r[1])


def rems_list(db: Database, clock: Clock) -> list[RemsDue]:
    """The esketamine sessions whose REMS form is still due, the most urgent first."""
    return [RemsDue(sid, code, dosed, by) for sid, code, dosed, by in rems_due(db, clock)]
