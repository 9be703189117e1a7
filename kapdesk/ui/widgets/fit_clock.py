"""The room clock: digits as large as the space the room can spare, between a floor that
stays readable across a dim room and a ceiling; it never pushes the room off the screen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_PX = 52  # type size at the smallest (logical px; 78 device px at 150 %)
MAX_PX = 220
SAMPLE = "0:00:00"  # the widest the clock reads in a session


def _metrics(px: int, like: QFont) -> QFontMetrics:
    font = QFont(like)
    font.setPixelSize(px)
    return QFontMetrics(font)


def fitting_px(width: int, height: int, like: QFont) -> int:
    """The largest type size in [MIN_PX, MAX_PX] whose clock fits `width` x `height`."""
    low, high = MIN_PX, MAX_PX
    while low < high:
        mid = (low + high + 1) // 2
        metrics = _metrics(mid, like)
        if metrics.horizontalAdvance(SAMPLE) <= width and metrics.height() <= height:
            low = mid
        else:
            high = mid - 1
    return low


class FitClock(QLabel):
    def __init__(self, objectName: str = "room_clock",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(objectName)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._px = 0
        self._apply(MIN_PX)

    def _apply(self, px: int) -> None:
        if px != self._px:
            self._px = px
            self.setStyleSheet(f"font-size: {px}px;")

    @property
    def pixel_size(self) -> int:
        return self._px

    def minimumSizeHint(self) -> QSize:
        metrics = _metrics(MIN_PX, self.font())
        return QSize(metrics.horizontalAdvance(SAMPLE), metrics.height())

    def sizeHint(self) -> QSize:
        metrics = _metrics(160, self.font())
        return QSize(metrics.horizontalAdvance(SAMPLE), metrics.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply(fitting_px(event.size().width(), event.size().height(), self.font()))
