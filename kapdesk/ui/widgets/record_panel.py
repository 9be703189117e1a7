"""The room's record controls: one-tap entry buttons and the autosaved note.

The note holds at most MAX_NOTE characters (kapdesk.core.text_rules, the store's rule too).
From NOTE_WARN_AT on, `limit_said` carries a count for the line under it; a key or a paste
that would take the note past the bound is refused whole, in words that say how much over,
and nothing typed is ever cut off. A note stored longer than the bound (from an old
backup) shows its first MAX_NOTE characters, read-only, and is never saved back elided."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.text_rules import MAX_NOTE, NOTE_WARN_AT, over_by, shown_note
from kapdesk.ui.widgets.reflow_row import ReflowRow

AUTOSAVE_MS = 2000  # after typing stops; the promise is "within 3 s"


class RecordButtons(QWidget):
    """Vitals, sedation, dissociation, side effect, medicine, dose: one tap each."""

    requested = Signal(str)

    ENTRIES = (("vitals", "Vitals (V)", "Record vitals"),
               ("moaas", "Sedation (M)", "Record sedation (MOAA/S)"),
               ("dissociation", "Dissociation (I)", "Record dissociation"),
               ("side_effect", "Side effect (E)", "Record a side effect"),
               ("medication", "Medicine (G)", "Record a medicine given"),
               ("dose", "Dose details", "Record the dose details"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, accessible in self.ENTRIES:
            button = QPushButton(text, objectName=f"record_{key}")
            button.setAccessibleName(accessible)
            button.setMinimumHeight(42)
            button.setProperty("role", "entry")
            button.clicked.connect(lambda _c=False, k=key: self.requested.emit(k))
            self.buttons[key] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(ReflowRow(list(self.buttons.values())))  # rows of 6, 3 or 2


class NotePanel(QPlainTextEdit):
    """The session's free-text note. Autosaves after typing stops, on leaving, on quit."""

    limit_said = Signal(str)  # the count near the bound, a refusal, or "" (nothing to say)

    def __init__(self, save: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("session_note")
        self.setAccessibleName("Session note")
        self.setPlaceholderText("Note (saved as you type)")
        self._save = save
        self._dirty = False
        self._held_back = False  # an over-long stored note, shown in part: never saved
        self.last_saved: datetime | None = None
        self._timer = QTimer(self, objectName="note autosave")
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(self._on_text_changed)

    def load(self, text: str, read_only: bool = False) -> None:
        over = over_by(text)
        self._held_back = bool(over)
        self.blockSignals(True)
        self.setPlainText(shown_note(text))  # a 300,000-character line took 7-11 s to lay out
        self.blockSignals(False)
        self.setReadOnly(read_only or self._held_back)
        self._dirty = False
        if over:
            self.limit_said.emit(
                f"This note is {len(text):,} characters, from before notes were bounded at "
                f"{MAX_NOTE:,}: it is shown in part and read-only; the record keeps it whole.")
        else:
            self._say_count()

    @property
    def held_back(self) -> bool:
        """True when the note shown is part of a longer stored one (read-only, never saved)."""
        return self._held_back

    def _say_count(self) -> None:
        length = len(self.toPlainText())
        self.limit_said.emit(f"{length:,} of {MAX_NOTE:,} characters" if length >= NOTE_WARN_AT
                             else "")

    def _over_with(self, adding: int) -> int:
        """How many characters the note would be over the bound with `adding` typed in
        place of the selection (0: it fits)."""
        selected = len(self.textCursor().selectedText())
        return max(0, len(self.toPlainText()) - selected + adding - MAX_NOTE)

    def _on_text_changed(self) -> None:
        self._dirty = True
        self._timer.start()
        self._say_count()

    def insertFromMimeData(self, source: QMimeData) -> None:
        text = source.text() if source.hasText() else ""
        over = self._over_with(len(text)) if text else 0
        if over:
            self.limit_said.emit(
                f"Not pasted: the {len(text):,} characters pasted would make the note "
                f"{over:,} over the {MAX_NOTE:,} it may hold. Nothing was cut off; paste a "
                "shorter part.")
            return
        super().insertFromMimeData(source)

    def flush(self) -> None:
        """Save now if anything changed (never a note shown in part)."""
        self._timer.stop()
        if self._held_back:
            return
        if self._dirty and self._save(self.toPlainText()):
            self._dirty = False
            self.last_saved = datetime.now().astimezone()

    @property
    def dirty(self) -> bool:
        return self._dirty

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.flush()
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clearFocus()  # hands the keyboard back to the room's shortcuts
            return
        typed = event.text()
        if typed and (typed.isprintable() or typed in ("\r", "\n", "\t")):
            over = self._over_with(len(typed))
            if over and not self.isReadOnly():
                self.limit_said.emit(f"The note is full: {MAX_NOTE:,} characters is the most "
                                     "a note holds. Nothing more was typed; shorten it to "
                                     "add more.")
                return
        super().keyPressEvent(event)
