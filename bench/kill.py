"""kill_harness_lost: acknowledged entries lost over BENCH_KILLS (default 1000) SIGKILLs.

The harness of tests/e2e/kill_harness.py: a child records vitals, ratings, side effects and
note saves through the real stores, printing each one once committed, and is killed with
SIGKILL 20-400 ms after its first save; after each kill the database is reopened and every
acknowledged save must be there as saved, integrity_check ok, the audit chain whole, and the
next child must resume the running session. The figure is the count lost (target 0, so the
baseline is 0 and the ratio is the count itself). Any other problem (damage, a broken chain,
a child that cannot continue) fails the benchmark with the first few in words.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

from bench.common import BenchError

ENV_KILLS = "BENCH_KILLS"
DEFAULT_KILLS = 1000


def kills() -> int:
    text = os.environ.get(ENV_KILLS, "")
    try:
        return int(text) if text else DEFAULT_KILLS
    except ValueError:
        raise BenchError(f"{ENV_KILLS} must be a whole number, not {text!r}") from None


def run(tmp: Path) -> list[dict[str, Any]]:
    from tests.e2e.kill_harness import run_kills

    count = kills()
    seed = random.SystemRandom().randrange(1_000_000)
    report = run_kills(tmp / "kill-data", count, seed, log=sys.stderr)
    if report.problems:
        raise BenchError(f"kill harness (seed {seed}): {report.summary()}\n"
                         + "\n".join(report.problems[:10]))
    lost = len(report.lost)
    note = (f"baseline 0 (the target): ratio is the count lost itself. {report.summary()}; "
            f"seed {seed}; a child killed 20-400 ms after its first save, each kill checked "
            "(acknowledged saves as saved, integrity_check, audit chain, the next child resumes)")
    if report.lost:
        note += "; first lost: " + " | ".join(report.lost[:3])
    return [{"name": "kill_harness_lost", "value": lost, "unit": "entries", "baseline": 0,
             "ratio": float(lost), "target": 0, "note": note}]
