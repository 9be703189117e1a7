"""People who use the room laptop. Until accounts land, a clinician profile per day."""

from __future__ import annotations

import re

from kapdesk.core.accounts import User as User
from kapdesk.core.clock import Clock
from kapdesk.core.errors import ValidationError
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.timefmt import to_db

ROLES = ("clinician", "staff", "admin")


class UserStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def all(self) -> list[User]:
        rows = self._db.execute(
            "SELECT id, username, display_name, role FROM users ORDER BY display_name, id")
        return [User(*r) for r in rows.fetchall()]

    def get(self, user_id: int) -> User:
        row = self._db.execute("SELECT id, username, display_name, role FROM users WHERE id = ?",
                               [user_id]).fetchone()
        if row is None:
            raise KeyError(f"no user {user_id}")
        return User(*row)

    def add(self, display_name: str, role: str = "clinician", username: str | None = None,
            by_user: int | None = None) -> User:
        """A profile; `by_user` is who made it (None: the system, e.g. the demo)."""
        name = display_name.strip()
        if not name:
            raise ValidationError("A profile needs a name.")
        if role not in ROLES:
            raise ValidationError(f"Unknown role '{role}' (use one of: {', '.join(ROLES)}).")
        login = username or re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") or "user"
        taken = {u.username for u in self.all()}
        base, n = login, 1
        while login in taken:
            n += 1
            login = f"{base}{n}"
        with self._db.atomic():
            cursor = self._db.execute(
                "INSERT INTO users (username, display_name, role, created_at) VALUES (?,?,?,?)",
                [login, name, role, to_db(self._clock.now())])
            uid = int(cursor.lastrowid or 0)
            # audited like every row a record points at (kapdesk.store.reconcile_people)
            AuditTrail(self._db, self._clock).append(
                by_user, "create", "user", uid, None,
                {"username": login, "display_name": name, "role": role})
        return self.get(uid)
