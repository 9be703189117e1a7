"""history_open_ms: open a patient with 100 sessions in the ten-year database.

A copy of the ten-year database (bench/tenyear.py: BENCH_10Y_DB, else made by
tools/make_10y_db.py) is opened as the app opens it; the patient with the most sessions is
given whole courses of other patients (courses that do not overlap theirs in time, moved
with every session, observation, alert and note in them) until they have at least
SESSIONS sessions. The history window (kapdesk.ui.history) is shown at 1366x768 for the
first clinician, the patient list searched for that patient's code as a clinician types it.
Timed: from the mouse click on the patient's row to the patient's courses and sessions
listed and the newest dosing session's timeline chart painted (TimelineWidget.painted),
everything in between real (SQL, models, the chart's paint). One warm-up click, then RUNS
clicks, each on a freshly cleared window; median. Baseline, same run, interleaved: a bare
PySide6 window whose click runs one raw SQL query for the same patient's sessions and fills
a QTableWidget with them, to its paint: the least a window can do to list them.

    python -m bench.history    (or `python -m bench history` once registered)
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import bench_dir, figure
from bench.tenyear import LOGIN, copy_into, ten_year_db
from kapdesk.core.clock import SystemClock
from kapdesk.services.export_ops import ExportOps
from kapdesk.services.history_ops import HistoryOps
from kapdesk.store.connection import Database
from kapdesk.store.database import open_database
from kapdesk.store.users import UserStore

SESSIONS = 100
RUNS = 9
TARGET = 200.0
TIMEOUT_S = 10.0


def give_sessions(db: Database, wanted: int = SESSIONS) -> tuple[str, int]:
    """Move whole courses onto the patient with the most sessions until they have `wanted`;
    (their code, how many sessions they now have)."""
    pid, have = db.execute("SELECT patient_id, count(*) c FROM sessions GROUP BY patient_id "
                           "ORDER BY c DESC, patient_id LIMIT 1").fetchone()
    spans = db.execute(
        "SELECT c.id, c.patient_id, min(coalesce(s.t0, s.planned_at)), "
        "max(coalesce(s.t0, s.planned_at)), count(s.id) FROM courses c "
        "JOIN sessions s ON s.course_id = c.id GROUP BY c.id ORDER BY 3").fetchall()
    taken = [(a, b) for _cid, p, a, b, _n in spans if p == pid]
    moved: list[int] = []
    for cid, patient, first, last, n in spans:
        if have >= wanted:
            break
        if patient == pid or any(first <= b and a <= last for a, b in taken):
            continue
        moved.append(cid)
        taken.append((first, last))
        have += n
    marks = ",".join("?" * len(moved))
    # a signed session's patient cannot change (migration 0006): on this copy only, the lock
    # is lifted for the move and put back (their signatures then no longer verify)
    lock = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                      "name = 'sessions_signed_no_update'").fetchone()
    with db.atomic():
        db.execute("DROP TRIGGER IF EXISTS sessions_signed_no_update")
        db.execute(f"UPDATE courses SET patient_id = ? WHERE id IN ({marks})", [pid, *moved])
        db.execute(f"UPDATE sessions SET patient_id = ? WHERE course_id IN ({marks})",
                   [pid, *moved])
        if lock is not None:
            db.execute(lock[0])
    code = db.execute("SELECT code FROM patients WHERE id = ?", [pid]).fetchone()[0]
    count = db.execute("SELECT count(*) FROM sessions WHERE patient_id = ?", [pid]).fetchone()
    return str(code), int(count[0])


def _wait(app: Any, done: Callable[[], bool]) -> None:
    deadline = time.perf_counter() + TIMEOUT_S
    while not done():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError("the window did not finish within the time limit")


def _click(view: Any, row: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    rect = view.visualRect(view.model().index(row, 0))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _history(app: Any, db: Database, code: str) -> tuple[Callable[[], float], Any]:
    from kapdesk.ui.history.controller import HistoryController
    from kapdesk.ui.history.window import HistoryWindow
    from kapdesk.ui.prompts import DialogPrompts

    clock = SystemClock()
    user = next(u for u in UserStore(db, clock).all() if u.username == LOGIN)
    controller = HistoryController(
        HistoryOps.over(db, clock, lambda: "Bench Clinic"),
        ExportOps.over(db, clock, lambda: "Bench Clinic"), lambda: user)
    window = HistoryWindow(controller, DialogPrompts())  # no dialog is opened here
    window.resize(1366, 768)
    window.show()
    window.browse.filters.search_edit.setText(code)
    window.browse.filters.apply()
    _wait(app, lambda: window.browse.model.rowCount() == 1)
    chart = window.session_panel.timeline

    def once() -> float:  # from a cleared window: no patient, no session
        window.browse.view.selectionModel().clear()
        window.tree_model.set_groups(())
        window.session_panel.show_report(None)
        app.processEvents()
        before = chart.paints
        start = time.perf_counter()
        _click(window.browse.view, 0)
        _wait(app, lambda: chart.paints > before and window.session_panel.report is not None)
        elapsed = (time.perf_counter() - start) * 1000
        listed = sum(len(g.sessions) for g in window.tree_model.groups())
        if listed < SESSIONS:
            raise RuntimeError(f"only {listed} sessions listed")
        return elapsed
    return once, window


def _bare(app: Any, db: Database, code: str) -> tuple[Callable[[], float], Any]:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QTableWidget, QTableWidgetItem
    from PySide6.QtWidgets import QWidget as Widget

    window = QMainWindow()
    body = Widget()
    row = QHBoxLayout(body)
    patients, sessions = QTableWidget(1, 1), QTableWidget(0, 4)
    patients.setItem(0, 0, QTableWidgetItem(code))
    row.addWidget(patients)
    row.addWidget(sessions, 2)
    window.setCentralWidget(body)
    painted = [0]

    class Paints(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted[0] += 1
            return False

    counter = Paints(window)
    sessions.viewport().installEventFilter(counter)

    def fill() -> None:
        rows = db.execute(
            "SELECT s.id, s.kind, s.state, coalesce(s.t0, s.planned_at) FROM sessions s "
            "JOIN patients p ON p.id = s.patient_id WHERE p.code = ? "
            "ORDER BY coalesce(s.t0, s.planned_at) DESC", [code]).fetchall()
        sessions.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                sessions.setItem(r, c, QTableWidgetItem(str(value)))

    patients.cellClicked.connect(lambda _r, _c: fill())
    window.resize(1366, 768)
    window.show()

    def once() -> float:
        patients.clearSelection()
        sessions.setRowCount(0)
        app.processEvents()
        before = painted[0]
        start = time.perf_counter()
        _click(patients, 0)
        _wait(app, lambda: painted[0] > before and sessions.rowCount() > 0)
        return (time.perf_counter() - start) * 1000
    return once, window


def run(tmp: Path, runs: int = RUNS) -> list[dict[str, Any]]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    source, how = ten_year_db(tmp)
    path = copy_into(source, tmp / "history-10y")
    db = open_database(path)
    try:
        code, count = give_sessions(db)
        history, keep_a = _history(app, db, code)
        bare, keep_b = _bare(app, db, code)
        first = history()  # warm-up: the page cache, fonts, the chart's first layout
        bare()
        ours: list[float] = []
        theirs: list[float] = []
        for i in range(runs):
            pair = [(history, ours), (bare, theirs)]
            for measure, samples in pair if i % 2 == 0 else reversed(pair):
                samples.append(measure())
        keep_a.close()
        keep_b.close()
    finally:
        db.close()
    value, baseline = statistics.median(ours), statistics.median(theirs)
    return [figure(
        "history_open_ms", value, "ms", baseline, target=TARGET, digits=1,
        note=(f"median ms from the click on a patient with {count} sessions in a copy of the "
              f"ten-year database ({how}) to their courses and sessions listed and the newest "
              f"dosing session's timeline painted, in the history window at 1366x768 "
              f"(value; target <= {TARGET:g} ms), against a bare window's click listing the "
              f"same sessions from one raw SQL query into a QTableWidget (baseline); "
              f"{runs} clicks each, interleaved, after a warm-up ({first:.0f} ms). "
              f"history ms {sorted(round(x) for x in ours)}, bare ms "
              f"{sorted(round(x, 1) for x in theirs)}"))]


def main() -> int:
    with bench_dir() as tmp:
        for fig in run(tmp):
            print(json.dumps(fig, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
