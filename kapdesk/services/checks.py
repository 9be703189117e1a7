"""The database's checks that the window runs by itself (read-only, no role: the start-up
integrity_check that stops writing into a damaged file)."""

from __future__ import annotations

from pathlib import Path

from kapdesk.store.database import integrity_check as _integrity_check


def integrity_check(path: Path) -> str:
    """SQLite's integrity_check of the database file on a connection of its own: "ok", or
    what is wrong."""
    return _integrity_check(path)
