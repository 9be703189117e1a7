"""Driver for the room-fits-the-screen test before the dose and locked: the room preparing
(the preparation list, the screening button, the toolbar's dose step) and then the lock
screen with a cue due (its banner, its password field, the key its banner names), each shown
maximised and not, under a real window manager; between them, the room dosed with its note
typed to the bound (the line under the note says so).

Run on a real X server with a window manager and QT_QPA_PLATFORM=xcb (QT_SCALE_FACTOR as
wanted): python tests/e2e/prep_lock_fit_screen.py OUT_DIR LABEL [dark|night]
Saves OUT_DIR/{prep,lock}_fit_LABEL_{normal,maximised}.png, note_fit_LABEL_full.png and
lock_fit_LABEL_refused.png (the password refused), and prints one JSON line each.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kapdesk.core.clock import FakeClock  # noqa: E402
from kapdesk.core.session import State  # noqa: E402
from kapdesk.core.text_rules import MAX_NOTE  # noqa: E402
from kapdesk.paths import Paths  # noqa: E402
from kapdesk.ui.screen_fit import fit_to_screen  # noqa: E402
from kapdesk.wiring import build_services, build_window, create_account  # noqa: E402
from tests.e2e.room_fit_screen import (  # noqa: E402
    LONG_NAME,
    in_sight,
    must_see,
    problems,
    settle,
    settle_frame,
    toolbar_overflows,
)


def whole(widget: QWidget, screen: QRect) -> bool:
    """Shown, not clipped by a parent, and on the screen."""
    if not widget.isVisible() or widget.width() == 0:
        return False
    on_screen = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
    return widget.visibleRegion().boundingRect() == widget.rect() and \
        screen.contains(on_screen)


def _common(app: QApplication, window: QWidget, out: Path) -> dict[str, object]:
    settle_frame(app, window)
    screen = QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    screen.grabWindow(0).save(str(out))
    return {"available": [available.x(), available.y(), available.width(),
                          available.height()],
            "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
            "client": [*window.mapToGlobal(QPoint(0, 0)).toTuple(), window.width(),
                       window.height()],
            "maximised": window.isMaximized(), "shot": str(out),
            "problems": problems(window, available)}


def measure_prep(app: QApplication, window: QWidget, out: Path) -> dict[str, object]:
    seen = _common(app, window, out)
    view = window.view  # type: ignore[attr-defined]
    port = view.body_scroll.viewport()
    prep = view.prep_list
    items = [prep.item(i) for i in range(prep.count())]
    inside = prep.viewport().rect()
    cut = [item.text() for item in items if not inside.contains(prep.visualItemRect(item))]
    dose = window.toolbar.widgetForAction(window.act_dose)  # type: ignore[attr-defined]
    available = QRect(*seen["available"])  # type: ignore[misc]
    return seen | {
        "items": len(items), "items_cut": cut,
        "prep_scrolls": prep.verticalScrollBar().isVisible(),
        "prep_in_sight": in_sight(prep, port),
        "screening_in_sight": in_sight(view.screening_button, port),
        "dose_step_shown": dose is not None and whole(dose, available),
        "dose_step_enabled": window.act_dose.isEnabled(),  # type: ignore[attr-defined]
        "toolbar_overflows": toolbar_overflows(window),
        "in_sight": must_see(window),
        "body_scrolls": view.body_scroll.scrolls(),
        "scrolled_by": view.body_scroll.verticalScrollBar().value(),
        "body_needed": view.body_scroll.needed_height(port.width()),
        "body_viewport": port.height(),
        "density": view.property("density") or "full"}


def measure_note_full(app: QApplication, window: QWidget, out: Path) -> dict[str, object]:
    """The room with its note typed to the bound and one key more: the line under the note
    says it is full, and the room still fits."""
    view = window.view  # type: ignore[attr-defined]
    note = view.note
    note.setFocus()
    note.setPlainText("Calm. " * (MAX_NOTE // 6) + "x" * (MAX_NOTE % 6 - 1))
    note.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(note, "yz")
    seen = _common(app, window, out)
    available = QRect(*seen["available"])  # type: ignore[misc]
    note.flush()
    return seen | {"note_chars": len(note.toPlainText()), "count": view.note_count.text(),
                   "count_whole": whole(view.note_count, available),
                   "in_sight": must_see(window), "body_scrolls": view.body_scroll.scrolls(),
                   "banner_whole": whole(view.banner, available)}


def measure_lock(app: QApplication, window: QWidget, out: Path) -> dict[str, object]:
    seen = _common(app, window, out)
    lock = window.lock_view  # type: ignore[attr-defined]
    available = QRect(*seen["available"])  # type: ignore[misc]
    banner = lock.banner
    return seen | {
        "lock_shown": lock.isVisible(),
        "banner_whole": whole(banner, available),
        "cue_text_whole": whole(banner.text_label, available),
        "ack_whole": whole(banner.ack_button, available),
        "ack_text": banner.ack_button.text(),
        "secret_whole": whole(lock.secret_edit, available),
        "unlock_whole": whole(lock.unlock_button, available),
        "who_whole": whole(lock.who_label, available),
        "clock_whole": whole(lock.clock_label, available),
        "next_whole": whole(lock.next_label, available),
        "clock_px": lock.clock_label.pixel_size,
        "density": lock.property("density") or "full"}


def main(out_dir: Path, label: str, level: str) -> list[dict[str, object]]:
    app = QApplication([sys.argv[0]])
    clock = FakeClock()
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Paths(Path(tmp)), clock)
        window = build_window(services, create_account(
            services, LONG_NAME, "ada", "clinician", "screenshot-password"))
        window.set_theme(level)
        fit_to_screen(window)  # as app.py does
        window.show()
        settle(app)
        room = window.room
        room.plan("K-014", next(p for p in services.protocols if p.id == "im-kap"))
        room.advance(State.PREPARING)
        for mode, show in (("normal", window.showNormal), ("maximised", window.showMaximized)):
            show()
            results.append(measure_prep(app, window, out_dir / f"prep_fit_{label}_{mode}.png")
                           | {"mode": mode, "page": "prep"})
        window.showNormal()
        settle(app)
        clock.advance(300)
        room.advance(State.DOSED)
        while not window.view.banner.cue_key:  # the first cue comes due
            clock.advance(10)
            room.refresh()
        results.append(measure_note_full(app, window, out_dir / f"note_fit_{label}_full.png")
                       | {"mode": "normal", "page": "note full"})
        window.access.lock()
        for mode, show in (("normal", window.showNormal), ("maximised", window.showMaximized)):
            show()
            results.append(measure_lock(app, window, out_dir / f"lock_fit_{label}_{mode}.png")
                           | {"mode": mode, "page": "lock"})
        lock = window.lock_view
        lock.secret_edit.setText("not the password")
        lock.unlock_button.click()  # refused: the error line shows under the field
        results.append(measure_lock(app, window, out_dir / f"lock_fit_{label}_refused.png")
                       | {"mode": "maximised", "page": "lock refused",
                          "error": lock.error_label.text() if lock.error_label.isVisible()
                          else "",
                          "error_whole": whole(lock.error_label, QRect(
                              *QGuiApplication.primaryScreen().availableGeometry().getRect()))})
        window.close()
    return results


if __name__ == "__main__":
    for line in main(Path(sys.argv[1]), sys.argv[2],
                     sys.argv[3] if len(sys.argv) > 3 else "dark"):
        print(json.dumps(line))
