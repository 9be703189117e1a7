"""The driver's Qt side: a call back once a window's first frame is painted."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class FirstPaint(QObject):
    """Calls back once, when the watched window's first frame is painted.

    The callback runs from a zero timer after the first Paint event: by then the whole frame
    (the window and all its children, painted in the same pass) is done.
    """

    def __init__(self, window: QWidget, then: Callable[[float], None]) -> None:
        super().__init__(window)
        self._then = then
        self._seen = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._seen and event.type() == QEvent.Type.Paint:
            self._seen = True
            watched.removeEventFilter(self)  # nothing of ours runs in the window after this
            QTimer.singleShot(0, self._painted)
        return False

    def _painted(self) -> None:
        self._then(time.monotonic())


def report_and_quit(painted: float | dict[str, float]) -> None:
    """Say when (a time, or several by name), then quit."""
    report = painted if isinstance(painted, dict) else {"painted": painted}
    print(json.dumps(report), flush=True)
    QApplication.quit()
