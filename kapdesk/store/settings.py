"""Clinic settings, as JSON values by key, with defaults in one place."""

from __future__ import annotations

import json
from typing import Any

from kapdesk.store.connection import Database

DEFAULTS: dict[str, Any] = {
    "theme_level": "dark",  # "dark" or "night"
    "chime_on_escalation": False,  # quiet by default: the clinic turns sound on
    "default_protocol": "im-kap",
    "lock_minutes": 5,  # automatic lock after this long without a touch
    "clinic_name": "KAPdesk clinic",  # on every exported page
    # an entry answers a cue from 2 min before it is due until 15 min after (core.room)
    "cue_answer_window": {"before_min": 2, "after_min": 15},
}


class SettingsStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        if row is None:
            return DEFAULTS.get(key)
        return json.loads(row[0])

    def set(self, key: str, value: Any) -> None:
        with self._db.atomic():
            self._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value)])
