"""Amend the note of a signed session: the text to add (held to the note's bound, with its
count and its refusals in words under it) and the reason, in one dialog that shows what
the record refuses inside it and stays open (kapdesk.ui.dialog_fit.FittedDialog)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from kapdesk.ui.dialog_fit import FittedDialog
from kapdesk.ui.naming import named
from kapdesk.ui.widgets.bounded_text import BoundedText, limit_line


class AmendNoteDialog(FittedDialog):
    def __init__(self, session_id: int, parent: QWidget | None = None) -> None:
        super().__init__("amend_note_error", parent)
        self.setWindowTitle("Amend the note")
        self.setObjectName("amend_note_dialog")
        intro = QLabel(f"Session {session_id} is signed: the note stays as signed, and this "
                       "text is added to it as an amendment, with its reason.")
        intro.setWordWrap(True)
        self.text_edit = BoundedText("The amendment")
        self.text_edit.setObjectName("amend_note_text")
        self.text_edit.setAccessibleName("Text to add to the note")
        self.count_line = limit_line(self.text_edit, "amend_note_count")
        self.reason_edit = named(QLineEdit(), "amend_note_reason")
        self.reason_edit.setAccessibleName("Reason for the amendment")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("save_amend_note")
        self.save_button.setAccessibleName("Save the amendment")
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("Text to add", self.text_edit)
        form.addRow(self.count_line)
        form.addRow("Reason", self.reason_edit)
        form.addRow(self.error_label)
        form.addRow(buttons)

    @property
    def text(self) -> str:
        return self.text_edit.toPlainText()

    @property
    def reason(self) -> str:
        return self.reason_edit.text()
