"""`python -m bench [NAME...]` (`make bench`): run the benchmarks, one JSON line per figure.

NAME is any of startup, cue_latency, idle, export, music, save, startup_10y, history, kill
(default: all, in that order; save and startup_10y share one ten-year database, made once per run
unless BENCH_10Y_DB names one; kill takes BENCH_KILLS kills, default 1000). Each line is
{"name", "value", "unit", "baseline", "ratio", "target"[, "note"]}, measured against a
baseline in the same run, or against the target where there is no natural baseline (the
note says which). Everything is written under one temp dir, removed at the end. A benchmark
that fails prints its error on stderr; the others still run; the exit status is then 1.
"""

from __future__ import annotations

import json
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import bench_dir

Bench = Callable[[Path], list[dict[str, Any]]]


def benches() -> dict[str, Bench]:
    from bench import (
        cue_latency,
        export,
        history,
        idle,
        kill,
        music,
        save,
        startup,
        startup_10y,
    )

    return {"startup": startup.run, "cue_latency": cue_latency.run, "idle": idle.run,
            "export": export.run, "music": music.run, "save": save.run,
            "startup_10y": startup_10y.run, "history": history.run, "kill": kill.run}


def main(argv: list[str]) -> int:
    known = benches()
    chosen = argv or list(known)
    unknown = [name for name in chosen if name not in known]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(known)}",
              file=sys.stderr)
        return 2
    failed = False
    # SIGTERM unwinds like Ctrl-C, so the spinners, children and temp dir are cleaned up
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with bench_dir() as tmp:
        for name in chosen:
            try:
                figures = known[name](tmp)
            except Exception:  # report it, run the rest, exit 1 at the end
                failed = True
                print(f"bench {name} failed:\n{traceback.format_exc()}", file=sys.stderr)
                continue
            for fig in figures:
                print(json.dumps(fig, ensure_ascii=False), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
