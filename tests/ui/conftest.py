"""UI fixtures: the real services and window over a real SQLite file, on a fake clock."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from kapdesk.core.clock import FakeClock
from kapdesk.paths import Paths
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.scripted_prompts import ScriptedPrompts as ClinicianPrompts
from kapdesk.ui.scripted_prompts import answer_as_clinician
from kapdesk.wiring import AppContext, build_services, build_window, create_account

MakeWindow = Callable[..., MainWindow]
PASSWORD = "test-password-1"


class ScriptedPrompts(ClinicianPrompts):
    """The tests' answers to the window's questions, given through the wiring (the
    self-test's, kapdesk.ui.scripted_prompts): the password is PASSWORD, a reason "Patient
    asleep"; a test sets `answer`, `replies` or `text` for its own."""

    def __init__(self) -> None:
        super().__init__(PASSWORD, "Patient asleep")


@pytest.fixture
def contexts() -> list[AppContext]:
    """The application contexts built by `make_window` in this test, in order."""
    return []


@pytest.fixture
def make_window(qtbot, data_dir: Path, clock: FakeClock,
                contexts: list[AppContext]) -> Iterator[MakeWindow]:
    """Build the real window through kapdesk.wiring, as the app does; each call is a fresh
    start of the app. Closing it at the end is the app's own teardown."""
    opened: list[MainWindow] = []

    def make(folder: Path = data_dir, with_clock: FakeClock = clock,
             prompts: ScriptedPrompts | None = None, role: str = "clinician") -> MainWindow:
        """`role`: who signs in (the account named after the role, made if new)."""
        ctx = build_services(Paths(folder), with_clock)
        user = ctx.stores.accounts.by_username(role) or create_account(
            ctx, role.title(), role, role, PASSWORD)
        window = build_window(ctx, user, prompts or ScriptedPrompts())
        qtbot.addWidget(window)
        window.resize(1366, 768)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        opened.append(window)
        contexts.append(ctx)
        return window

    yield make
    for window in opened:
        window.close()
    for ctx in contexts:
        ctx.db.close()


def answer_dialog(dialog: QDialog) -> None:
    """What a clinician does with a dialog the test did not plan for: complete the
    discharge check, sign when asked to sign; anything else is a surprise."""
    answer_as_clinician(dialog, PASSWORD)


def step(window: MainWindow, clock: FakeClock, seconds: float, every: float = 5.0) -> None:
    """Let time pass in the room, waking the controller the way its timers would."""
    remaining = seconds
    while remaining > 1e-9:
        dt = min(every, remaining)
        clock.advance(dt)
        remaining -= dt
        window.room.refresh()
