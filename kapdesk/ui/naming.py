"""Named controls, built one way everywhere.

- `named(widget, "name")`: a Qt object with its objectName set, typed as what it is.
  PySide6 accepts `objectName=` as a constructor keyword, but its type stubs do not
  declare it, so mypy strict refuses every such call; this says the same in a way both
  accept.
- `button(text, name, accessible)`: a push button with its objectName and its accessible
  name in plain words (DESIGN.md: tests and screen readers find controls by these).
- `button_row(*buttons)`: a dialog's row of buttons, to the right.
- `dialog_buttons(ok, name, accepted, rejected)`: a dialog's standard OK-or-Save and
  Cancel (QDialogButtonBox: the platform's order, Enter on the first), the first named.
- `window_action(text, name, slot, shortcut=...)`: an action whose shortcut works
  anywhere in the window it is added to (`addAction`), its tooltip saying the shortcut,
  calling `slot()` when triggered (no slot: whoever shows it connects it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QHBoxLayout, QPushButton, QWidget

Q = TypeVar("Q", bound=QObject)


def named(obj: Q, name: str) -> Q:
    obj.setObjectName(name)
    return obj


def button(text: str, name: str, accessible: str, *, tip: str = "",
           min_height: int = 0) -> QPushButton:
    made = named(QPushButton(text), name)
    made.setAccessibleName(accessible)
    if tip:
        made.setToolTip(tip)
    if min_height:
        made.setMinimumHeight(min_height)
    return made


def button_row(*buttons: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for widget in buttons:
        row.addWidget(widget)
    return row


def dialog_buttons(ok: QDialogButtonBox.StandardButton, name: str,
                   accepted: Callable[[], object], rejected: Callable[[], object],
                   ) -> tuple[QDialogButtonBox, QPushButton]:
    """`ok` (OK or Save) and Cancel, calling `accepted()` and `rejected()`; the first is
    named `name` and returned with the box."""
    box = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(lambda: accepted())
    box.rejected.connect(lambda: rejected())
    return box, named(box.button(ok), name)


def window_action(text: str, name: str, slot: Callable[[], object] | None, *,
                  shortcut: str | None = None, tip: str = "",
                  parent: QObject | None = None) -> QAction:
    action = named(QAction(text, parent), name)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if tip or shortcut:
        words = tip or text.rstrip("…")
        action.setToolTip(f"{words} ({QKeySequence(shortcut).toString()})" if shortcut
                          else words)
    if slot is not None:  # else the window connects it
        action.triggered.connect(lambda _checked=False: slot())
    return action
