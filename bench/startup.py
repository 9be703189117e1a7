"""startup_ratio and ready_ratio: process start to the app's first painted frame, and to the
room painted, app vs bare window.

Both are fresh `python -m bench.driver` processes (bench/driver.py): `app` runs
kapdesk.app.run as `main.py --demo --data-dir D` on demo data written beforehand, `bare`
shows a bare PySide6 QMainWindow of the same size. The clock starts in this process just
before the child is started, so interpreter start and imports count. The app reports two
times: its window's first painted frame (`startup_ratio`, what the issue names: the shell,
kapdesk/ui/shell.py, drawn before the room's code is loaded), and the room built into that
window painted with the session shown (`ready_ratio`: data folder opened and locked, the
demo's clinician signed in, the room built). Both are against the same bare window. One
discarded warm-up of each (it also writes the demo data and fills caches), then RUNS of
each, interleaved ABBA so a drift in the machine's speed hits both alike; medians compared.
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


def times_to_paint(tmp: Path, mode: str, *args: str) -> dict[str, float]:
    """Milliseconds from starting `bench.driver MODE ARGS` to each time it reports
    ("painted": its first frame; the app also "ready": the room painted)."""
    stderr_file = tmp / f"startup-{mode}.stderr"
    start = time.monotonic()
    with driver(mode, *args, stderr_to=stderr_file) as proc:
        report = read_report(proc, TIMEOUT_S, stderr_file)
        proc.wait(TIMEOUT_S)
    return {name: (float(at) - start) * 1000 for name, at in report.items()}


def time_to_paint(tmp: Path, mode: str, *args: str) -> float:
    """Milliseconds from starting `bench.driver MODE ARGS` to its first painted frame."""
    return times_to_paint(tmp, mode, *args)["painted"]


def measure(tmp: Path, mode: str, args: tuple[str, ...], runs: int,
            ) -> tuple[list[float], list[float], list[float]]:
    """(first frame, room ready, bare first frame) ms over `runs` fresh processes of each,
    after a discarded warm-up of each, interleaved ABBA."""
    app: list[float] = []
    ready: list[float] = []
    bare: list[float] = []
    times_to_paint(tmp, mode, *args)  # warm-up: writes the demo data, fills caches
    time_to_paint(tmp, "bare")
    for i in range(runs):
        pair = ["bare", "app"] if i % 2 == 0 else ["app", "bare"]
        for which in pair:
            if which == "bare":
                bare.append(time_to_paint(tmp, "bare"))
            else:
                seen = times_to_paint(tmp, mode, *args)
                app.append(seen["painted"])
                ready.append(seen["ready"])
    return app, ready, bare


def figures(names: tuple[str, str], what: str, app: list[float], ready: list[float],
            bare: list[float]) -> list[dict[str, Any]]:
    bare_ms = statistics.median(bare)
    runs = len(app)

    def listed(values: list[float]) -> str:
        return str(sorted(round(x) for x in values))

    return [
        figure(names[0], statistics.median(app), "ms", bare_ms, target=TARGET, digits=1,
               note=(f"value/baseline: median ms from process start to the first painted "
                     f"frame of the app's window (the shell, shown before the room's code "
                     f"loads) for {what} (value), and of a bare PySide6 QMainWindow "
                     f"(baseline), {runs} "
                     f"fresh processes each, interleaved; the figure is the ratio (target <= "
                     f"{TARGET}). app ms {listed(app)}, bare ms {listed(bare)}")),
        figure(names[1], statistics.median(ready), "ms", bare_ms, target=TARGET, digits=1,
               note=(f"value/baseline: median ms from process start to the room built into "
                     f"that window and painted, the session shown (data folder opened and "
                     f"locked, signed in), for {what} (value), and the bare window's first "
                     f"frame (baseline), the same runs; the issue bounds the first frame, "
                     f"the same bound is shown here. ready ms {listed(ready)}, bare ms "
                     f"{listed(bare)}")),
    ]


def run(tmp: Path, runs: int = RUNS) -> list[dict[str, Any]]:
    data_dir = str(tmp / "startup-demo-data")
    app, ready, bare = measure(tmp, "app", (data_dir,), runs)
    return figures(("startup_ratio", "ready_ratio"), "`main.py --demo`", app, ready, bare)
