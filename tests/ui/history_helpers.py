"""Helpers of the history window's tests: the window over a real SQLite file, clicks,
answers to its dialogs, and a check that no modal dialog is left open."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QWidget

from kapdesk.core.clock import FakeClock
from kapdesk.core.course_report import SessionSummary
from kapdesk.core.protocol import Protocol
from kapdesk.services.export_ops import ExportOps
from kapdesk.services.history_ops import HistoryOps
from kapdesk.store.connection import Database
from kapdesk.store.users import User
from kapdesk.ui.history.controller import HistoryController
from kapdesk.ui.history.models import OBJECT_ROLE
from kapdesk.ui.history.window import HistoryWindow
from tests.store.history_sample import Clinic, write_clinic

CLINIC_NAME = "Harbour Street Clinic"


@pytest.fixture(autouse=True)
def no_modal_left(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Every dialog is answered through the seam: none is left open, none blocks.

    The window's error message (a non-blocking, window-modal QMessageBox that says why an
    action was refused) is the one modal a test may leave; it is closed here.
    """
    yield
    modal = QApplication.activeModalWidget()
    if modal is not None and modal.objectName() == "error_message":
        modal.close()
        modal = QApplication.activeModalWidget()
    assert modal is None


@pytest.fixture(name="clinic")
def clinic_fixture(db: Database, clock: FakeClock, protocols: dict[str, Protocol]) -> Clinic:
    return write_clinic(db, clock, protocols)


class Answers:
    """The history window's Prompts (kapdesk.ui.prompts), as the wiring hands it: each
    dialog goes to the next answer in turn; no text is asked for."""

    def __init__(self, *answers: Callable[[QDialog], None]) -> None:
        self.answers = list(answers)
        self.seen: list[str] = []

    def expect(self, *answers: Callable[[QDialog], None]) -> Answers:
        """From now on, these answers in turn (and a fresh list of the dialogs seen)."""
        self.answers = list(answers)
        self.seen = []
        return self

    def open_dialog(self, dialog: QDialog) -> None:
        self.seen.append(dialog.objectName())
        if not self.answers:
            raise AssertionError(f"unexpected dialog {dialog.objectName()}")
        self.answers.pop(0)(dialog)

    def ask_text(self, _parent: QWidget, title: str, _label: str) -> str | None:
        raise AssertionError(f"unexpected question {title!r}")


def open_history(qtbot, db: Database, clock: FakeClock, user: User, *,  # type: ignore[no-untyped-def]
                 sign: Callable[[int], bool] | None = None,
                 export_dir: Path | None = None) -> HistoryWindow:
    controller = HistoryController(
        HistoryOps.over(db, clock, lambda: CLINIC_NAME),
        ExportOps.over(db, clock, lambda: CLINIC_NAME), lambda: user)
    window = HistoryWindow(controller, Answers(), sign=sign, export_dir=export_dir)
    controller.setParent(window)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def click_row(qtbot, view: QAbstractItemView, index: QModelIndex) -> None:  # type: ignore[no-untyped-def]
    view.scrollTo(index)
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_patient(qtbot, window: HistoryWindow, code: str) -> None:  # type: ignore[no-untyped-def]
    model = window.browse.model
    row = next(i for i, p in enumerate(model.rows()) if p.code == code)
    click_row(qtbot, window.browse.view, model.index(row, 0))
    assert window.controller.course is not None
    assert window.controller.course.patient.code == code


def listed_sessions(window: HistoryWindow) -> list[SessionSummary]:
    model = window.tree_model
    out = []
    for g in range(model.rowCount()):
        parent = model.index(g, 0)
        out += [model.data(model.index(r, 0, parent), OBJECT_ROLE)
                for r in range(model.rowCount(parent))]
    return out


def choose_session(window: HistoryWindow, session_id: int) -> None:
    window.tree.setCurrentIndex(window.tree_model.session_index(session_id))
    report = window.session_panel.report
    assert report is not None and report.session_id == session_id


def image_stats(image: QImage, step: int = 3) -> tuple[int, float]:
    """(distinct colours, mean lightness 0-255) over a grid of pixels."""
    colours: set[int] = set()
    total = count = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            rgb = image.pixel(x, y)
            colours.add(rgb)
            total += QColor(rgb).lightness()
            count += 1
    return len(colours), total / max(count, 1)


__all__ = ["Clinic", "clinic_fixture", "no_modal_left"]
