"""The ten-year database the save and start-up benchmarks run on, made once per bench run.

BENCH_10Y_DB names one made earlier (a data folder or its kapdesk.sqlite3, e.g. written by
`tools/make_10y_db.py /tmp/10y`), which is only ever copied, never written. Otherwise
tools/make_10y_db.py writes it into a cache folder under the bench temp dir, the first time
a benchmark asks for it in this run (about a minute). Its accounts all have the password
tools/make_10y_db.py sets; the first clinician is LOGIN.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, BenchError

ENV_DB = "BENCH_10Y_DB"
LOGIN = "ada.quill"
DB_NAME = "kapdesk.sqlite3"
TIMEOUT_S = 600.0


def _given() -> Path | None:
    text = os.environ.get(ENV_DB, "")
    if not text:
        return None
    path = Path(text).expanduser()
    path = path / DB_NAME if path.is_dir() else path
    if not path.is_file():
        raise BenchError(f"{ENV_DB}={text}: there is no database there")
    return path


def ten_year_db(tmp: Path) -> tuple[Path, str]:
    """(the database file, how it came: given or made in N s)."""
    given = _given()
    if given is not None:
        return given, f"given by {ENV_DB}"
    cached = tmp / "cache-10y" / DB_NAME
    if cached.exists():
        return cached, "made earlier in this run"
    start = time.monotonic()
    made = subprocess.run([sys.executable, str(ROOT / "tools" / "make_10y_db.py"),
                           str(cached.parent)], cwd=ROOT, capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    if made.returncode != 0:
        raise BenchError(f"tools/make_10y_db.py failed: {made.stderr[-2000:]}")
    return cached, f"made by tools/make_10y_db.py in {time.monotonic() - start:.0f} s"


def password() -> str:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from make_10y_db import PASSWORD
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return str(PASSWORD)


def copy_into(source: Path, folder: Path) -> Path:
    """A private copy of the database (and any -wal beside it) as folder/kapdesk.sqlite3."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DB_NAME
    for suffix in ("-wal", "-shm"):
        (folder / (DB_NAME + suffix)).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, folder / (DB_NAME + "-wal"))
    return target
