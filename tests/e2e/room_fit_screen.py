"""Driver for the room-fits-the-screen test: the room at peak with a long track title playing,
a cue banner, three open alerts, a notice of a clock change and a long name signed in,
shown maximised and not, under a real window manager.

Run on a real X server with a window manager and QT_QPA_PLATFORM=xcb (QT_SCALE_FACTOR as
wanted): python tests/e2e/room_fit_screen.py OUT_DIR LABEL [dark|night]
Saves OUT_DIR/room_fit_LABEL_{normal,maximised}.png and prints one JSON line per mode.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSlider,
    QWidget,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kapdesk.core.clock import FakeClock  # noqa: E402
from kapdesk.core.observations import Kind  # noqa: E402
from kapdesk.core.session import State  # noqa: E402
from kapdesk.paths import Paths  # noqa: E402
from kapdesk.ui.screen_fit import fit_to_screen  # noqa: E402
from kapdesk.ui.widgets.elided_label import ElidedLabel  # noqa: E402
from kapdesk.wiring import build_services, build_window, create_account  # noqa: E402

LONG_NAME = "Dr Alexandrina Montgomery-Featherstonehaugh"
CLOCK_NOTICE = ("The computer's clock was set back by 2 h 00 min while the session ran; the "
                "session's time stays true (it is kept by the boot clock).")
LONG_TITLE = ("The Orchestra of the Slow Northern Tide - An Exceedingly Long Meditation on "
              "Water, Stone and the Patience of Mountains (Extended Night Version)")


def long_title_set(playlists_dir: Path) -> None:
    """The shipped set again, under the same id, with a very long first title in each phase."""
    shipped = ROOT / "playlists" / "im-kap-ambient"
    folder = playlists_dir / "im-kap-ambient"
    folder.mkdir(parents=True)
    text = (shipped / "set.toml").read_text(encoding="utf-8")
    audio = (ROOT / "assets" / "audio").as_posix()
    (folder / "set.toml").write_text(text.replace("../../assets/audio", audio), "utf-8")
    for m3u in shipped.glob("*.m3u8"):
        lines = m3u.read_text(encoding="utf-8").replace("../../assets/audio", audio)
        first = lines.splitlines()
        first[1] = first[1].split(",", 1)[0] + "," + LONG_TITLE
        (folder / m3u.name).write_text("\n".join(first) + "\n", "utf-8")


def settle(app: QApplication, seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def problems(window: QWidget, screen: QRect) -> list[str]:
    """Visible labels, buttons, lists and fields that are hidden in part (off the window,
    off the screen, clipped by a parent), squeezed below their least size, or whose text
    does not fit without an ellipsis and a tooltip."""
    found = []
    view = window.view  # type: ignore[attr-defined]
    scrolled = [view.body_scroll.widget(), view.alerts_area.widget()]
    kinds = (QLabel, QAbstractButton, QListWidget, QPlainTextEdit, QLineEdit, QSlider)
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, kinds):
            continue
        if widget.window() is not window or widget.width() == 0:
            continue
        name = widget.objectName() or type(widget).__name__
        body = next((b for b in scrolled if b.isAncestorOf(widget)), None)
        if body is not None:  # reachable when the room's body (or the alerts) scroll
            rect = QRect(widget.mapTo(body, QPoint(0, 0)), widget.size())
            if not body.rect().contains(rect):
                found.append(f"{name} outside {body.objectName()}: {rect.getRect()}")
        else:
            shown = widget.visibleRegion().boundingRect()
            if shown != widget.rect():
                found.append(f"{name} cut off: shows {shown.getRect()} of "
                             f"{widget.rect().getRect()}")
            on_screen = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
            if not screen.contains(on_screen):
                found.append(f"{name} off screen: {on_screen.getRect()}")
        hint = widget.minimumSize() if not widget.minimumSize().isNull() else \
            widget.minimumSizeHint()
        hint = hint.expandedTo(widget.minimumSize())
        if widget.height() < hint.height() - 1 or widget.width() < hint.width() - 1:
            found.append(f"{name} squeezed: {widget.size().toTuple()} < {hint.toTuple()}")
        if isinstance(widget, ElidedLabel):
            if widget.elided and widget.toolTip() != widget.text():
                found.append(f"{name} elided without the whole text in its tooltip")
        elif isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            needed = widget.fontMetrics().horizontalAdvance(widget.text().split("\n")[0])
            if needed > widget.contentsRect().width():
                found.append(f"{name} text cut: needs {needed} px, has {widget.width()}")
    return found


def in_sight(widget: QWidget, viewport: QWidget) -> bool:
    """The whole of `widget` shows in `viewport` as it is scrolled now: not below the fold,
    not clipped by a parent, not hidden."""
    if not widget.isVisible() or widget.width() == 0:
        return False
    rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return viewport.rect().contains(rect) and \
        widget.visibleRegion().boundingRect() == widget.rect()


def must_see(window: QWidget) -> dict[str, bool]:
    """The lines and buttons a clinician must see without scrolling: the phase, the next
    cue and every record button."""
    view = window.view  # type: ignore[attr-defined]
    port = view.body_scroll.viewport()
    seen = {"phase": in_sight(view.phase_label, port),
            "next_cue": in_sight(view.next_label, port)}
    for key, button in view.record_buttons.buttons.items():
        if not button.isHidden():
            seen[f"record_{key}"] = in_sight(button, port)
    return seen


def toolbar_overflows(window: QWidget) -> bool:
    """True when the toolbar has pushed some of its steps into its overflow arrow."""
    bar = window.toolbar  # type: ignore[attr-defined]
    arrow = bar.findChild(QAbstractButton, "qt_toolbar_ext_button")
    return arrow is not None and arrow.isVisible()


def settle_frame(app: QApplication, window: QWidget, timeout: float = 8.0) -> None:
    """Wait until the window manager has placed the window: its frame unchanged for 0.5 s."""
    end = time.monotonic() + timeout
    last, since = window.frameGeometry(), time.monotonic()
    while time.monotonic() < end:
        settle(app, 0.05)
        now = window.frameGeometry()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= 0.5:
            return


def measure(app: QApplication, window: QWidget, out: Path) -> dict[str, object]:
    settle_frame(app, window)
    screen = QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    shot = screen.grabWindow(0)
    shot.save(str(out))
    view = window.view  # type: ignore[attr-defined]
    music = view.music_bar.label
    return {
        "screen": [screen.geometry().width(), screen.geometry().height()],
        "available": [available.x(), available.y(), available.width(), available.height()],
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "client": [*window.mapToGlobal(QPoint(0, 0)).toTuple(), window.width(),
                   window.height()],
        "window": [window.width(), window.height()],
        "maximised": window.isMaximized(),
        "minimum": list(window.minimumSizeHint().toTuple()),
        "body_scrolls": view.body_scroll.scrolls(),
        "scrolled_by": view.body_scroll.verticalScrollBar().value(),
        "in_sight": must_see(window),
        "toolbar_overflows": toolbar_overflows(window),
        "density": view.property("density") or "full",
        "alerts_scroll": view.alerts_area.scrolls(),
        "most_severe_alert_shown": view.alerts.rows[0].visibleRegion().boundingRect()
        == view.alerts.rows[0].rect(),
        "body_viewport": view.body_scroll.viewport().height(),
        "body_needed": view.body_scroll.needed_height(view.body_scroll.viewport().width()),
        "clock_px": view.clock_label.pixel_size,
        "problems": problems(window, available),
        "music_text": music.text(), "music_tooltip": music.toolTip(),
        "music_width": music.width(),
        "banner_visible": view.banner.isVisible(),
        "notice": [w.toolTip() or w.text() for w in (view.notice, view.notice_line)
                   if w.isVisible()],
        "alerts": len(view.alerts.findChildren(QAbstractButton, "acknowledge_alert")),
        "shot": str(out),
    }


def main(out_dir: Path, label: str, level: str) -> list[dict[str, object]]:
    app = QApplication([sys.argv[0]])
    clock = FakeClock()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths(Path(tmp))
        long_title_set(paths.playlists_dir)
        services = build_services(paths, clock)
        window = build_window(services, create_account(
            services, LONG_NAME, "ada", "clinician", "screenshot-password"))
        window.set_theme(level)
        fit_to_screen(window)  # as app.py does
        window.show()
        settle(app)
        first = window.frameGeometry()
        room = window.room
        room.plan("K-014", next(p for p in services.protocols if p.id == "im-kap"))
        room.advance(State.PREPARING)
        clock.advance(300)
        room.advance(State.DOSED)
        window.view.music_bar.play_button.click()
        while room.current.elapsed_s < 30 * 60 + 40:  # peak phase; vitals and rating due
            clock.advance(10)
            room.refresh()
            key = window.view.banner.cue_key
            if key and room.current.elapsed_s < 30 * 60:
                room.acknowledge(key)
        window.records.record(Kind.VITALS, {"systolic": 190, "diastolic": 115,
                                           "heart_rate": 128, "spo2": 88})
        window.view.show_notice(CLOCK_NOTICE)  # as the window shows a clock change
        deadline = time.monotonic() + 10
        while LONG_TITLE[:20] not in window.view.music_bar.label.text() + \
                window.view.music_bar.label.toolTip() and time.monotonic() < deadline:
            settle(app, 0.1)
        results.append(measure(app, window, out_dir / f"room_fit_{label}_normal.png") |
                       {"mode": "normal", "first_frame": list(first.getRect())})
        window.showMaximized()
        results.append(measure(app, window, out_dir / f"room_fit_{label}_maximised.png") |
                       {"mode": "maximised"})
        window.view.music_bar.stop_button.click()
        settle(app, 0.2)
        window.close()
    return results


if __name__ == "__main__":
    for line in main(Path(sys.argv[1]), sys.argv[2],
                     sys.argv[3] if len(sys.argv) > 3 else "dark"):
        print(json.dumps(line))
