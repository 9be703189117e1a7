"""UI fixtures: the real services and window over a real SQLite file, on a fake clock."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kapdesk.app import Services, build_services, build_window
from kapdesk.core.clock import FakeClock
from kapdesk.paths import Paths
from kapdesk.ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot, data_dir: Path, clock: FakeClock) -> Iterator[MakeWindow]:
    """Build the real window the way app.py does; each call is a fresh start of the app."""
    opened: list[MainWindow] = []

    def make(folder: Path = data_dir, with_clock: FakeClock = clock) -> MainWindow:
        services: Services = build_services(Paths(folder), with_clock)
        window = build_window(services)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        window.ask_text = lambda _title, _label: "Patient asleep"
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.room.stop()


def step(window: MainWindow, clock: FakeClock, seconds: float, every: float = 5.0) -> None:
    """Let time pass in the room, waking the controller the way its timers would."""
    remaining = seconds
    while remaining > 1e-9:
        dt = min(every, remaining)
        clock.advance(dt)
        remaining -= dt
        window.room.refresh()
