"""A row of controls that wraps onto more rows when the window is narrow, so a row of
buttons never makes the window wider than the screen. Hidden controls take no place."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QWidget


class ReflowRow(QWidget):
    def __init__(self, widgets: Sequence[QWidget], spacing: int = 6,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._widgets = list(widgets)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(spacing)
        self._columns = 0
        for widget in self._widgets:
            widget.setParent(self)
            widget.installEventFilter(self)
        self._place(max(1, len(self._widgets)))

    def _visible(self) -> list[QWidget]:
        return [w for w in self._widgets if not w.isHidden()]

    @staticmethod
    def _hint(widget: QWidget) -> QSize:
        return widget.sizeHint().expandedTo(widget.minimumSize())

    def _cell(self) -> QSize:
        shown = self._visible()
        if not shown:
            return QSize(0, 0)
        return QSize(max(self._hint(w).width() for w in shown),
                     max(self._hint(w).height() for w in shown))

    def width_for(self, columns: int) -> int:
        """The width `columns` controls a row need: each column as wide as its widest."""
        shown, gap = self._visible(), self._grid.spacing()
        widths = [max(self._hint(w).width() for w in shown[col::columns])
                  for col in range(min(columns, len(shown)))]
        return sum(widths) + gap * max(0, len(widths) - 1)

    def columns_for(self, width: int) -> int:
        """How many controls fit side by side in `width` px (at least one)."""
        shown = len(self._visible())
        return next((n for n in range(shown, 1, -1) if self.width_for(n) <= width), 1)

    def rows(self) -> int:
        shown = len(self._visible())
        return max(1, -(-shown // max(1, self._columns)))

    def _place(self, columns: int) -> None:
        self._columns = columns
        for widget in self._widgets:
            self._grid.removeWidget(widget)
        for col in range(self._grid.columnCount()):
            self._grid.setColumnStretch(col, 0)
        for i, widget in enumerate(self._visible()):
            self._grid.addWidget(widget, i // columns, i % columns)
        for col in range(columns):
            self._grid.setColumnStretch(col, 1)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        cell, gap = self._cell(), self._grid.spacing()
        rows = self.rows()
        return QSize(cell.width(), rows * cell.height() + (rows - 1) * gap)

    def sizeHint(self) -> QSize:
        cell, gap = self._cell(), self._grid.spacing()
        rows = self.rows()
        return QSize(self.width_for(max(1, len(self._visible()))),
                     rows * cell.height() + (rows - 1) * gap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = self.columns_for(event.size().width())
        if columns != self._columns:
            self._place(columns)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            self._place(self.columns_for(self.width()) if self.width() else len(self._widgets))
        return False
