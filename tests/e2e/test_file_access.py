"""The rule that keeps issue 9's first defect away: in a process that has the database
open, nothing opens the database file, its -wal or its -shm except SQLite itself (closing
any other descriptor of it drops SQLite's POSIX locks, and the next process to close its
connection deletes the live -wal). Checked at run time with an audit hook over the room's
real paths (file_access_child.py), and by the kill harness's look at /proc/PID/fd."""

import json
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("file_access_child.py")


def test_only_sqlite_opens_the_database_in_the_room_process(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(CHILD), str(tmp_path / "data")],
                          cwd=CHILD.parents[2], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["touched"] == [], report


def test_the_watch_would_see_an_open(tmp_path: Path) -> None:
    """The same hook catches an open() of the database (the old header peek did one)."""
    script = (
        "import os, sys\n"
        "seen = []\n"
        "sys.addaudithook(lambda e, a: seen.append(a[0]) if e == 'open' and a and "
        "str(a[0]).endswith('kapdesk.sqlite3') else None)\n"
        f"open({str(tmp_path / 'kapdesk.sqlite3')!r}, 'wb').close()\n"
        "print(len(seen))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "1"
