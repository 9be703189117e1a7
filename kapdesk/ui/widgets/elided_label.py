"""A one-line label that never widens its window: text too long for the space it is given
ends in "…", and the whole text is in the tooltip (and stays the label's text() for screen
readers and tests). Its minimum size hint does not grow with the text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QStyle, QStyleOption, QWidget

MIN_CHARS = 6  # how narrow the label may get: a few characters and the ellipsis
PREFERRED_CHARS = 48  # the width it asks for when there is room
# What changes the width the text needs (a window's start sends each label many other
# change events: parent, palette, enabled...; measuring on each of those slowed it down)
_REFIT = (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange)


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", objectName: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        if objectName:
            self.setObjectName(objectName)
        self.setWordWrap(False)
        self._elided = False
        self._refresh_tooltip()

    def setText(self, text: str) -> None:
        if text == self.text():
            return
        super().setText(text)
        self._refresh_tooltip()

    @property
    def elided(self) -> bool:
        """True when the text did not fit and ends in an ellipsis."""
        return self._elided

    def _available(self) -> int:
        return self.contentsRect().width() - 2 * self.margin()

    def _refresh_tooltip(self) -> None:
        full = self.fontMetrics().horizontalAdvance(self.text())
        self._elided = full > self._available()
        self.setToolTip(self.text() if self._elided else "")

    def minimumSizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().averageCharWidth() * MIN_CHARS
        return QSize(width + margins.left() + margins.right() + 2 * self.margin(),
                     super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        cap = self.fontMetrics().averageCharWidth() * PREFERRED_CHARS
        return QSize(min(hint.width(), cap), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refresh_tooltip()

    def changeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().changeEvent(event)
        if event.type() in _REFIT:
            self._refresh_tooltip()  # a new font (theme, scale) changes what fits

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        rect = self.contentsRect().adjusted(self.margin(), self.margin(),
                                            -self.margin(), -self.margin())
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             rect.width())
        self.style().drawItemText(painter, rect, int(self.alignment()), self.palette(),
                                  self.isEnabled(), text, self.foregroundRole())
