"""UI fixtures: the real services and window over a real SQLite file, on a fake clock."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from kapdesk.app import Services, build_services, build_window, create_account
from kapdesk.core.clock import FakeClock
from kapdesk.paths import Paths
from kapdesk.store.accounts import AccountStore
from kapdesk.store.audit import AuditTrail
from kapdesk.ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
PASSWORD = "test-password-1"


@pytest.fixture
def make_window(qtbot, data_dir: Path, clock: FakeClock) -> Iterator[MakeWindow]:
    """Build the real window the way app.py does; each call is a fresh start of the app."""
    opened: list[MainWindow] = []

    def make(folder: Path = data_dir, with_clock: FakeClock = clock) -> MainWindow:
        services: Services = build_services(Paths(folder), with_clock)
        accounts = AccountStore(services.db, with_clock, AuditTrail(services.db, with_clock))
        user = accounts.by_username("clinician") or create_account(
            services, "Clinician", "clinician", "clinician", PASSWORD)
        window = build_window(services, user)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        window.ask_text = lambda _title, _label: "Patient asleep"
        window.entry.open_dialog = answer_dialog
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.room.stop()


def answer_dialog(dialog) -> None:
    """What a clinician does with a dialog the test did not plan for: complete the
    discharge check, sign when asked to sign; anything else is a surprise."""
    from kapdesk.ui.entry_dialogs import ChecklistDialog
    from kapdesk.ui.sign_dialog import SignDialog

    if isinstance(dialog, ChecklistDialog):
        dialog.check_all()
        dialog.findChild(QPushButton, f"save_{dialog.objectName()}").click()
    elif isinstance(dialog, SignDialog):
        dialog.secret_edit.setText(PASSWORD)
        dialog.sign_button.click()
    else:
        raise AssertionError(f"unexpected dialog {dialog.objectName()}")


def step(window: MainWindow, clock: FakeClock, seconds: float, every: float = 5.0) -> None:
    """Let time pass in the room, waking the controller the way its timers would."""
    remaining = seconds
    while remaining > 1e-9:
        dt = min(every, remaining)
        clock.advance(dt)
        remaining -= dt
        window.room.refresh()
