"""The lock screen: the session goes on (clock, phase, next cue, cue banners, music), but
no patient identifier or note is shown. Unlock with the password or today's PIN."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.room import RoomSnapshot, format_countdown, format_elapsed
from kapdesk.ui.naming import named
from kapdesk.ui.theme import DARK, Theme
from kapdesk.ui.widgets.compact import set_compact
from kapdesk.ui.widgets.cue_banner import CueBanner
from kapdesk.ui.widgets.elided_label import ElidedLabel
from kapdesk.ui.widgets.fit_clock import FitClock
from kapdesk.ui.widgets.phase_bar import PhaseBar


class LockView(QWidget):
    unlock_requested = Signal(str)  # the secret typed
    switch_user_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_view")
        self.caption = named(QLabel("LOCKED"), "lock_caption")
        self.caption.setProperty("role", "heading")
        self.clock_label = FitClock()
        self.clock_label.setAccessibleName("Time since dose")
        self.phase_label = named(ElidedLabel(), "room_phase")
        self.phase_bar = PhaseBar()
        self.next_label = named(ElidedLabel(), "room_next_cue")
        self.banner = CueBanner()
        self.banner.skip_button.hide()  # skipping needs a reason: unlock first
        self.who_label = named(ElidedLabel(), "lock_user")
        self.secret_edit = named(QLineEdit(), "unlock_secret")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setAccessibleName("Password or PIN")
        self.secret_edit.setPlaceholderText("Password, or today's PIN")
        self.secret_edit.returnPressed.connect(self._on_unlock_clicked)
        self.unlock_button = named(QPushButton("Unlock"), "unlock")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.clicked.connect(self._on_unlock_clicked)
        self.switch_button = named(QPushButton("Sign in as someone else"), "switch_user")
        self.switch_button.setAccessibleName("Sign in as someone else")
        self.switch_button.clicked.connect(self.switch_user_requested)
        self.error_label = named(QLabel(), "unlock_error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QHBoxLayout()
        form.addWidget(self.who_label)
        form.addWidget(self.secret_edit, 1)
        form.addWidget(self.unlock_button)
        form.addWidget(self.switch_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.caption)
        layout.addWidget(self.clock_label, 1)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.phase_bar)
        layout.addWidget(self.next_label)
        layout.addStretch(1)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.error_label)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        set_compact(self, event.size().height())

    def set_theme(self, theme: Theme = DARK) -> None:
        self.phase_bar.set_theme(theme)

    def lock(self, who: str) -> None:
        self.who_label.setText(f"Locked by {who}.")
        self.secret_edit.clear()
        self.error_label.hide()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
        self.secret_edit.clear()

    def show_snapshot(self, snap: RoomSnapshot | None) -> None:
        if snap is None or snap.session.t0 is None:
            self.clock_label.setText("—")
            self.phase_label.setText("No session running" if snap is None else "Not dosed yet")
            self.next_label.clear()
            self.phase_bar.set_protocol(snap.session.protocol if snap else None)
            self.banner.show_cue(None, 0, 0)
            return
        self.clock_label.setText(format_elapsed(snap.elapsed_s))
        self.phase_bar.set_protocol(snap.session.protocol)
        self.phase_bar.set_minute(snap.elapsed_s / 60)
        self.phase_label.setText(snap.phase.name if snap.phase else "Between phases")
        nxt = snap.next_cue
        if snap.status_line is not None:  # discharged: no next cue
            self.next_label.setText(snap.status_line)
        else:
            self.next_label.setText(
                f"Next: {nxt.cue.text}  in {format_countdown(nxt.due_s - snap.elapsed_s)}"
                if nxt else "No more cues")
        due = snap.due
        self.banner.show_cue(due[0] if due else None, snap.elapsed_s, len(due) - 1)

    def _on_unlock_clicked(self) -> None:
        self.unlock_requested.emit(self.secret_edit.text())

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_Escape:
            self.secret_edit.clear()
            return
        super().keyPressEvent(event)
