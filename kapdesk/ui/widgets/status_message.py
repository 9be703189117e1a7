"""The status bar's message: it says what just happened, then goes (after 10 s), so that
"Backup written" is not still showing after the dose.

Its age is read from the injected clock; the QTimer only wakes it to look.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QLabel, QWidget

MESSAGE_SECONDS = 10.0


class StatusMessage(QLabel):
    def __init__(self, monotonic: Callable[[], float], lifetime_s: float = MESSAGE_SECONDS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status_message")
        self._monotonic = monotonic
        self._lifetime = lifetime_s
        self._shown_at = 0.0
        self._timer = QTimer(self)
        self._timer.setObjectName("status message expiry")
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self.expire)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._shown_at = self._monotonic()
        if text:
            self._timer.start(int(self._lifetime * 1000) + 50)
        else:
            self._timer.stop()

    def expire(self) -> None:
        """Clear the message once it is `lifetime_s` old by the clock; else look again."""
        if not self.text():
            return
        left = self._lifetime - (self._monotonic() - self._shown_at)
        if left <= 0:
            super().setText("")
            self._timer.stop()
        else:
            self._timer.start(int(left * 1000) + 50)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()  # no timer outlives the window
        super().hideEvent(event)
