"""A text box for a note a clinician types, held to the note's bound (MAX_NOTE, from
kapdesk.core.text_rules: the store keeps the same rule).

From NOTE_WARN_AT on, `limit_said` carries a count for the line under the box; a key or a
paste (or a drop) that would take the text past the bound is refused whole, in words that
say how much over, so that nothing typed is ever cut off. A stored text longer than the
bound (from before it, e.g. a restored old backup) shows its first MAX_NOTE characters,
read-only (`held_back`): laying out a 300,000-character line took 7-11 s, and 4 s a resize.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from kapdesk.core.text_rules import MAX_NOTE, NOTE_WARN_AT, over_by, shown_note
from kapdesk.ui.naming import named


class BoundedText(QPlainTextEdit):
    limit_said = Signal(str)  # the count near the bound, a refusal, or "" (nothing to say)

    def __init__(self, what: str = "The note", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what
        self._held_back = False
        self.textChanged.connect(self._say_count)

    def show_stored(self, text: str, read_only: bool = False) -> None:
        """Show `text` as stored, without a textChanged (it is not an edit)."""
        over = over_by(text)
        self._held_back = bool(over)
        self.blockSignals(True)
        self.setPlainText(shown_note(text))
        self.blockSignals(False)
        self.setReadOnly(read_only or self._held_back)
        if over:
            self.limit_said.emit(
                f"{self._what} is {len(text):,} characters, from before notes were bounded "
                f"at {MAX_NOTE:,}: it is shown in part and read-only; the record keeps it "
                "whole.")
        else:
            self._say_count()

    @property
    def held_back(self) -> bool:
        """True when what is shown is part of a longer stored text (read-only)."""
        return self._held_back

    def _say_count(self) -> None:
        length = len(self.toPlainText())
        self.limit_said.emit(f"{length:,} of {MAX_NOTE:,} characters" if length >= NOTE_WARN_AT
                             else "")

    def _over_with(self, adding: int) -> int:
        """How many characters the text would be over the bound with `adding` typed in
        place of the selection (0: it fits)."""
        selected = len(self.textCursor().selectedText())
        return max(0, len(self.toPlainText()) - selected + adding - MAX_NOTE)

    def insertFromMimeData(self, source: QMimeData) -> None:
        text = source.text() if source.hasText() else ""
        over = self._over_with(len(text)) if text else 0
        if over:
            self.limit_said.emit(
                f"Not pasted: the {len(text):,} characters pasted would take "
                f"{self._what.lower()} {over:,} over the {MAX_NOTE:,} it may hold. Nothing "
                "was cut off; paste a shorter part.")
            return
        super().insertFromMimeData(source)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        typed = event.text()
        if typed and (typed.isprintable() or typed in ("\r", "\n", "\t")) and \
                not self.isReadOnly() and self._over_with(len(typed)):
            self.limit_said.emit(f"{self._what} is full at {MAX_NOTE:,} characters: nothing "
                                 "more was typed.")
            return
        super().keyPressEvent(event)


def limit_line(editor: BoundedText, name: str) -> QLabel:
    """The line under `editor` that shows what it says about its bound (hidden when
    nothing)."""
    line = named(QLabel(), name)
    line.setAccessibleName("Note length")
    line.setProperty("role", "muted")
    line.setWordWrap(True)
    line.hide()

    def said(text: str) -> None:
        line.setText(text)
        line.setVisible(bool(text) and not editor.isHidden())

    editor.limit_said.connect(said)
    return line
