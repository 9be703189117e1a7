"""startup_10y_ratio: process start to the first painted frame on ten years of record.

As bench/startup.py, but the app opens a copy of the ten-year database (bench/tenyear.py) as
a clinic's own data folder: `python -m bench.driver signed D USER PASSWORD` runs
kapdesk.app.run(["--data-dir", D]) with the first clinician signing in through
AccountStore.login (as the demo's clinician does, no dialog). Baseline: the bare PySide6
window. One discarded warm-up of each (it also fills the page cache with the database, as
on a laptop that has opened it before), then RUNS of each interleaved ABBA; medians compared.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench.common import figure
from bench.startup import RUNS, TARGET, time_to_paint
from bench.tenyear import LOGIN, copy_into, password, ten_year_db


def run(tmp: Path, runs: int = RUNS) -> list[dict[str, Any]]:
    source, how = ten_year_db(tmp)
    data_dir = tmp / "startup-10y-data"
    copy_into(source, data_dir)
    args = (str(data_dir), LOGIN, password())
    app: list[float] = []
    bare: list[float] = []
    time_to_paint(tmp, "signed", *args)  # warm-up
    time_to_paint(tmp, "bare")
    for i in range(runs):
        pair = [("bare", bare, ()), ("signed", app, args)]
        for mode, samples, extra in pair if i % 2 == 0 else reversed(pair):
            samples.append(time_to_paint(tmp, mode, *extra))
    app_ms, bare_ms = statistics.median(app), statistics.median(bare)
    size = (data_dir / "kapdesk.sqlite3").stat().st_size / 1e6
    return [figure(
        "startup_10y_ratio", app_ms, "ms", bare_ms, target=TARGET, digits=1,
        note=(f"value/baseline: median ms from process start to the first painted frame of "
              f"the app on a copy of the ten-year database ({how}; {size:.0f} MB) as its "
              f"data folder, signed in (value), and of a bare PySide6 QMainWindow (baseline), "
              f"{runs} fresh processes each, interleaved; target <= {TARGET}. app ms "
              f"{sorted(round(x) for x in app)}, bare ms {sorted(round(x) for x in bare)}"))]
