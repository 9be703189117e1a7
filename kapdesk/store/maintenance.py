"""Checks on the whole database: integrity and foreign keys."""

from __future__ import annotations

from kapdesk.store.audit import verify_chain
from kapdesk.store.connection import Database
from kapdesk.store.reconcile import record_problems


def integrity_report(db: Database) -> list[str]:
    """Problems found, in words; empty when all is well."""
    problems: list[str] = []
    rows = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems += [f"integrity_check: {r}" for r in rows]
    for table, rowid, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall():
        problems.append(f"foreign_key_check: {table} row {rowid} points at a missing {parent}")
    broken = verify_chain(db)
    if broken:
        problems.append(broken)
    problems += record_problems(db)  # the trail against the tables, and every signature
    return problems
