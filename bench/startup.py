"""startup_ratio: process start to the main window's first painted frame, app vs bare window.

Both are fresh `python -m bench.driver` processes (bench/driver.py): `app` runs
kapdesk.app.run as `main.py --demo --data-dir D` on demo data written beforehand, `bare`
shows a bare PySide6 QMainWindow of the same size. The clock starts in this process just
before the child is started, so interpreter start and imports count. One discarded warm-up
of each (it also writes the demo data and fills caches), then RUNS of each, interleaved
ABBA so a drift in the machine's speed hits both alike; medians compared.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import driver, figure, read_report

RUNS = 5
TARGET = 1.5
TIMEOUT_S = 60.0


def time_to_paint(tmp: Path, mode: str, *args: str) -> float:
    """Milliseconds from starting `bench.driver MODE ARGS` to its first painted frame."""
    stderr_file = tmp / f"startup-{mode}.stderr"
    start = time.monotonic()
    with driver(mode, *args, stderr_to=stderr_file) as proc:
        report = read_report(proc, TIMEOUT_S, stderr_file)
        proc.wait(TIMEOUT_S)
    return (float(report["painted"]) - start) * 1000


def run(tmp: Path, runs: int = RUNS) -> list[dict[str, Any]]:
    data_dir = str(tmp / "startup-demo-data")
    app: list[float] = []
    bare: list[float] = []
    time_to_paint(tmp, "app", data_dir)  # warm-up: writes the demo data, fills caches
    time_to_paint(tmp, "bare")
    for i in range(runs):
        pair = [("bare", bare, ()), ("app", app, (data_dir,))]
        for mode, samples, args in pair if i % 2 == 0 else reversed(pair):
            samples.append(time_to_paint(tmp, mode, *args))
    app_ms, bare_ms = statistics.median(app), statistics.median(bare)
    return [figure(
        "startup_ratio", app_ms, "ms", bare_ms, target=TARGET, digits=1,
        note=(f"value/baseline: median ms from process start to the first painted frame of "
              f"`main.py --demo` (value) and of a bare PySide6 QMainWindow (baseline), "
              f"{runs} fresh processes each, interleaved; the figure is the ratio "
              f"(target <= {TARGET}). app ms {sorted(round(x) for x in app)}, "
              f"bare ms {sorted(round(x) for x in bare)}"))]
