"""Dialogs sized to their content: wide enough for their fields and lists, tall enough for
every line of a wrapped message (an error appearing grows the dialog, it never clips the
message or crushes the fields), and never larger than the screen (a list scrolls then)."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QListWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

MIN_WIDTH = 460  # room for a two-line error beside nothing else
SCREEN_MARGIN = 48  # left to the window manager's frame


def list_rows_height(widget: QListWidget) -> int:
    """The height that shows every row of `widget` at its current width."""
    rows = sum(widget.sizeHintForRow(i) for i in range(widget.count()))
    spacing = widget.spacing() * 2 * widget.count()
    return rows + spacing + 2 * widget.frameWidth() + 4


class WrappingDelegate(QStyledItemDelegate):
    """Measures an item at the width of its list, so that long items wrap onto more lines
    (a list in list mode otherwise measures every item on one endless line)."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        measured = QStyleOptionViewItem(option)
        width = self._view.viewport().width()
        if width > 0:
            measured.rect = QRect(0, 0, width, 1)
        return super().sizeHint(measured, index)


def prepare_list(widget: QListWidget) -> None:
    """Items wrap instead of being cut off; the list reflows when its width changes."""
    widget.setItemDelegate(WrappingDelegate(widget))
    widget.setWordWrap(True)
    widget.setResizeMode(QListWidget.ResizeMode.Adjust)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)


def _wanted_width(dialog: QWidget, min_width: int) -> int:
    layout = dialog.layout()
    assert layout is not None
    width = max(min_width, layout.totalSizeHint().width(), layout.totalMinimumSize().width())
    for widget in dialog.findChildren(QListWidget):
        if widget.isVisibleTo(dialog) and widget.count():
            # the longest item on one line: its text, the checkbox, padding and frame
            longest = max(widget.fontMetrics().horizontalAdvance(widget.item(i).text())
                          for i in range(widget.count()))
            width = max(width, longest + 96)
    return width


def fit_dialog(dialog: QWidget, min_width: int = MIN_WIDTH) -> None:
    layout = dialog.layout()
    if layout is None:
        return
    for child in dialog.findChildren(QWidget):  # hints as the stylesheet makes them
        child.ensurePolished()
        child.updateGeometry()
    layout.invalidate()
    screen = dialog.screen().availableGeometry()
    max_w, max_h = screen.width() - SCREEN_MARGIN, screen.height() - SCREEN_MARGIN
    width = min(max(_wanted_width(dialog, min_width),
                    dialog.width() if dialog.isVisible() else 0), max_w)
    dialog.resize(width, max(dialog.height(), 1))
    layout.activate()
    for widget in dialog.findChildren(QListWidget):  # every item in sight
        if widget.isVisibleTo(dialog):
            widget.setMinimumHeight(min(list_rows_height(widget), max_h // 2))
    height = min(_height_for(dialog, width), max_h)
    dialog.resize(width, height)
    if dialog.isVisible():  # grown: still wholly on the screen
        frame = dialog.frameGeometry()
        x = min(max(frame.x(), screen.left()), screen.right() + 1 - frame.width())
        y = min(max(frame.y(), screen.top()), screen.bottom() + 1 - frame.height())
        if (x, y) != (frame.x(), frame.y()):
            dialog.move(max(x, screen.left()), max(y, screen.top()))


def _height_for(dialog: QWidget, width: int) -> int:
    layout = dialog.layout()
    assert layout is not None
    layout.invalidate()
    layout.activate()
    wanted = max(layout.totalMinimumSize().height(), layout.totalSizeHint().height())
    if layout.hasHeightForWidth():
        return max(wanted, layout.totalHeightForWidth(width))
    return wanted


MAX_SHOWN_CHARS = 600  # a message longer than this (one quoting a huge input) is cut


class ErrorLabel(QLabel):
    """A dialog's message in words: wrapped, and whenever it appears or changes its dialog
    grows to show every line of it. A message too long for any screen shows its first
    MAX_SHOWN_CHARS characters, the rest in its tooltip."""

    def __init__(self, objectName: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(objectName)
        self.setWordWrap(True)
        self.setProperty("role", "alert")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.full_text = ""
        self.hide()

    def _refit(self) -> None:
        dialog = self.window()
        if dialog is not self and dialog.isVisible():
            fit_dialog(dialog)

    def setText(self, text: str) -> None:
        self.full_text = text
        if len(text) > MAX_SHOWN_CHARS:
            self.setToolTip(text[:20 * MAX_SHOWN_CHARS])
            text = text[:MAX_SHOWN_CHARS].rstrip() + "… (the whole message is in the tooltip)"
        else:
            self.setToolTip("")
        # a long run without spaces (a pasted code, a path) may break anywhere
        super().setText(re.sub(r"(\S{40})(?=\S)", "\\1\u200b", text))
        if not self.isHidden():
            self._refit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refit()


Submit = Callable[[], str | None]


class FittedDialog(QDialog):
    """A dialog sized to its content that shows its errors in words inside it: `submit`,
    when set, runs on OK and returns the error (the dialog stays open and grows to show
    every line of it) or None (the dialog closes)."""

    def __init__(self, error_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error_label = ErrorLabel(error_name)
        self.submit: Submit | None = None

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
        fit_dialog(self)

    def accept(self) -> None:
        error = self.submit() if self.submit is not None else None
        if error:
            self.show_error(error)
            return
        super().accept()

    def showEvent(self, event: QShowEvent) -> None:
        fit_dialog(self)
        super().showEvent(event)
