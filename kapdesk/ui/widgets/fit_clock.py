"""The room clock: digits as large as the space the room can spare, between a floor that
stays readable across a dim room and a ceiling; it never pushes the room off the screen.

Its caption ("SINCE DOSE", "NOT DOSED YET") is drawn just after the digits, on their
baseline, in small muted capitals: it belongs to the clock, so it never sits against the
session's state word, and it takes no line of its own."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle, QStyleOption, QWidget

MIN_PX = 52  # type size at the smallest (logical px; 78 device px at 150 %)
MAX_PX = 220
SAMPLE = "0:00:00"  # the widest the clock reads in a session
CAPTION_PX = 13
CAPTION_GAP = 14  # between the digits and the caption
LONGEST_CAPTION = "NOT DOSED YET"


def _metrics(px: int, like: QFont) -> QFontMetrics:
    font = QFont(like)
    font.setPixelSize(px)
    return QFontMetrics(font)


def caption_font(like: QFont) -> QFont:
    font = QFont(like)
    font.setPixelSize(CAPTION_PX)
    font.setWeight(QFont.Weight.Normal)
    font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1)
    return font


def caption_width(like: QFont) -> int:
    return QFontMetrics(caption_font(like)).horizontalAdvance(LONGEST_CAPTION) + CAPTION_GAP


def fitting_px(width: int, height: int, like: QFont) -> int:
    """The largest type size in [MIN_PX, MAX_PX] whose clock, and its caption after it,
    fit `width` x `height`."""
    width -= caption_width(like)
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
        self.caption = ""
        self._apply(MIN_PX)

    def _apply(self, px: int) -> None:
        if px != self._px:
            self._px = px
            self.setStyleSheet(f"font-size: {px}px;")

    def set_caption(self, text: str) -> None:
        if text != self.caption:
            self.caption = text
            self.setAccessibleDescription(text.capitalize())
            self.update()

    @property
    def pixel_size(self) -> int:
        return self._px

    def minimumSizeHint(self) -> QSize:
        metrics = _metrics(MIN_PX, self.font())
        return QSize(metrics.horizontalAdvance(SAMPLE) + caption_width(self.font()),
                     metrics.height())

    def sizeHint(self) -> QSize:
        metrics = _metrics(160, self.font())
        return QSize(metrics.horizontalAdvance(SAMPLE) + caption_width(self.font()),
                     metrics.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply(fitting_px(event.size().width(), event.size().height(), self.font()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        baseline = rect.top() + (rect.height() - metrics.height()) / 2 + metrics.ascent()
        painter.setFont(self.font())
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(QPointF(rect.left(), baseline), self.text())
        if self.caption:
            painter.setFont(caption_font(self.font()))
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            x = rect.left() + metrics.horizontalAdvance(self.text()) + CAPTION_GAP
            painter.drawText(QPointF(x, baseline), self.caption)
        painter.end()
