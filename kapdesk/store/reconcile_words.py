"""What reconciling the audit trail with the tables says, and the audit rows it reads:
shared by kapdesk.store.reconcile (the session record) and kapdesk.store.reconcile_people
(patients, courses, accounts, outcomes, vetoes)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kapdesk.store.connection import Database
from kapdesk.store.signature import loads

Audits = dict[int, list[tuple[int, str, dict[str, Any]]]]


def object_of(text: Any) -> dict[str, Any]:
    """An audit row's JSON object; anything else (forged) as an empty one."""
    value = loads(text)
    return value if isinstance(value, dict) else {}


def audits_where(db: Database, where: str) -> Audits:
    found: Audits = defaultdict(list)
    for aid, action, entity_id, new in db.execute(
            f"SELECT id, action, entity_id, new FROM audit WHERE {where} ORDER BY id"):
        if isinstance(entity_id, int):
            found[entity_id].append((int(aid), str(action), object_of(new)))
    return found


def say(table: str, row: int | str, session: int | None, words: str) -> str:
    where = f" (session {session})" if session is not None and table != "sessions" else ""
    return f"reconcile: {table} row {row}{where}: {words}"


NO_AUDIT = "has no audit row (written behind KAPdesk's back)"


def changed(aid: int) -> str:
    return f"differs from what audit row {aid} recorded (changed after it was written)"


def gone(aid: int, what: str) -> str:
    return f"is gone, but audit row {aid} records {what} (removed behind KAPdesk's back)"
