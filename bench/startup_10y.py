"""startup_10y_ratio and ready_10y_ratio: process start to the first painted frame, and to
the room painted, on ten years of record.

As bench/startup.py, but the app opens a copy of the ten-year database (bench/tenyear.py) as
a clinic's own data folder: `python -m bench.driver signed D USER PASSWORD` runs
kapdesk.app.run(["--data-dir", D]) with the first clinician signing in through
AccountStore.login (as the demo's clinician does, no dialog; the Argon2 check is in
`ready`). Baseline: the bare PySide6 window. One discarded warm-up of each (it also fills
the page cache with the database, as on a laptop that has opened it before), then RUNS of
each interleaved ABBA; medians compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.startup import RUNS, figures, measure
from bench.tenyear import LOGIN, copy_into, password, ten_year_db


def run(tmp: Path, runs: int = RUNS) -> list[dict[str, Any]]:
    source, how = ten_year_db(tmp)
    data_dir = tmp / "startup-10y-data"
    copy_into(source, data_dir)
    app, ready, bare = measure(tmp, "signed", (str(data_dir), LOGIN, password()), runs)
    size = (data_dir / "kapdesk.sqlite3").stat().st_size / 1e6
    return figures(("startup_10y_ratio", "ready_10y_ratio"),
                   f"a copy of the ten-year database ({how}; {size:.0f} MB) as its data "
                   f"folder, signed in", app, ready, bare)
