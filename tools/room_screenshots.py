"""The room's screenshots for docs/: the room in onset, in peak with a cue banner, with an
alert, and the lock screen, at 1366x768, in the dark theme and the night level.

Run on a real X server with a window manager (e.g. `Xvfb :N -screen 0 1366x768x24`, then
`DISPLAY=:N openbox`), from the repository root:
    DISPLAY=:N QT_QPA_PLATFORM=xcb SDL_AUDIODRIVER=dummy python tools/room_screenshots.py docs
Writes room-onset-LEVEL.png, room-peak-banner-LEVEL.png, room-alert-LEVEL.png,
lock-screen-LEVEL.png and room-screen.png (the README's: peak with a banner, dark).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kapdesk.core.clock import FakeClock
from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.paths import Paths
from kapdesk.ui.screen_fit import fit_to_screen
from kapdesk.wiring import build_services, build_window, create_account


def settle(app: QApplication, seconds: float = 0.8) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def shoot(app: QApplication, out: Path) -> None:
    settle(app)
    QGuiApplication.primaryScreen().grabWindow(0).save(str(out))
    print(out)


def until(window, clock: FakeClock, seconds: float, acknowledge_before: float) -> None:  # type: ignore[no-untyped-def]
    room = window.room
    while room.current.elapsed_s < seconds:
        clock.advance(10)
        room.refresh()
        key = window.view.banner.cue_key
        if key and room.current.elapsed_s < acknowledge_before:
            room.acknowledge(key)


def main(out_dir: Path, level: str) -> None:
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Paths(Path(tmp)), clock)
        window = build_window(services, create_account(
            services, "Dr Ada Quill", "ada", "clinician", "screenshot-password"))
        window.set_theme(level)
        fit_to_screen(window)
        window.showMaximized()
        room = window.room
        room.plan("K-014", next(p for p in services.protocols if p.id == "im-kap"))
        room.advance(State.PREPARING)
        clock.advance(300)
        room.advance(State.DOSED)
        until(window, clock, 6 * 60 + 20, acknowledge_before=6 * 60 + 20)  # onset, calm
        shoot(app, out_dir / f"room-onset-{level}.png")
        until(window, clock, 30 * 60 + 40, acknowledge_before=30 * 60)  # peak, cue due
        shoot(app, out_dir / f"room-peak-banner-{level}.png")
        if level == "dark":
            shoot(app, out_dir / "room-screen.png")
        window.records.record(Kind.VITALS, {"systolic": 190, "diastolic": 115,
                                            "heart_rate": 88, "spo2": 97})
        clock.advance(20)
        room.refresh()
        shoot(app, out_dir / f"room-alert-{level}.png")
        window.access.lock()
        shoot(app, out_dir / f"lock-screen-{level}.png")
        room.stop()
        window.close()
        settle(app, 0.2)


if __name__ == "__main__":
    for theme_level in ("dark", "night"):
        main(Path(sys.argv[1]), theme_level)
