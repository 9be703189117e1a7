"""The room's right column: the cues to come (UPCOMING) and those done (DONE), the recent
entries and the note, with the line under the note (its count near the bound, or why a key
or a paste was refused) and, once signed, the button that amends it. Split from
kapdesk.ui.room_view, which keeps these widgets under the same attribute names."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QVBoxLayout

from kapdesk.core.cues import CueState, CueStatus
from kapdesk.core.room import RoomSnapshot, format_cue_time
from kapdesk.ui.naming import named
from kapdesk.ui.widgets.bounded_text import limit_line
from kapdesk.ui.widgets.cue_banner import KIND_WORDS
from kapdesk.ui.widgets.elided_label import ElidedLabel
from kapdesk.ui.widgets.record_panel import NotePanel


def heading(name: str, text: str) -> ElidedLabel:
    label = named(ElidedLabel(), name)
    label.setProperty("role", "heading")
    label.setText(text)
    return label


def _read_only_list(name: str, accessible: str) -> QListWidget:
    listed = named(QListWidget(), name)
    listed.setAccessibleName(accessible)
    listed.setWordWrap(True)
    listed.setSelectionMode(QListWidget.SelectionMode.NoSelection)
    listed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return listed


class RoomRight(QVBoxLayout):
    def __init__(self, save_note: Callable[[str], bool]) -> None:
        super().__init__()
        self.note = NotePanel(save_note)
        self.upcoming_list = _read_only_list("upcoming_cues", "Upcoming cues")
        self.past_list = _read_only_list("past_cues", "Past cues")
        self.entries_list = _read_only_list("recent_entries", "Recent entries")
        self.entries_heading = heading("entries_heading", "ENTRIES")
        self.note_heading = heading("note_heading", "NOTE")
        self.addWidget(heading("upcoming_heading", "UPCOMING"))
        self.addWidget(self.upcoming_list, 3)
        self.addWidget(heading("past_heading", "DONE"))
        self.addWidget(self.past_list, 2)
        self.addWidget(self.entries_heading)
        self.addWidget(self.entries_list, 2)
        self.addWidget(self.note_heading)
        self.addWidget(self.note, 2)
        self.note_count = limit_line(self.note, "note_count")  # the count, or a refusal
        self.addWidget(self.note_count)
        self.note_hint = named(ElidedLabel(), "note_keys_hint")  # kapdesk.ui.keyboard
        self.note_hint.setProperty("role", "muted")
        self.note_hint.hide()
        self.addWidget(self.note_hint)
        self.note_amend_button = named(QPushButton("Signed: add an amendment to the note…"),
                                       "amend_note")
        self.note_amend_button.setAccessibleName("Add an amendment to the note")
        self.note_amend_button.hide()
        self.addWidget(self.note_amend_button)
        self._signature: tuple[object, ...] = ()

    def forget_cues(self) -> None:
        """The next snapshot fills the cue lists again (another session is shown)."""
        self._signature = ()

    def show_cues(self, snap: RoomSnapshot) -> None:
        signature = tuple((c.cue.key, c.status, c.due_s, c.escalated) for c in snap.cues)
        if signature == self._signature:
            return
        self._signature = signature
        self.upcoming_list.clear()
        for c in snap.upcoming:
            self.upcoming_list.addItem(upcoming_line(c))
        self.past_list.clear()
        for c in snap.past:
            self.past_list.addItem(past_line(c))

    def show_entries(self, entries: list[tuple[int, str]]) -> None:
        self.entries_list.clear()
        for observation_id, text in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, observation_id)
            item.setToolTip("Double-click to correct the time or the values")
            self.entries_list.addItem(item)


def upcoming_line(c: CueState) -> str:
    snoozed = "  (snoozed)" if c.status is CueStatus.SNOOZED else ""
    return f"{format_cue_time(c.due_s)}  {c.cue.text}{snoozed}"


def past_line(c: CueState) -> str:
    kind = KIND_WORDS.get(c.cue.kind, "Cue")
    if c.status is CueStatus.MISSED:
        return f"{format_cue_time(c.due_s)}  missed: {c.cue.text} ({c.note or kind})"
    if c.status is CueStatus.SKIPPED:
        return f"{format_cue_time(c.done_s or 0)}  skipped: {c.cue.text} ({c.note or kind})"
    return f"{format_cue_time(c.done_s or 0)}  ✓ {c.cue.text}"
