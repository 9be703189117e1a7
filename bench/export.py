"""pdf_export_s and csv_export_ratio: the session note as a PDF, and every observation as CSV.

pdf_export_s: a full session (tests/export/sample_session.py: screening, dose, 9 vitals
with an alert and a correction, ratings, a side effect, an antiemetic, cues, music, a note,
discharge, signature and an amendment) read from the store and written as an A4 PDF, in
this process. Median of RUNS after one warm-up (which loads fonts). No natural baseline:
the baseline is the target (1.0 s), so the ratio is the share of the budget used.

csv_export_ratio: every observation of a big database (BIG_SESSIONS sessions of about 42
observations each, about half a million rows, written by `build_big_db` below unless
tools/make_10y_db.py exists, whose database is then used) exported by
kapdesk.store.reports.observation_rows + kapdesk.export.csv_export (value) against the
`sqlite3` command line's CSV dump of the same rows, the very same SELECT (baseline), in
the same run, medians of CSV_RUNS, interleaved.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, BenchError, figure
from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import load_protocols
from kapdesk.paths import builtin_protocols_dir
from kapdesk.store.connection import Database
from kapdesk.store.database import open_database
from kapdesk.store.reports import CSV_SQL, load_session_report, observation_rows
from kapdesk.store.timefmt import to_db

RUNS = 5
CSV_RUNS = 3
PDF_TARGET = 1.0
CSV_TARGET = 3.0
BIG_SESSIONS = 12_000


def _pdf(tmp: Path) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from kapdesk.export.pdf import session_pdf
    from tests.export.sample_session import write_session

    _app = QApplication.instance() or QApplication([sys.argv[0]])
    protocols = {p.id: p for p in load_protocols([builtin_protocols_dir()])[0]}
    db = open_database(tmp / "pdf.sqlite3")
    try:
        sample = write_session(db, FakeClock(datetime(2026, 3, 2, 9, tzinfo=UTC)),
                               protocols["im-kap"])
        times, pages = [], 0
        for i in range(RUNS + 1):
            start = time.perf_counter()
            report = load_session_report(db, sample.session_id, "Bench Clinic", sample.plays)
            pages = session_pdf(report, tmp / "note.pdf", overwrite=True)  # each run anew
            if i:  # the first run loads the fonts: a warm-up
                times.append(time.perf_counter() - start)
    finally:
        db.close()
    value = statistics.median(times)
    return figure("pdf_export_s", value, "s", PDF_TARGET, target=PDF_TARGET, note=(
        f"median of {RUNS} (after a warm-up) of reading a full session and writing its "
        f"{pages}-page A4 PDF note; no natural baseline, so baseline = target "
        f"({PDF_TARGET} s) and ratio = share of the budget; runs s "
        f"{[round(t, 3) for t in times]}"))


def build_big_db(path: Path, sessions: int = BIG_SESSIONS, seed: int = 11) -> int:
    """A clinic's decade in bulk: patients, closed sessions, ~42 observations each, a few
    corrected. Invented values, written straight into the schema. Returns observations."""
    rng = random.Random(seed)
    db = open_database(path)
    db.execute("PRAGMA synchronous=OFF")
    proto = next(p for p in load_protocols([builtin_protocols_dir()])[0] if p.id == "im-kap")
    proto_json = json.dumps(proto.to_dict())
    start = datetime(2016, 1, 4, 8, tzinfo=UTC)
    obs: list[tuple[Any, ...]] = []
    oid = 0
    with db.atomic():
        now = to_db(start)
        db.execute("INSERT INTO users (id, username, display_name, role, created_at) "
                   "VALUES (1, 'ana', 'Dr Ana Silva', 'clinician', ?), "
                   "(2, 'sam', 'Sam Okafor, RN', 'clinician', ?)", [now, now])
        db.conn.executemany("INSERT INTO patients (id, code, created_at) VALUES (?, ?, ?)",
                            [(i, f"P-{i:05d}", now) for i in range(1, sessions // 8 + 1)])
        rows = []
        for sid in range(1, sessions + 1):
            t0 = start + timedelta(hours=7 * sid)
            rows.append((sid, 1 + sid % (sessions // 8), proto_json, to_db(t0 - timedelta(
                minutes=30)), to_db(t0)))
            for minute, kind, values in _session_values(rng):
                oid += 1
                at = to_db(t0 + timedelta(minutes=minute))
                data = json.dumps(values, sort_keys=True)
                obs.append((oid, sid, kind, at, at, 1 + oid % 2, data, None, "", 0))
                if kind == "vitals" and rng.random() < 0.01:  # a typo, corrected
                    oid += 1
                    obs.append((oid, sid, kind, at, at, 1, data, oid - 1, "Typo", 0))
        db.conn.executemany(
            "INSERT INTO sessions (id, patient_id, protocol_id, protocol_json, state, "
            "planned_at, t0, created_by) VALUES (?, ?, 'im-kap', ?, 'closed', ?, ?, 1)", rows)
        db.conn.executemany(
            "INSERT INTO observations (id, session_id, kind, observed_at, recorded_at, "
            "user_id, data, corrects, reason, amendment) VALUES (?,?,?,?,?,?,?,?,?,?)", obs)
    db.close()
    return len(obs)


def _session_values(rng: random.Random) -> list[tuple[float, str, dict[str, Any]]]:
    out: list[tuple[float, str, dict[str, Any]]] = [
        (-20, "screening", {"items": {"Consent confirmed": True, "Escort arranged": True}}),
        (0, "dose", {"drug": "ketamine", "dose_mg": float(rng.randint(50, 90)),
                     "route": "intramuscular", "lot": f"L{rng.randint(1000, 9999)}"})]
    for minute in range(-15, 110, 5):
        out.append((minute, "vitals", {
            "systolic": float(rng.randint(110, 165)), "diastolic": float(rng.randint(65, 95)),
            "heart_rate": float(rng.randint(60, 100)), "spo2": float(rng.randint(94, 99)),
            "resp_rate": float(rng.randint(12, 18))}))
    for minute in (15, 30, 45, 60, 75, 90):
        out.append((minute, "moaas", {"score": rng.randint(3, 5)}))
        out.append((minute, "dissociation", {"severity": rng.choice(("none", "mild"))}))
    if rng.random() < 0.3:
        out.append((22, "side_effect", {"name": "Nausea", "severity": "mild"}))
    out.append((100, "discharge", {"items": {"Vitals acceptable": True}}))
    return out


def _csv(tmp: Path) -> dict[str, Any]:
    cli = shutil.which("sqlite3")
    if cli is None:
        raise BenchError("the sqlite3 command line is missing: apt-get install sqlite3")
    from kapdesk.export.csv_export import export_rows_csv

    tool = ROOT / "tools" / "make_10y_db.py"
    path = tmp / "big.sqlite3"
    if tool.exists():
        made = subprocess.run([sys.executable, str(tool), str(path)], check=True, cwd=ROOT,
                              capture_output=True, text=True)  # stdout is for figures only
        source = "tools/make_10y_db.py: " + made.stdout.strip().split(": ", 1)[-1][:160]
    else:
        build_big_db(path)
        source = f"bench.export.build_big_db ({BIG_SESSIONS} sessions)"
    db: Database = open_database(path)
    sql = CSV_SQL.replace(":deid", "0") + "ORDER BY o.session_id, o.id"
    ours: list[float] = []
    theirs: list[float] = []
    rows = 0
    try:
        for i in range(CSV_RUNS):
            for who in (("ours", "cli") if i % 2 == 0 else ("cli", "ours")):
                start = time.perf_counter()
                if who == "ours":
                    export_rows_csv(observation_rows(db), tmp / "ours.csv", overwrite=True)
                    ours.append(time.perf_counter() - start)
                else:
                    with open(tmp / "cli.csv", "wb") as out:
                        subprocess.run([cli, "-csv", "-header", str(path), sql], stdout=out,
                                       check=True)
                    theirs.append(time.perf_counter() - start)
        rows = db.execute("SELECT count(*) FROM observations").fetchone()[0]
        start = time.perf_counter()  # for scale: the bare table, JSON left unparsed
        with open(tmp / "raw.csv", "wb") as out:
            subprocess.run([cli, "-csv", str(path), "SELECT * FROM observations"], stdout=out,
                           check=True)
        raw = time.perf_counter() - start
    finally:
        db.close()
    with open(tmp / "ours.csv", "rb") as a, open(tmp / "cli.csv", "rb") as b:
        lines = (sum(1 for _ in a), sum(1 for _ in b))
    with open(tmp / "ours.csv", newline="", encoding="utf-8") as f:
        parsed = sum(1 for _ in csv.reader(f)) - 1
    if lines[0] != lines[1] or parsed != rows:
        raise BenchError(f"the CSVs differ: ours {lines[0]} lines, sqlite3 {lines[1]}; ours "
                         f"parses to {parsed} rows for {rows} observations")
    value, baseline = statistics.median(ours), statistics.median(theirs)
    return figure("csv_export_ratio", value, "s", baseline, target=CSV_TARGET, note=(
        f"value/baseline: median s to export all {rows} observations ({source}) as CSV "
        f"through the store and the exporter (value) and with `sqlite3 -csv` running the "
        f"same SELECT (baseline), {CSV_RUNS} runs each, interleaved; ours "
        f"{[round(t, 2) for t in ours]}, sqlite3 {[round(t, 2) for t in theirs]}; for scale, "
        f"`sqlite3 -csv` of the bare table (data left as JSON) took {raw:.2f} s"))


def run(tmp: Path) -> list[dict[str, Any]]:
    folder = tmp / "export"
    folder.mkdir(exist_ok=True)
    return [_pdf(folder), _csv(folder)]
