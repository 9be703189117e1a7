"""A clinician's answers given by a script (kapdesk.ui.prompts.Prompts), for the self-test
and the tests: the one place that knows how to answer the room's dialogs unattended.

`answer_as_clinician(dialog, password)` completes the discharge check and signs with the
password when asked to sign; any other dialog is a surprise, and says which.
`ScriptedPrompts` hands each dialog to `answer` (that by default) and answers a request
for a line of text with the next of `replies`, then `text` (None: the person cancels).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QDialog, QPushButton, QWidget


def answer_as_clinician(dialog: QDialog, password: str) -> None:
    from kapdesk.ui.entry_dialogs import ChecklistDialog
    from kapdesk.ui.sign_dialog import SignDialog

    if isinstance(dialog, ChecklistDialog):
        dialog.check_all()
        save = dialog.findChild(QPushButton, f"save_{dialog.objectName()}")
        if save is None:
            raise AssertionError(f"no save button in {dialog.objectName()}")
        save.click()
    elif isinstance(dialog, SignDialog):
        dialog.secret_edit.setText(password)
        dialog.sign_button.click()
    else:
        raise AssertionError(f"unexpected dialog {dialog.objectName() or type(dialog).__name__}")


class ScriptedPrompts:
    def __init__(self, password: str, text: str | None) -> None:
        self.answer: Callable[[QDialog], None] = partial(answer_as_clinician,
                                                         password=password)
        self.text = text
        self.replies: list[str | None] = []
        self.asked: list[str] = []  # the titles of the texts asked for, in order

    def open_dialog(self, dialog: QDialog) -> None:
        self.answer(dialog)

    def ask_text(self, _parent: QWidget, title: str, _label: str) -> str | None:
        self.asked.append(title)
        return self.replies.pop(0) if self.replies else self.text
