"""A scroll area for the room's body: the body gets the viewport's width and its height,
never less than it needs (then, and only then, it scrolls). Unlike QScrollArea's own
resizing it does not stretch word-wrapped content to its preferred height."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class FitScroll(QScrollArea):
    def __init__(self, content: QWidget, objectName: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self.setWidgetResizable(False)
        self.setWidget(content)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        content.installEventFilter(self)
        self._content = content

    def needed_height(self, width: int) -> int:
        """The least height the body needs at `width` px wide."""
        content = self._content
        layout = content.layout()
        if layout is None:
            return content.minimumSizeHint().height()
        if layout.hasHeightForWidth():
            return max(layout.minimumSize().height(), layout.minimumHeightForWidth(width))
        return layout.minimumSize().height()

    def scrolls(self) -> bool:
        """True when the body does not fit and part of it is scrolled out of view."""
        return self._content.height() > self.viewport().height()

    def _fit(self) -> None:
        width = self.viewport().width()
        height = max(self.viewport().height(), self.needed_height(width))
        if self._content.size().toTuple() != (width, height):
            self._content.resize(width, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is getattr(self, "_content", None) and event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return super().eventFilter(watched, event)
