"""The kill harness: a child records entries (record_child.py) and is killed with SIGKILL at
a random moment; after each kill the database is reopened and checked. Meanwhile the world
beside a clinic's room runs too (Bystanders): other processes keep running `kapdesk check`,
`kapdesk backup` and a plain sqlite3 read of the same folder, and a second instance keeps
trying to start (it must be refused while a child runs).

After each kill: every entry the child acknowledged is on disk with the values it saved (an
entry's kind and values, a note's text up to the length acknowledged, a transition's state);
`PRAGMA integrity_check` is ok; the child never held a deleted -wal (/proc/PID/fd, looked at
just before the kill); the audit chain verifies (the rows added since the last
check, chained onto the last verified hash; the whole chain every FULL_CHAIN_EVERY kills and
at the end); and the next child continues the running session. Shared by
tests/e2e/test_kill_harness.py and bench/kill.py; no pytest here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kapdesk.core.observations import Kind, check_values
from kapdesk.store.audit import GENESIS, row_hash, verify_chain
from kapdesk.store.connection import Database

CHILD = Path(__file__).with_name("record_child.py")
ROOT = CHILD.parents[2]
FIRST_SAVE_TIMEOUT_S = 30.0
DELAY_MS = (20, 400)
FULL_CHAIN_EVERY = 50
STATE_ORDER = ("planned", "preparing", "dosed", "recovery", "discharged", "closed")
RUNNING = ("preparing", "dosed", "recovery", "discharged")


@dataclass
class KillReport:
    kills: int = 0  # SIGKILLs sent: the kills asked for, and the child that continues
    entries: int = 0  # acknowledged saves checked (entries, note saves, transitions)
    lost: list[str] = field(default_factory=list)  # acknowledged, missing or different
    problems: list[str] = field(default_factory=list)  # integrity, chain, continuation
    seconds: float = 0.0
    saves_per_child: list[int] = field(default_factory=list)
    bystanders: str = ""  # what ran beside the children, and how it ended
    in_flight_closes: int = 0  # a close a child was killed in, found committed after all

    def summary(self) -> str:
        per = sorted(self.saves_per_child) or [0]
        return (f"{self.kills} kills in {self.seconds:.1f} s, {self.entries} acknowledged "
                f"saves checked, {len(self.lost)} lost, {len(self.problems)} other "
                f"problem(s); saves per "
                f"child median {per[len(per) // 2]}, max {per[-1]}"
                + (f"; {self.in_flight_closes} close(s) in flight at a kill found committed"
                   if self.in_flight_closes else "")
                + (f"; beside them: {self.bystanders}" if self.bystanders else ""))


SECOND_INSTANCE = (
    "import sys\n"
    "from pathlib import Path\n"
    "from kapdesk.core.clock import SystemClock\n"
    "from kapdesk.store.instance import InstanceLockedError\n"
    "from kapdesk.store.opening import open_data_folder\n"
    "try:\n"
    "    open_data_folder(Path(sys.argv[1]), SystemClock(), 'a second room window').close()\n"
    "except InstanceLockedError:\n"
    "    sys.exit(3)\n")


@dataclass
class Bystanders:
    """Processes that run beside the room and must not hurt it: each loops until stopped."""

    data_dir: Path
    runs: dict[str, dict[int, int]] = field(default_factory=dict)  # command -> exit code -> n
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def commands(self) -> dict[str, list[str]]:
        db, main = str(self.data_dir / "kapdesk.sqlite3"), str(ROOT / "main.py")
        folder = ["--data-dir", str(self.data_dir)]
        read = (["sqlite3", "-cmd", ".timeout 5000", db,
                 "SELECT count(*) FROM observations; PRAGMA quick_check;"]
                if shutil.which("sqlite3") else
                [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                 "c.execute('SELECT count(*) FROM observations').fetchall(); c.close()", db])
        return {"check": [sys.executable, main, "check", *folder],
                "backup": [sys.executable, main, "backup", *folder],
                "sqlite3 read": read,
                "second instance": [sys.executable, "-c", SECOND_INSTANCE, db]}

    def _loop(self, name: str, command: list[str]) -> None:
        counts = self.runs.setdefault(name, {})
        while not self._stop.is_set():
            try:
                done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=60)
            except subprocess.TimeoutExpired:
                self.failures.append(f"{name}: still running after 60 s")
                continue
            counts[done.returncode] = counts.get(done.returncode, 0) + 1
            text = done.stderr.decode(errors="replace")
            said = done.stdout.decode(errors="replace")
            if name == "check" and done.returncode == 1:  # beside the room, check must pass
                self.failures.append(f"check found problems beside the room: {said[-600:]}")
            elif done.returncode not in (0, 3) and "database is locked" not in text \
                    and "in use by another program" not in text:
                self.failures.append(f"{name} exit {done.returncode}: {text[-400:]}")
            elif "Traceback" in text:
                self.failures.append(f"{name} crashed: {text[-400:]}")
            self._stop.wait(0.05)

    def start(self) -> None:
        for name, command in self.commands().items():
            thread = threading.Thread(target=self._loop, args=(name, command), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(90)

    def summary(self) -> str:
        return "; ".join(f"{name}: " + ", ".join(f"exit {rc} x{n}" for rc, n in sorted(c.items()))
                         for name, c in self.runs.items())


def deleted_files(pid: int) -> list[str]:
    """The database files process `pid` holds open that are deleted from the folder."""
    found = []
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if "kapdesk.sqlite3" in target and target.endswith("(deleted)"):
                    found.append(target)
    return found


class ChildRun:
    """One child: its stdout read as it comes (lines complete with a newline only)."""

    def __init__(self, data_dir: Path, seed: int, stderr_to: Path) -> None:
        self._err = stderr_to.open("wb")
        self.proc = subprocess.Popen([sys.executable, str(CHILD), str(data_dir), str(seed)],
                                     cwd=ROOT, stdout=subprocess.PIPE, stderr=self._err)
        self.lines: list[dict[str, Any]] = []
        self.first_save = threading.Event()
        self.deleted: list[str] = []  # deleted database files it held, just before the kill
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            if not raw.endswith(b"\n"):  # cut off by the kill: never acknowledged
                break
            line = json.loads(raw)
            self.lines.append(line)
            if "id" in line or "note" in line:
                self.first_save.set()
        self.first_save.set()  # EOF: wake the waiter either way

    def kill_after_first_save(self, delay_s: float) -> bool:
        """SIGKILL `delay_s` after the first acknowledged save; False if none came."""
        self.first_save.wait(FIRST_SAVE_TIMEOUT_S)
        saved = any("id" in line or "note" in line for line in self.lines)
        if saved:
            time.sleep(delay_s)
        self.deleted = deleted_files(self.proc.pid)
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._reader.join()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self._err.close()
        return saved


def _note_ok(stored: str | None, chars: int, sha256: str) -> bool:
    """Notes only grow by appending: the stored one starts with what was acknowledged."""
    text = stored or ""
    return len(text) >= chars and hashlib.sha256(text[:chars].encode()).hexdigest() == sha256


def check_acknowledged(conn: sqlite3.Connection, lines: list[dict[str, Any]]) -> list[str]:
    """Each acknowledged save that is not on disk as saved, in words."""
    missing: list[str] = []
    for line in lines:
        if "id" in line:
            row = conn.execute("SELECT session_id, kind, data FROM observations WHERE id = ?",
                               [line["id"]]).fetchone()
            want = check_values(Kind(line["kind"]), line["values"])
            if row is None or (row[0], row[1], json.loads(row[2])) != \
                    (line["session"], line["kind"], want):
                missing.append(f"entry {line['id']} ({line['kind']}): {row!r} != {want!r}")
        elif "note" in line:
            row = conn.execute("SELECT text FROM session_notes WHERE session_id = ?",
                               [line["note"]]).fetchone()
            if not _note_ok(row[0] if row else None, line["chars"], line["sha256"]):
                missing.append(f"note of session {line['note']}: {line['chars']} chars "
                               "acknowledged, not on disk as saved")
        elif "state" in line:
            row = conn.execute("SELECT state FROM sessions WHERE id = ?",
                               [line["session"]]).fetchone()
            if row is None or STATE_ORDER.index(row[0]) < STATE_ORDER.index(line["state"]):
                missing.append(f"session {line['session']}: {line['state']} acknowledged, "
                               f"{row[0] if row else 'no session'} on disk")
    return missing


class ChainCursor:
    """Verifies the audit chain from where the last look ended."""

    def __init__(self) -> None:
        self.last_id = 0
        self.last_hash = GENESIS

    def advance(self, conn: sqlite3.Connection) -> str | None:
        prev = self.last_hash
        cursor = conn.execute(
            "SELECT id, at, user_id, action, entity, entity_id, old, new, prev_hash, hash "
            "FROM audit WHERE id > ? ORDER BY id", [self.last_id])
        for (rid, at, user_id, action, entity, entity_id, old, new, prev_hash, digest) in cursor:
            if prev_hash != prev or \
                    row_hash(prev, at, user_id, action, entity, entity_id, old, new) != digest:
                return f"audit row {rid}: the chain is broken"
            prev, self.last_id, self.last_hash = digest, rid, digest
        return None


def check_database(path: Path, lines: list[dict[str, Any]], chain: ChainCursor,
                   full_chain: bool) -> tuple[list[str], list[str]]:
    """(acknowledged saves missing, other problems) after a kill."""
    conn = sqlite3.connect(path)
    try:
        missing = check_acknowledged(conn, lines)
        problems = []
        check = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            problems.append(f"integrity_check: {'; '.join(check[:3])}")
        broken = chain.advance(conn)
        if broken is None and full_chain:
            broken = verify_chain(Database(conn))
        if broken:
            problems.append(broken)
        return missing, problems
    finally:
        conn.close()


def _state_of(path: Path, session_id: int) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT state FROM sessions WHERE id = ?", [session_id]).fetchone()
        return str(row[0]) if row else None
    finally:
        conn.close()


def running_session(path: Path) -> int | None:
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        marks = ",".join("?" * len(RUNNING))
        row = conn.execute(f"SELECT id FROM sessions WHERE state IN ({marks})",
                           list(RUNNING)).fetchone()
        return int(row[0]) if row else None
    finally:
        conn.close()


def run_kills(data_dir: Path, kills: int, seed: int = 1, log: Any = None,
              bystanders: bool = True) -> KillReport:
    """Kill `kills` children, then one more that shows the last one's session continues;
    check the database after each kill. `bystanders`: run check, backup, a sqlite3 read
    and a second instance beside them all along."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / "kapdesk.sqlite3"
    rng = random.Random(seed)
    report = KillReport()
    chain = ChainCursor()
    start = time.monotonic()
    beside = Bystanders(data_dir)
    try:
        _kill_loop(data_dir, db_path, kills, seed, rng, report, chain, log,
                   beside if bystanders else None)
    finally:
        beside.stop()
    report.problems += beside.failures
    report.bystanders = beside.summary()
    report.seconds = time.monotonic() - start
    return report


def _kill_loop(data_dir: Path, db_path: Path, kills: int, seed: int, rng: random.Random,
               report: KillReport, chain: ChainCursor, log: Any,
               beside: Bystanders | None) -> None:
    for n in range(kills + 1):
        expect = running_session(db_path)
        child = ChildRun(data_dir, seed * 100_003 + n, data_dir.parent / "child.stderr")
        delay = rng.uniform(*DELAY_MS) / 1000
        saved = child.kill_after_first_save(delay)
        report.kills += 1
        if beside is not None and not beside._threads and db_path.exists():
            beside.start()
        if child.deleted:
            report.problems.append(f"child {n} wrote into deleted files: {child.deleted}")
        first = next((line for line in child.lines if "session" in line), None)
        if not saved:
            tail = (data_dir.parent / "child.stderr").read_text(errors="replace")[-1500:]
            report.problems.append(f"child {n} saved nothing within {FIRST_SAVE_TIMEOUT_S:g} "
                                   f"s; its stderr ends:\n{tail}")
        elif expect is not None and (first is None or first.get("session") != expect
                                     or "resumed" not in first):
            if _state_of(db_path, expect) == "closed":
                # The killed child was closing it: that commit was written but not yet in
                # the -wal's index, which a reader sharing the index does not see until the
                # next recovery. Never acknowledged, so it may survive or not; it survived.
                report.in_flight_closes += 1
            else:
                report.problems.append(f"child {n} did not resume session {expect}: {first}")
        acknowledged = [line for line in child.lines if set(line) & {"id", "note", "state"}]
        report.saves_per_child.append(sum(1 for line in acknowledged if "state" not in line))
        report.entries += len(acknowledged)
        full = n == kills or (n + 1) % FULL_CHAIN_EVERY == 0
        missing, problems = check_database(db_path, acknowledged, chain, full)
        report.lost += [f"after kill {n}: {p}" for p in missing]
        report.problems += [f"after kill {n}: {p}" for p in problems]
        if log is not None and (missing or problems):
            print(f"kill {n}: {missing + problems}", file=log, flush=True)
