"""The app's top-level window, shown before the room's code is loaded: the first frame.

kapdesk.app shows this window first, from this module alone, and only on the event loop's
turn after its first frame imports the wiring, opens the data folder (taking its lock),
signs someone in over it and builds the room. The room (the MainWindow kapdesk.wiring
builds) is then put into this same window (`host`): it keeps its place, its size and its
title, and it closes as the room closes (the room's own close: its note saved, its music
faded, its timers stopped).

Until then it shows true things only: the time of day in the room clock's large light type,
and what the app is doing ("Opening the records in <folder>…"; `say` changes it). It holds
no control and takes no input, so nothing can be entered before the room is built and the
folder's lock is held. Closed before the room comes, it says so (`closed_early`), and the
opening stops there. The opening waits for the first frame (`after_paint`), or a second
after the window is shown if none is drawn (a window minimised or on another desktop).

Only PySide6 and the standard library are imported here (the first frame must not wait for
the rest of KAPdesk), and no enum of Qt's `Qt` namespace is touched: PySide6 builds the
whole namespace on its first use, which costs tens of ms (the room touches it later).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from kapdesk.ui.first_paint import AfterFirstPaint

CLOCK_PX = 160  # the room clock's size on a 1366x768 room (FitClock fits it, 52..220)
MINUTE_MS = 60_000
NO_FRAME_MS = 1000  # a window not drawn by then (minimised, another desktop): open anyway


def opening_sheet(window: str, text: str, muted: str) -> str:
    """The opening page's colours (the room theme's) and type; alignment and plain text (a
    folder named like markup is shown as it is named) by property, so that no Qt enum is
    needed."""
    return (f"QWidget#opening {{ background: {window}; }}"
            f"QLabel {{ background: {window}; color: {text}; qproperty-alignment: AlignCenter;"
            f" qproperty-textFormat: PlainText; }}"
            f"QLabel#opening_clock {{ font-size: {CLOCK_PX}px; font-weight: 300; }}"
            f"QLabel#opening_status {{ color: {muted}; font-size: 20px; }}")


def wall_time(now: datetime) -> str:
    """The time of day as the room's wall shows it, local: 14:05."""
    return now.astimezone().strftime("%H:%M")


class Shell(QMainWindow):
    """The window the app opens in; the room, once built, is put into it."""

    def __init__(self, title: str, doing: str, colours: tuple[str, str, str],
                 now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kapdesk_window")
        self.setWindowTitle(title)
        self._now = now
        self.room: QWidget | None = None
        self.closed_early = False
        page = QWidget()
        page.setObjectName("opening")
        self._page = page
        self.set_colours(colours)
        self.clock_label = QLabel(page)
        self.clock_label.setObjectName("opening_clock")
        self.clock_label.setAccessibleName("Time of day")
        self.status_label = QLabel(doing, page)
        self.status_label.setObjectName("opening_status")
        self.status_label.setAccessibleName("What KAPdesk is doing")
        self.status_label.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.clock_label)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        self.setCentralWidget(page)
        # The opening's work waits for the first frame, or NO_FRAME_MS after the window is
        # shown if no frame comes (a window never drawn must still open the records).
        self._no_frame = QTimer(self)
        self._no_frame.setObjectName("opening without a frame")
        self._no_frame.setSingleShot(True)
        self.after_paint = AfterFirstPaint(page, self._no_frame.stop)
        self._no_frame.timeout.connect(self.after_paint.run_now)
        self._tick = QTimer(self)
        self._tick.setObjectName("opening wall clock")
        self._tick.setSingleShot(True)
        self._tick.timeout.connect(self._show_time)
        self._show_time()

    def _show_time(self) -> None:
        """The time now; again at the next minute (re-read then: a timer may fire early)."""
        now = self._now()
        self.clock_label.setText(wall_time(now))
        if self.room is None and not self.closed_early:
            self._tick.start(MINUTE_MS - (now.second * 1000 + now.microsecond // 1000) + 5)

    def set_colours(self, colours: tuple[str, str, str]) -> None:
        """The opening page in the clinic's theme level (window, text, muted), once it is
        known: the dark level until the folder is open, then e.g. the night level."""
        self._page.setStyleSheet(opening_sheet(*colours))

    def say(self, doing: str) -> None:
        """What the app is doing now, in words."""
        self.status_label.setText(doing)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.after_paint.done and self.room is None and not self.closed_early:
            self._no_frame.start(NO_FRAME_MS)

    def host(self, room: QWidget) -> None:
        """The room takes the opening page's place in this window, which keeps its place,
        its size and its title (the room's own, followed from now on)."""
        self._tick.stop()
        self._no_frame.stop()
        self.after_paint.cancel()
        page = self.takeCentralWidget()
        self.room = room
        self.setCentralWidget(room)  # reparented: a child of this window from now on
        self.setWindowTitle(room.windowTitle())
        room.windowTitleChanged.connect(self.setWindowTitle)
        room.show()
        if page is not None:
            page.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        """The room's own close first (it may refuse: then the window stays)."""
        if self.room is not None:
            if not self.room.close():
                event.ignore()
                return
        else:
            self.closed_early = True
            self._tick.stop()
            self._no_frame.stop()
            self.after_paint.cancel()
        super().closeEvent(event)
