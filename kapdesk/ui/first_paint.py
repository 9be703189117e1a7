"""Work that waits for a window's first painted frame: what the first frame does not show.

The room window is drawn first; what it does not need to draw (the database's start-up
check, the day's first backup, the pages and windows not on screen) starts from the event
loop once that frame is painted, so the clinician sees the room as soon as it can be drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Calls each of `then` once, from a zero timer after the window's first Paint event
    (by then the whole frame, children included, has been painted in that pass)."""

    def __init__(self, window: QWidget, *then: Callable[[], object]) -> None:
        super().__init__(window)
        self.setObjectName("after first paint")
        self._then = list(then)
        self._window = window
        self.done = False
        window.installEventFilter(self)

    def add(self, then: Callable[[], object]) -> None:
        """One more piece of work for after the first frame (at once, if it has been)."""
        if self.done:
            then()
        else:
            self._then.append(then)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self.run_now)
        return False

    def cancel(self) -> None:
        """The window is closing before its first frame: what waits is never run."""
        self.done = True
        self._then = []
        self._window.removeEventFilter(self)

    def run_now(self) -> None:
        """Run what waits, now (once): from the timer, or by whoever needs it sooner."""
        if self.done:
            return
        self.done = True
        self._window.removeEventFilter(self)
        then, self._then = self._then, []
        for work in then:
            work()
