"""Killed at any moment, nothing acknowledged is lost: SIGKILL a child that records entries
through the real stores, at a random moment, many times over (tests/e2e/kill_harness.py).

KAPDESK_KILLS sets how many kills (default 50; `make bench` runs 1,000); KAPDESK_KILL_SEED
replays a run.
"""

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from tests.e2e.kill_harness import ChainCursor, check_acknowledged, run_kills

DEFAULT_KILLS = 50


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_nothing_acknowledged_is_lost_when_killed_at_random(tmp_path: Path) -> None:
    kills = int(os.environ.get("KAPDESK_KILLS", DEFAULT_KILLS))
    seed = int(os.environ.get("KAPDESK_KILL_SEED", time.time_ns() % 1_000_000))
    report = run_kills(tmp_path / "data", kills, seed)
    print(f"kill harness (KAPDESK_KILL_SEED={seed}): {report.summary()}")
    assert not report.lost and not report.problems, (
        f"KAPDESK_KILL_SEED={seed}: {report.summary()}\n"
        + "\n".join((report.lost + report.problems)[:20]))
    assert report.kills == kills + 1
    assert report.entries >= kills  # every child acknowledged at least one save


def test_the_checks_would_see_a_loss(tmp_path: Path) -> None:
    report = run_kills(tmp_path / "data", 1, seed=5)
    assert not report.lost and not report.problems, report.lost + report.problems
    conn = sqlite3.connect(tmp_path / "data" / "kapdesk.sqlite3")
    try:
        entry = conn.execute("SELECT id, session_id, kind, data FROM observations "
                             "ORDER BY id LIMIT 1").fetchone()
        assert entry is not None
        oid, sid, kind, data = entry
        fine = {"id": oid, "session": sid, "kind": kind, "values": json.loads(data)}
        assert check_acknowledged(conn, [fine]) == []
        changed = {**fine, "kind": "moaas", "values": {"score": 0}}
        gone = {**fine, "id": 10_000_000}
        longer_note = {"note": sid, "chars": 10**6, "sha256": "0" * 64}
        later_state = {"session": 10_000_000, "state": "closed"}
        assert len(check_acknowledged(conn, [changed, gone, longer_note, later_state])) == 4
        chain = ChainCursor()
        assert chain.advance(conn) is None and chain.last_id > 0
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET action = 'forged' WHERE id = ?", [chain.last_id])
        conn.commit()
        assert ChainCursor().advance(conn) == f"audit row {chain.last_id}: the chain is broken"
    finally:
        conn.close()
