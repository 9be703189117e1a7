"""The room clock: digits as large as the space the room can spare, between a floor that
stays readable across a dim room and a ceiling; it never pushes the room off the screen.

Its caption ("SINCE DOSE", "NOT DOSED YET") is drawn with the digits, in small muted
capitals: it belongs to the clock, so it never sits against the session's state word. It
goes where it costs the digits least: on a line above them when the clock is held by its
width (a wide window has height to spare), just after them on their baseline when it is
held by its height (a short room)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle, QStyleOption, QWidget

MIN_PX = 52  # type size at the smallest (logical px; 78 device px at 150 %)
TIGHT_MIN_PX = 44  # ... in a tight room (66 device px at 150 %, still 2 m readable)
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


def caption_line(like: QFont) -> int:
    return QFontMetrics(caption_font(like)).height() + 2


def fitting_px(width: int, height: int, like: QFont, least: int = MIN_PX) -> int:
    """The largest type size in [least, MAX_PX] whose digits fit `width` x `height`."""
    low, high = least, MAX_PX
    while low < high:
        mid = (low + high + 1) // 2
        metrics = _metrics(mid, like)
        if metrics.horizontalAdvance(SAMPLE) <= width and metrics.height() <= height:
            low = mid
        else:
            high = mid - 1
    return low


def arrangement(width: int, height: int, like: QFont,
                least: int = MIN_PX) -> tuple[int, bool]:
    """The digits' type size and whether the caption goes above them (else after them):
    whichever gives the larger digits in `width` x `height`."""
    beside = fitting_px(width - caption_width(like), height, like, least)
    above = fitting_px(width, height - caption_line(like), like, least)
    return (above, True) if above > beside else (beside, False)


class FitClock(QLabel):
    def __init__(self, objectName: str = "room_clock",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(objectName)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._px = 0
        self.least_px = MIN_PX
        self.caption_above = False
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

    def set_least_px(self, px: int) -> None:
        """The floor of the digits' size (lower in a tight room)."""
        if px != self.least_px:
            self.least_px = px
            self.updateGeometry()

    @property
    def pixel_size(self) -> int:
        return self._px

    def minimumSizeHint(self) -> QSize:
        metrics = _metrics(self.least_px, self.font())
        return QSize(metrics.horizontalAdvance(SAMPLE) + caption_width(self.font()),
                     metrics.height())

    def sizeHint(self) -> QSize:
        metrics = _metrics(160, self.font())
        return QSize(metrics.horizontalAdvance(SAMPLE) + caption_width(self.font()),
                     metrics.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        px, self.caption_above = arrangement(event.size().width(), event.size().height(),
                                             self.font(), self.least_px)
        self._apply(px)

    def rects(self) -> tuple[QRect, QRect]:
        """Where the digits (their figures, baseline at the bottom) and the caption are
        drawn; they never overlap."""
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        digits_w, figures = metrics.horizontalAdvance(self.text()), metrics.capHeight()
        caption = QFontMetrics(caption_font(self.font()))
        cap_w, cap_h = caption.horizontalAdvance(self.caption), caption.height()
        if self.caption_above:  # one block, centred: the caption just over the figures
            block = cap_h + CAPTION_GAP // 2 + figures
            top = rect.top() + max(0, (rect.height() - block) // 2)
            return (QRect(rect.left(), top + cap_h + CAPTION_GAP // 2, digits_w, figures),
                    QRect(rect.left(), top, cap_w, cap_h))
        baseline = rect.top() + (rect.height() - metrics.height()) // 2 + metrics.ascent()
        return (QRect(rect.left(), baseline - figures, digits_w, figures),
                QRect(rect.left() + digits_w + CAPTION_GAP, baseline - caption.ascent(),
                      cap_w, cap_h))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        digits, caption = self.rects()
        painter.setFont(self.font())
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(QPointF(digits.left(), digits.top() + digits.height()), self.text())
        if self.caption:
            font = caption_font(self.font())
            painter.setFont(font)
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QPointF(caption.left(),
                                     caption.top() + QFontMetrics(font).ascent()),
                             self.caption)
        painter.end()
