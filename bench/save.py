"""save_p99_ratio: committing one entry through RecordStore.record on ten years of record,
against a raw sqlite3 INSERT of a similar row into the same file with the same pragmas.

A copy of the ten-year database (bench/tenyear.py) is opened as the app opens it
(open_database: WAL, synchronous=FULL). Sessions are planned, prepared and dosed through
SessionStore, SESSION_ENTRIES entries each (a real session's size), then discharged and
closed. SAVES times, each pair interleaved ABBA so a drift hits both alike: the store's
record() (checks, the insert, its audit row, the alert rules, the commit) of a vitals,
MOAA/S, dissociation or side-effect entry; and a raw `BEGIN; INSERT INTO observations ...;
COMMIT` of the same values on a second connection configured by the same function. Both are
committed, durable saves; p99 (nearest rank) compared.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import figure, percentile
from bench.tenyear import copy_into, ten_year_db
from kapdesk.core.clock import SystemClock
from kapdesk.core.observations import Kind, check_values
from kapdesk.core.protocol import load_protocol_file
from kapdesk.core.session import State
from kapdesk.paths import builtin_protocols_dir
from kapdesk.store.audit import AuditTrail
from kapdesk.store.database import configure, open_database
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.timefmt import to_db

SAVES = 1000
SESSION_ENTRIES = 50
TARGET = 3.0
ENTRIES: tuple[tuple[Kind, tuple[tuple[str, Any], ...]], ...] = (
    (Kind.VITALS, (("systolic", 128), ("diastolic", 80), ("heart_rate", 76), ("spo2", 97),
                   ("resp_rate", 14))),
    (Kind.MOAAS, (("score", 4),)),
    (Kind.VITALS, (("heart_rate", 81), ("spo2", 98), ("resp_rate", 15))),
    (Kind.DISSOCIATION, (("severity", "moderate"),)),
    (Kind.SIDE_EFFECT, (("name", "Nausea"), ("severity", "mild"))),
)
RAW_SQL = ("INSERT INTO observations (session_id, kind, observed_at, recorded_at, user_id, "
           "data, corrects, reason, amendment) VALUES (?, ?, ?, ?, ?, ?, NULL, '', 0)")


class Room:
    """Sessions one after another on the copy, as the room laptop runs them."""

    def __init__(self, path: Path) -> None:
        self.db = open_database(path)
        clock = SystemClock()
        audit = AuditTrail(self.db, clock)
        self.sessions = SessionStore(self.db, clock, audit)
        self.records = RecordStore(self.db, clock, self.sessions, audit)
        self.user = int(self.db.execute(
            "SELECT min(id) FROM users WHERE role = 'clinician'").fetchone()[0])
        self.protocol = load_protocol_file(builtin_protocols_dir() / "im-kap.toml")
        self.count = 0
        self.sid = self.start()
        # the raw rows go to a session of their own, planned, so neither path reads the other's
        self.raw_sid = self.sessions.plan("BENCH-RAW", self.protocol, self.user,
                                          spacing_reason="benchmark").id

    def start(self) -> int:
        self.count += 1
        sid = self.sessions.plan(f"BENCH-{self.count:03d}", self.protocol, self.user,
                                 spacing_reason="benchmark").id
        self.sessions.transition(sid, State.PREPARING, self.user)
        self.sessions.transition(sid, State.DOSED, self.user)
        return sid

    def next_session(self) -> None:
        for state in (State.RECOVERY, State.DISCHARGED, State.CLOSED):
            self.sessions.transition(self.sid, state, self.user, "benchmark: discharged early")
        self.sid = self.start()


def run(tmp: Path, saves: int = SAVES) -> list[dict[str, Any]]:
    source, how = ten_year_db(tmp)
    path = copy_into(source, tmp / "save-10y")
    room = Room(path)
    raw = sqlite3.connect(path, isolation_level=None)
    configure(raw)
    store_s: list[float] = []
    raw_s: list[float] = []
    try:
        for i in range(saves):
            if i and i % SESSION_ENTRIES == 0:
                room.next_session()
            kind, pairs = ENTRIES[i % len(ENTRIES)]
            values = dict(pairs)

            def by_store(kind: Kind = kind, values: dict[str, Any] = values) -> None:
                room.records.record(room.sid, kind, values, room.user)

            def by_raw(kind: Kind = kind, values: dict[str, Any] = values) -> None:
                now = to_db(datetime.now(UTC))
                data = json.dumps(check_values(kind, values), ensure_ascii=False,
                                  sort_keys=True)
                raw.execute("BEGIN")
                raw.execute(RAW_SQL, [room.raw_sid, kind.value, now, now, room.user, data])
                raw.execute("COMMIT")

            pair = [(by_store, store_s), (by_raw, raw_s)]
            for save, samples in pair if i % 2 == 0 else reversed(pair):
                start = time.perf_counter()
                save()
                samples.append((time.perf_counter() - start) * 1000)
    finally:
        raw.close()
        room.db.close()
    store_p99, raw_p99 = percentile(store_s, 99), percentile(raw_s, 99)
    return [figure(
        "save_p99_ratio", store_p99, "ms", raw_p99, target=TARGET,
        note=(f"value/baseline: p99 ms of {saves} committed saves through RecordStore.record "
              f"(value) and of a raw sqlite3 INSERT of the same values (baseline), interleaved "
              f"ABBA, into a copy of the ten-year database ({how}; "
              f"{source.stat().st_size / 1e6:.0f} MB), WAL + synchronous=FULL, sessions of "
              f"{SESSION_ENTRIES} entries; target <= {TARGET}. medians: store "
              f"{statistics.median(store_s):.2f} ms, raw {statistics.median(raw_s):.2f} ms; "
              f"max: store {max(store_s):.1f} ms, raw {max(raw_s):.1f} ms"))]
