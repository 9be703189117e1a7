"""The room's record controls: one-tap entry buttons and the autosaved note (held to the
note's bound by kapdesk.ui.widgets.bounded_text)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.ui.naming import named
from kapdesk.ui.widgets.bounded_text import BoundedText
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
            button = named(QPushButton(text), f"record_{key}")
            button.setAccessibleName(accessible)
            button.setMinimumHeight(42)
            button.setProperty("role", "entry")
            button.clicked.connect(lambda _c=False, k=key: self.requested.emit(k))
            self.buttons[key] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(ReflowRow(list(self.buttons.values())))  # rows of 6, 3 or 2


class NotePanel(BoundedText):
    """The session's free-text note. Autosaves after typing stops, on leaving, on quit;
    held to the note's bound (BoundedText); a longer stored one is shown in part and never
    saved back."""

    def __init__(self, save: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__("The note", parent)
        self.setObjectName("session_note")
        self.setAccessibleName("Session note")
        self.setPlaceholderText("Note (saved as you type)")
        self._save = save
        self._dirty = False
        self.last_saved: datetime | None = None
        self._timer = named(QTimer(self), "note autosave")
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(self._on_text_changed)

    def load(self, text: str, read_only: bool = False) -> None:
        self.show_stored(text, read_only)
        self._dirty = False

    def _on_text_changed(self) -> None:
        self._dirty = True
        self._timer.start()

    def flush(self) -> None:
        """Save now if anything changed (never a note shown in part)."""
        self._timer.stop()
        if self.held_back:
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
        super().keyPressEvent(event)
