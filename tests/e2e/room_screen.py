"""Driver for the real-window test: the room screen at peak with a cue due, on a real X server.

Run under Xvfb with QT_QPA_PLATFORM=xcb: python tests/e2e/room_screen.py OUT.png [night]
Prints one JSON line of what it measured on the window.
"""

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kapdesk.core.clock import FakeClock
from kapdesk.core.session import State
from kapdesk.paths import Paths
from kapdesk.wiring import build_services, build_window, create_account


def main(out: Path, level: str) -> dict[str, object]:
    app = QApplication([sys.argv[0]])
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Paths(Path(tmp)), clock)
        window = build_window(services, create_account(
            services, "Dr Ada Quill", "ada", "clinician", "screenshot-password"))
        window.set_theme(level)
        window.setGeometry(QGuiApplication.primaryScreen().availableGeometry())
        window.show()
        room = window.room
        room.plan("K-014", next(p for p in services.protocols if p.id == "im-kap"))
        room.advance(State.PREPARING)
        clock.advance(300)
        room.advance(State.DOSED)
        while room.current.elapsed_s < 30 * 60 + 40:  # peak phase; vitals and rating due
            clock.advance(10)
            room.refresh()
            key = window.view.banner.cue_key
            if key and room.current.elapsed_s < 30 * 60:
                room.acknowledge(key)
        for _ in range(20):
            app.processEvents()
        screen = QGuiApplication.primaryScreen().grabWindow(0)
        screen.save(str(out))
        image = screen.toImage()
        lightness = [image.pixelColor(x, y).lightness()
                     for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)]
        clock_font = window.view.clock_label.font()
        digits = QFontMetrics(clock_font).tightBoundingRect("0123456789").height()
        result = {
            "screen": [image.width(), image.height()],
            "window": [window.width(), window.height()],
            "clock_text": window.view.clock_label.text(),
            "clock_digit_px": digits,
            "mean_lightness": sum(lightness) / len(lightness),
            "bright_share": sum(1 for v in lightness if v > 200) / len(lightness),
            "banner_visible": window.view.banner.isVisible(),
            "banner_text": window.view.banner.text_label.text(),
            "phase": window.view.phase_label.text(),
        }
        window.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "dark")))
