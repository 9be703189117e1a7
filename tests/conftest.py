"""Test set-up: offscreen Qt, SDL without a sound card, and a private data dir per test.

Every test also leaves the process as it found it, or fails: no QTimer still running that
the test started, no top-level window still shown, pygame's mixer not left open (napari's
`_dangling_qtimers`, extended to windows and the sound device). `--reverse` runs the tests
in reverse order (CI runs the suite once so), `--shuffle SEED` in an order shuffled by that
seed (the seed is printed in the header, so a failing order can be run again): a test that
passes only after another fails.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import Protocol, load_protocols
from kapdesk.paths import builtin_protocols_dir
from kapdesk.store.database import open_database


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--reverse", action="store_true",
                     help="run the collected tests in reverse order")
    parser.addoption("--shuffle", type=int, default=None, metavar="SEED",
                     help="run the collected tests in an order shuffled by SEED (a whole "
                          "number; the same seed gives the same order)")


def pytest_report_header(config: pytest.Config) -> str | None:
    seed = config.getoption("--shuffle")
    return None if seed is None else f"tests shuffled with --shuffle {seed}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seed = config.getoption("--shuffle")
    if seed is not None:
        random.Random(seed).shuffle(items)
    if config.getoption("--reverse"):
        items.reverse()


@pytest.fixture(autouse=True)
def _dangling_qtimers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail a test that leaves a QTimer it started still running (a window not shut down,
    a controller not stopped); the timers are stopped so the next test starts clean."""
    started: list[QTimer] = []
    start = QTimer.start

    def recording_start(timer: QTimer, *args: int) -> None:
        started.append(timer)
        start(timer, *args)

    monkeypatch.setattr(QTimer, "start", recording_start)
    yield
    monkeypatch.undo()
    running = []
    for timer in dict.fromkeys(started):
        try:
            if timer.isActive():
                running.append(timer.objectName() or repr(timer))
                timer.stop()
        except RuntimeError:  # its C++ object is gone: it runs no more
            pass
    assert not running, f"QTimer(s) left running: {running}"


@pytest.fixture(autouse=True)
def _dangling_windows() -> Iterator[None]:
    """Fail a test that leaves a top-level window shown (after pytest-qt closed the widgets
    registered with qtbot)."""
    yield
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    shown = [w for w in app.topLevelWidgets() if w.isVisible()]
    for widget in shown:
        widget.close()
    assert not shown, f"window(s) left open: {[w.objectName() or repr(w) for w in shown]}"


@pytest.fixture(autouse=True)
def _dangling_mixer() -> Iterator[None]:
    """Fail a test that leaves pygame's mixer (the sound device) initialised."""
    yield
    pygame = sys.modules.get("pygame")
    if pygame is None or pygame.mixer.get_init() is None:
        return
    pygame.mixer.quit()
    pytest.fail("pygame's mixer was left initialised: close the player or the window")


@pytest.fixture(scope="session", autouse=True)
def _seal_keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test, even in a module-wide fixture, makes a seal key in the real config folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KAPDESK_KEY_DIR", str(tmp_path_factory.mktemp("session-seal-keys")))
        yield


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
             monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test ever touches real notes: the data dir is this test's temp folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("KAPDESK_DATA_DIR", str(folder))
    # nor the real seal keys; a folder apart, as a key is never inside the data it seals
    monkeypatch.setenv("KAPDESK_KEY_DIR", str(tmp_path_factory.mktemp("seal-keys")))
    return folder


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def protocols() -> dict[str, Protocol]:
    found, errors = load_protocols([builtin_protocols_dir()])
    assert not errors
    return {p.id: p for p in found}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kapdesk.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    """A real SQLite file in this test's temp folder, opened and migrated like the app does."""
    database = open_database(db_path)
    yield database
    database.conn.close()
