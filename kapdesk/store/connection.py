"""A thin database handle over sqlite3, with sqlite-utils' `atomic()` semantics.

Why not sqlite_utils.Database everywhere: importing sqlite_utils costs 70-110 ms (it pulls
in click, pluggy and dateutil), about as long as a bare Qt window takes to appear. The
room laptop's start-up goes through this handle; sqlite-utils is imported only when the
schema needs migrating (see database.py), and tools use it freely.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


class Database:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._before_commit: dict[str, Callable[[], None]] = {}
        self._after_commit: dict[str, Callable[[], None]] = {}

    def before_commit(self, key: str, action: Callable[[], None]) -> bool:
        """Run `action` just before the outermost transaction commits; the first action
        given for a key is kept (True when this one was). Dropped on a rollback."""
        if key in self._before_commit:
            return False
        self._before_commit[key] = action
        return True

    def after_commit(self, key: str, action: Callable[[], None]) -> None:
        """Run `action` once the outermost transaction commits (once per key); dropped if
        it rolls back. Both are used to seal the audit trail outside the database."""
        self._after_commit[key] = action

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> sqlite3.Cursor:
        return self.conn.execute(sql, params or [])

    def executescript(self, sql: str) -> sqlite3.Cursor:
        return self.conn.executescript(sql)

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction; nested blocks are savepoints. Rolled back on any exception."""
        if self.conn.in_transaction:
            name = f"kapdesk_{secrets.token_hex(8)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            self._before_commit.clear()
            self._after_commit.clear()
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            before, self._before_commit = self._before_commit, {}
            for action in before.values():
                action()
            self.conn.execute("COMMIT")
            actions, self._after_commit = self._after_commit, {}
            for action in actions.values():
                action()

    def table_names(self) -> list[str]:
        rows = self.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        return [r[0] for r in rows.fetchall()]

    def close(self) -> None:
        self.conn.close()
