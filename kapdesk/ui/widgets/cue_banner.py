"""The calm banner for a cue that is due: Acknowledge, Snooze 2 or 5 min, Skip."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kapdesk.core.cues import CueState
from kapdesk.core.room import format_countdown
from kapdesk.ui.naming import button, named
from kapdesk.ui.widgets.elided_label import ElidedLabel
from kapdesk.ui.widgets.reflow_row import ReflowRow

WORDS_MIN_PX = 380  # the cue's words keep this much beside the buttons, or the buttons go below

KIND_WORDS = {
    "lights": "Lights", "vitals": "Vitals", "rating": "Rating", "music": "Music",
    "medication": "Medication", "checklist": "Checklist", "custom": "Cue",
}
TALL = 44  # px: the banner's buttons are easy to hit in a dim room


class CueBanner(QFrame):
    acknowledged = Signal(str)  # cue key
    snoozed = Signal(str, int)  # cue key, minutes
    skip_requested = Signal(str)
    music_next_phase = Signal(str)  # cue key: acknowledge and crossfade to the next music
    music_stay = Signal(str)  # cue key: acknowledge, the phase's music goes on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cue_banner")
        self.setAccessibleName("Cue due")
        self._key: str | None = None
        self.kind_label = named(ElidedLabel(), "cue_kind")
        self.kind_label.setProperty("role", "heading")
        self.text_label = named(ElidedLabel(), "cue_text")
        self.detail_label = named(ElidedLabel(), "cue_detail")
        self.waiting_label = named(ElidedLabel(), "cue_waiting")
        self.waiting_label.setProperty("role", "muted")
        self.ack_button = button("Acknowledge  (Space)", "acknowledge_cue", "Acknowledge cue",
                                 tip="Mark this cue as done (Space)", min_height=TALL)
        self.snooze2_button = button("Snooze 2 min  (2)", "snooze_cue_2", "Snooze cue 2 minutes",
                                     tip="Remind me in 2 minutes (2)", min_height=TALL)
        self.snooze5_button = button("Snooze 5 min  (5)", "snooze_cue_5", "Snooze cue 5 minutes",
                                     tip="Remind me in 5 minutes (5)", min_height=TALL)
        self.skip_button = button("Skip…  (S)", "skip_cue", "Skip cue",
                                  tip="Skip this cue and say why (S)", min_height=TALL)
        self.music_next_button = button("Next phase's music", "cue_music_next",
                                        "Move to the next phase's music",
                                        tip="Crossfade to the next phase's playlist",
                                        min_height=TALL)
        self.music_stay_button = button("Stay in this phase", "cue_music_stay",
                                        "Stay with this phase's music",
                                        tip="The music of this phase goes on", min_height=TALL)
        self.music_next_button.clicked.connect(
            lambda: self._key and self.music_next_phase.emit(self._key))
        self.music_stay_button.clicked.connect(
            lambda: self._key and self.music_stay.emit(self._key))
        self.ack_button.clicked.connect(self._on_ack_clicked)
        self.snooze2_button.clicked.connect(lambda: self._emit_snooze(2))
        self.snooze5_button.clicked.connect(lambda: self._emit_snooze(5))
        self.skip_button.clicked.connect(self._on_skip_clicked)

        words = QVBoxLayout()
        words.setSpacing(2)
        heading = QHBoxLayout()
        heading.addWidget(self.kind_label)
        heading.addWidget(self.waiting_label, 1)
        words.addLayout(heading)
        words.addWidget(self.text_label)
        words.addWidget(self.detail_label)
        self.buttons = ReflowRow([self.ack_button, self.music_next_button,
                                  self.music_stay_button, self.snooze2_button,
                                  self.snooze5_button, self.skip_button])
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._margin = 18
        self._layout.setContentsMargins(18, 8, 18, 8)
        self._layout.addLayout(words, 1)
        self._layout.addWidget(self.buttons)
        self.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        inner = event.size().width() - 2 * self._margin
        two, three = self.buttons.width_for(2), self.buttons.width_for(3)
        wide = inner >= WORDS_MIN_PX + two  # side by side: two or three buttons a row
        direction = (QBoxLayout.Direction.LeftToRight if wide
                     else QBoxLayout.Direction.TopToBottom)
        if self._layout.direction() != direction:
            self._layout.setDirection(direction)
        if wide:  # two buttons a row beside the words; all in one row below them otherwise
            self.buttons.setFixedWidth(min(inner - WORDS_MIN_PX, three))
        else:
            self.buttons.setMinimumWidth(0)
            self.buttons.setMaximumWidth(16_777_215)

    def set_tight(self, tight: bool) -> None:
        """Narrow margins in a tight room."""
        self._margin = 10 if tight else 18
        self._layout.setContentsMargins(self._margin, 3 if tight else 8, self._margin,
                                        3 if tight else 8)

    def show_keys(self, ack_key: str | None) -> None:
        """Name the keys that work now: the room's one-key answers (None), or only
        `ack_key` while a text field holds the keyboard (2, 5 and S would type there)."""
        self.ack_button.setText(f"Acknowledge  ({ack_key or 'Space'})")
        self.ack_button.setToolTip(f"Mark this cue as done ({ack_key or 'Space'})")
        for widget, words, key in ((self.snooze2_button, "Snooze 2 min", "2"),
                                   (self.snooze5_button, "Snooze 5 min", "5"),
                                   (self.skip_button, "Skip…", "S")):
            widget.setText(words if ack_key else f"{words}  ({key})")

    @property
    def cue_key(self) -> str | None:
        return self._key

    def show_cue(self, state: CueState | None, elapsed_s: float, more: int) -> None:
        if state is None:
            self._key = None
            self.hide()
            return
        self._key = state.cue.key
        self.kind_label.setText(KIND_WORDS.get(state.cue.kind, "Cue").upper()
                                + ("  ·  waiting a while" if state.escalated else ""))
        self.text_label.setText(state.cue.text)
        is_music = state.cue.kind == "music"
        self.music_next_button.setVisible(is_music)
        self.music_stay_button.setVisible(is_music)
        self.detail_label.setText(state.cue.detail)
        self.detail_label.setVisible(bool(state.cue.detail))
        waited = format_countdown(max(0.0, elapsed_s - state.due_s))
        extra = f"  ·  {more} more waiting" if more else ""
        self.waiting_label.setText(f"  ·  due {waited} ago{extra}")
        if self.property("escalated") != state.escalated:
            self.setProperty("escalated", state.escalated)
            self.style().unpolish(self)
            self.style().polish(self)
        self.show()

    def _on_ack_clicked(self) -> None:
        if self._key:
            self.acknowledged.emit(self._key)

    def _emit_snooze(self, minutes: int) -> None:
        if self._key:
            self.snoozed.emit(self._key, minutes)

    def _on_skip_clicked(self) -> None:
        if self._key:
            self.skip_requested.emit(self._key)
