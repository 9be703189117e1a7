"""A question with two answers in words, the safe one the default (Enter never does harm)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget


@dataclass(frozen=True)
class Answer:
    label: str  # the button's words
    name: str  # its objectName (tests and screen readers find it by this)
    accessible: str  # what a screen reader says


def choice_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
               name: str, accessible: str, go: Answer, safe: Answer) -> QMessageBox:
    """`go` does the thing; `safe` (the default) leaves everything as it is."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    for answer, role in ((go, QMessageBox.ButtonRole.AcceptRole),
                         (safe, QMessageBox.ButtonRole.RejectRole)):
        button = box.addButton(answer.label, role)
        button.setObjectName(answer.name)
        button.setAccessibleName(answer.accessible)
        if answer is safe:
            box.setDefaultButton(button)
    return box
