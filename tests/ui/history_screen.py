"""Driver for the history window's real-window test, on a real X server at 1366x768.

Run under Xvfb with QT_QPA_PLATFORM=xcb: python tests/ui/history_screen.py OUT_DIR
Writes history_session.png and history_course.png (the invented sample clinic, dark
theme) and prints one JSON line of what it measured.
"""

import json
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import load_protocols
from kapdesk.paths import builtin_protocols_dir
from kapdesk.services.export_ops import ExportOps
from kapdesk.services.history_ops import HistoryOps
from kapdesk.store.audit import AuditTrail
from kapdesk.store.database import open_database
from kapdesk.store.outcomes import OutcomeStore
from kapdesk.ui.history.controller import HistoryController
from kapdesk.ui.history.window import HistoryWindow
from kapdesk.ui.prompts import DialogPrompts
from kapdesk.ui.theme import DARK, apply_theme
from tests.store.history_sample import write_clinic

PHQ9 = ([3, 3, 2, 2, 2, 2, 2, 2, 0], [2, 2, 1, 1, 2, 1, 1, 2, 0], [1, 1, 1, 0, 1, 1, 0, 1, 0])


def _settle(app: QApplication) -> None:
    for _ in range(20):
        app.processEvents()


def main(out: Path) -> dict[str, object]:
    app = QApplication([sys.argv[0]])
    apply_theme(app, DARK)
    clock = FakeClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    protocols = {p.id: p for p in load_protocols([builtin_protocols_dir()])[0]}
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "kapdesk.sqlite3")
        clinic = write_clinic(db, clock, protocols)
        outcomes = OutcomeStore(db, clock, AuditTrail(db, clock))
        doc = clinic.users["clinician"]
        for days, items in zip((20, 10, 1), PHQ9, strict=True):
            outcomes.record("K-204", "phq9", items, clock.now() - timedelta(days=days), doc.id)
            outcomes.record("K-204", "gad7", items[:7], clock.now() - timedelta(days=days),
                            doc.id)
        controller = HistoryController(
            HistoryOps.over(db, clock, lambda: "Harbour Street Clinic"),
            ExportOps.over(db, clock, lambda: "Harbour Street Clinic"), lambda: doc)
        window = HistoryWindow(controller, DialogPrompts(), sign=lambda _sid: False)
        window.setGeometry(QGuiApplication.primaryScreen().availableGeometry())
        window.show()
        window.open_patient("K-204")
        window.tree.setCurrentIndex(window.tree_model.session_index(clinic.signed.session_id))
        _settle(app)
        shots = {}
        for name, tab in (("session", window.session_panel),
                          ("course", window.course_panel)):
            window.right_tabs.setCurrentWidget(tab)
            _settle(app)
            screen = QGuiApplication.primaryScreen().grabWindow(0)
            screen.save(str(out / f"history_{name}.png"))
            image = screen.toImage()
            light = [image.pixelColor(x, y).lightness()
                     for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)]
            shots[name] = {"mean_lightness": sum(light) / len(light),
                           "bright_share": sum(1 for v in light if v > 200) / len(light)}
        result = {"screen": [image.width(), image.height()],
                  "window": [window.width(), window.height()],
                  "chart": [window.session_panel.timeline.width(),
                            window.session_panel.timeline.height()],
                  "painted": window.session_panel.timeline.paints, "shots": shots}
        window.close()
        db.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
