"""How the room window asks a person something: a dialog run to its end, a line of text.

A line of text (a reason) is held to the reason's bound (MAX_REASON, kapdesk.core.text_rules,
the store's rule too): longer, the box asks again with the text kept and says how much over,
so that a reason is refused in words before anything is saved, and never cut off.

One object handed to the window by the wiring, so the self-test and the tests give their own
answers through the same constructor the app uses (never by replacing a window's attribute).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QWidget

from kapdesk.core.text_rules import MAX_REASON, over_by

MAX_TYPED = 1_000_000  # what the box takes before it is checked (Qt's default is 32,767)


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
        box = QInputDialog(parent)
        box.setObjectName("ask_text_dialog")
        box.setWindowTitle(title)
        box.setLabelText(label)
        box.setInputMode(QInputDialog.InputMode.TextInput)
        while True:
            field = box.findChild(QLineEdit)
            if field is not None:
                field.setMaxLength(MAX_TYPED)  # else a longer paste is cut off unsaid
            if box.exec() != QDialog.DialogCode.Accepted:
                return None
            text = box.textValue()
            refusal = too_long(text)
            if refusal is None:
                return text
            box.setLabelText(f"{label}\n\n{refusal}")


def too_long(text: str, limit: int = MAX_REASON) -> str | None:
    """Why `text` cannot be a reason (too long, in words with how much over), or None."""
    over = over_by(text.strip(), limit)
    if not over:
        return None
    return (f"This is at most {limit:,} characters; what was typed is "
            f"{len(text.strip()):,}, {over:,} over. Shorten it (it is kept here).")
