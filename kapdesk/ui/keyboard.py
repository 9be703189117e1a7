"""Who holds the keyboard in the room: the room, unless the clinician is typing a note.

The room holds the keys by default, so the one-key actions (Space acknowledges, 2 and 5
snooze, S skips, V, M, I, E, G record, P plays the music, N dims) act at once. A click in
the note hands it the keys, and the room says so under it ("Esc returns keys to the
room"); Esc, a click anywhere else in the room, or `NOTE_IDLE_S` without a key in the note
gives them back. The room's buttons take the keys only by Tab: never by a click, nor back
when a dialog they opened closes; and a button that hides or greys out while it holds them
(Screening checklist… once the dose is given) hands them back to the room, not to the next
button: else Space, with no cue due, would press that button (the music would start).
While the note has them, letters type: the banner then names Ctrl+Space, which
acknowledges the due cue from anywhere and never types. On the lock screen the
password field never takes Space while a cue is due: Space acknowledges it there too.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from kapdesk.ui.widgets.cue_banner import CueBanner

NOTE_IDLE_S = 30
ACK_ANYWHERE = "Ctrl+Space"
NOTE_HINT = (f"Typing in the note. Esc returns keys to the room (so does {NOTE_IDLE_S} s "
             f"without typing); {ACK_ANYWHERE} acknowledges a cue meanwhile.")


class KeyboardHome(QObject):
    note_keys_changed = Signal(bool)  # True: the note holds the keyboard

    def __init__(self, room: QWidget, note: QPlainTextEdit, hint: QLabel, banner: CueBanner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.room = room
        self.note = note
        self.hint = hint
        self.banner = banner
        self.lock_field: QLineEdit | None = None  # the lock screen's, once it is built
        self.lock_banner: CueBanner | None = None
        room.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a click on the room takes keys
        note.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab never wanders into the note
        hint.setText(NOTE_HINT)
        hint.setWordWrap(True)
        hint.hide()
        self.idle = QTimer(self)
        self.idle.setObjectName("note keys idle")
        self.idle.setSingleShot(True)
        self.idle.setInterval(NOTE_IDLE_S * 1000)
        self.idle.timeout.connect(self.give_back)
        self._buttons: set[QObject] = set()
        for button in room.findChildren(QAbstractButton):  # a click leaves the keys alone
            if button.focusPolicy() == Qt.FocusPolicy.StrongFocus:
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.installEventFilter(self)
            self._buttons.add(button)
        note.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_app_focus_changed)

    def watch_lock(self, field: QLineEdit, banner: CueBanner) -> None:
        """The lock screen, built when the room is first locked: its password field never
        takes Space while its banner shows a cue."""
        self.lock_field, self.lock_banner = field, banner
        field.installEventFilter(self)

    @property
    def note_has_keys(self) -> bool:
        return self.note.hasFocus()

    def give_back(self) -> None:
        """The room holds the keyboard again (the note's text is kept and autosaves)."""
        self.idle.stop()
        if self.room.isVisible():
            self.room.setFocus(Qt.FocusReason.OtherFocusReason)

    def stop(self) -> None:
        self.idle.stop()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.disconnect(self._on_app_focus_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.note:
            if kind == QEvent.Type.FocusIn:
                self._show(True)
            elif kind == QEvent.Type.FocusOut:
                self._show(False)
            elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                if event.key() == Qt.Key.Key_Escape:
                    self.give_back()
                    return True
                self.idle.start()
        elif watched in self._buttons:
            # a button holds the keys only when Tab brought them: not when a dialog it
            # opened closes, nor when its window comes back to the front
            if kind == QEvent.Type.FocusIn and isinstance(event, QFocusEvent) and \
                    event.reason() not in (Qt.FocusReason.TabFocusReason,
                                           Qt.FocusReason.BacktabFocusReason):
                self.give_back()
        elif watched is self.lock_field and kind in (QEvent.Type.ShortcutOverride,
                                                     QEvent.Type.KeyPress):
            # Not accepted: the window's Space shortcut acknowledges the cue instead
            return (isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Space
                    and self.lock_banner is not None and self.lock_banner.cue_key is not None)
        return False

    def _show(self, note_has_keys: bool) -> None:
        self.hint.setVisible(note_has_keys)
        self.banner.show_keys(ACK_ANYWHERE if note_has_keys else None)
        if note_has_keys:
            self.idle.start()
        else:
            self.idle.stop()
        self.note_keys_changed.emit(note_has_keys)

    def _on_app_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """A focused button that hides or greys out (a banner answered, the screening
        button once dosed) leaves the keys to no one, or Qt hands them to the next button
        in the room: the room takes them back."""
        if old is None or not self.room.isVisible() or old.window() is not self.room.window() \
                or not self.room.window().isActiveWindow():
            return
        if new is None or (new is not self.note and self.room.isAncestorOf(new)
                           and (not old.isVisible() or not old.isEnabled())):
            self.room.setFocus(Qt.FocusReason.OtherFocusReason)
