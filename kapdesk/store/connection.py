"""A thin database handle over sqlite3, with sqlite-utils' `atomic()` semantics.

Why not sqlite_utils.Database everywhere: importing sqlite_utils costs 70-110 ms (it pulls
in click, pluggy and dateutil), about as long as a bare Qt window takes to appear. The
room laptop's start-up goes through this handle; sqlite-utils is imported only when the
schema needs migrating (see database.py), and tools use it freely.

Every statement goes through here, so SQLite's failures a person can act on (locked, disk
full, read-only, I/O, damage) leave as the typed errors of store/errors.py. A transaction
starts with BEGIN IMMEDIATE: it takes the write lock at once (waiting up to the busy
timeout for another process to finish) instead of reading first and failing with
SQLITE_BUSY_SNAPSHOT when another process wrote in between, which the busy timeout cannot
retry. `stop_writes()` turns the connection query-only after a check found damage.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from kapdesk.store.errors import translate

T = TypeVar("T")


class Database:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.stopped: str | None = None  # why writes were stopped, once they are
        self._before_commit: dict[str, Callable[[], None]] = {}
        self._after_commit: dict[str, Callable[[], None]] = {}
        self._helpers: dict[str, object] = {}
        self._on_close: dict[str, Callable[[], None]] = {}
        self.seal_key_dir: Path | None = None  # where the audit seal's key is (sealkey.py)

    def helper(self, key: str, make: Callable[[], T]) -> T:
        """One object per connection and `key`, made by `make` the first time it is asked
        for (the audit seal's writer, shared by every AuditTrail over this connection)."""
        if key not in self._helpers:
            self._helpers[key] = make()
        return cast(T, self._helpers[key])

    def on_close(self, key: str, action: Callable[[], None]) -> None:
        """Run `action` (once per key) just before the connection closes."""
        self._on_close[key] = action

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

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            typed = translate(exc, self.stopped)
            if typed is exc:
                raise
            raise typed from exc

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> sqlite3.Cursor:
        with self._errors():
            return self.conn.execute(sql, params or [])

    def executescript(self, sql: str) -> sqlite3.Cursor:
        with self._errors():
            return self.conn.executescript(sql)

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """One read transaction: every query inside sees the same committed state, however
        much another process writes meanwhile (WAL). For checks that compare tables."""
        self.execute("BEGIN")
        try:
            self.execute("SELECT count(*) FROM sqlite_master").fetchall()  # the snapshot
            yield self
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def stop_writes(self, reason: str) -> None:
        """Refuse every later write on this connection (SQLite's query_only), saying `reason`."""
        self.stopped = reason
        self.conn.execute("PRAGMA query_only=ON")

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction; nested blocks are savepoints. Rolled back on any exception."""
        if self.conn.in_transaction:
            name = f"kapdesk_{secrets.token_hex(8)}"
            self.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.execute(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.execute("BEGIN IMMEDIATE")
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
            try:
                for action in before.values():
                    action()
                self.execute("COMMIT")
            except BaseException:
                self._after_commit.clear()
                if self.conn.in_transaction:  # a failed COMMIT leaves the transaction open
                    self.conn.execute("ROLLBACK")
                raise
            actions, self._after_commit = self._after_commit, {}
            for action in actions.values():
                action()

    def table_names(self) -> list[str]:
        rows = self.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        return [r[0] for r in rows.fetchall()]

    def close(self) -> None:
        actions, self._on_close = self._on_close, {}
        try:
            for action in actions.values():
                action()
        finally:
            self._helpers.clear()
            self.conn.close()
