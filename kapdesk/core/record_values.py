"""What the record hands back: an alert raised by an entry, a session's signature, and
what one save produced. Plain values (the store reads and writes them; the services and
the window pass them on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kapdesk.core.observations import Observation


@dataclass(frozen=True)
class Alert:
    id: int
    session_id: int
    observation_id: int
    rule: str
    severity: str
    message: str
    raised_at: datetime
    confirm_due_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: int | None = None  # the user's id
    acknowledged_by_name: str = ""


@dataclass(frozen=True)
class Signature:
    session_id: int
    user_id: int
    name: str
    meaning: str
    signed_at: datetime
    content_hash: str


@dataclass(frozen=True)
class Saved:
    """What one save produced: the stored entry and any alerts it raised."""

    observation: Observation
    alerts: tuple[Alert, ...]
