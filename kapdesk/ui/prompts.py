"""How the room window asks a person something: a dialog run to its end, a line of text.

One object handed to the window by the wiring, so the self-test and the tests give their own
answers through the same constructor the app uses (never by replacing a window's attribute).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QDialog, QInputDialog, QWidget


class Prompts(Protocol):
    def open_dialog(self, dialog: QDialog) -> None:
        """Show `dialog` and return once it is answered (its result() says how)."""
        ...

    def ask_text(self, parent: QWidget, title: str, label: str) -> str | None:
        """A line of text (a reason), or None when the person cancelled."""
        ...


class DialogPrompts:
    """The real thing: the dialog runs modally; text comes from an input box."""

    def open_dialog(self, dialog: QDialog) -> None:
        dialog.exec()

    def ask_text(self, parent: QWidget, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(parent, title, label)
        return text if ok else None
