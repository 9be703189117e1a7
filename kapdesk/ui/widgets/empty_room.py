"""The room with no session: plan one, open one planned, sign what is waiting."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.session import Session
from kapdesk.ui.naming import button, named

TALL = 44  # px: the empty room's buttons


def _heading(name: str, text: str) -> QLabel:
    label = named(QLabel(text), name)
    label.setProperty("role", "heading")
    return label


def _session_list(name: str, accessible: str) -> QListWidget:
    widget = named(QListWidget(), name)
    widget.setAccessibleName(accessible)
    return widget


def _selected_id(widget: QListWidget) -> int | None:
    item = widget.currentItem() or widget.item(0)
    return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None


class EmptyRoom(QWidget):
    plan_requested = Signal()
    open_requested = Signal(int)
    sign_requested = Signal(int)
    integration_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = named(QLabel("No session in the room"), "empty_title")
        hint = named(QLabel("Plan a session, or open one planned earlier."), "empty_hint")
        hint.setProperty("role", "muted")
        self.plan_button = button("Plan a session…  (Ctrl+N)", "plan_session", "Plan a session",
                                  min_height=TALL)
        self.plan_button.clicked.connect(self.plan_requested)
        self.integration_button = button("Record an integration session…",
                                         "record_integration",
                                         "Record an integration session", min_height=TALL)
        self.integration_button.clicked.connect(self.integration_requested)
        self.planned_list = _session_list("planned_sessions", "Planned sessions")
        self.planned_list.itemActivated.connect(
            lambda item: self.open_requested.emit(int(item.data(Qt.ItemDataRole.UserRole))))
        self.open_button = button("Open the selected session", "open_planned",
                                  "Open planned session", min_height=TALL)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.unsigned_list = _session_list("unsigned_sessions", "Sessions awaiting signature")
        self.sign_button = button("Review and sign…", "review_and_sign",
                                  "Review and sign the selected session", min_height=TALL)
        self.sign_button.clicked.connect(self._on_sign_clicked)

        left = QVBoxLayout()
        left.addStretch(1)
        left.addWidget(title)
        left.addWidget(hint)
        left.addSpacing(16)
        left.addWidget(self.plan_button)
        left.addWidget(self.integration_button)
        left.addSpacing(16)
        left.addWidget(_heading("planned_heading", "PLANNED"))
        left.addWidget(self.planned_list, 2)
        left.addWidget(self.open_button)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addStretch(1)
        right.addWidget(_heading("unsigned_heading", "AWAITING SIGNATURE"))
        right.addWidget(self.unsigned_list, 2)
        right.addWidget(self.sign_button)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(left, 3)
        layout.addSpacing(32)
        layout.addLayout(right, 2)
        layout.addStretch(1)

    @staticmethod
    def _fill(widget: QListWidget, sessions: list[Session], show_codes: bool) -> None:
        widget.clear()
        for s in sessions:
            when = (s.t0 or s.planned_at).astimezone()
            who = f"  ·  {s.patient_code}" if show_codes else ""  # staff see no patient code
            item = QListWidgetItem(f"#{s.id}{who}  ·  {s.protocol.name}  ·  "
                                   f"{when:%a %d %b %H:%M}")
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            widget.addItem(item)

    def set_planned(self, sessions: list[Session], show_codes: bool = False) -> None:
        """The planned sessions; the patient's code only for who may see records."""
        self._fill(self.planned_list, sessions, show_codes)
        self.open_button.setEnabled(bool(sessions))

    def set_unsigned(self, sessions: list[Session], show_codes: bool = False) -> None:
        self._fill(self.unsigned_list, sessions, show_codes)
        self.sign_button.setEnabled(bool(sessions))

    def _on_open_clicked(self) -> None:
        sid = _selected_id(self.planned_list)
        if sid is not None:
            self.open_requested.emit(sid)

    def _on_sign_clicked(self) -> None:
        sid = _selected_id(self.unsigned_list)
        if sid is not None:
            self.sign_requested.emit(sid)
