"""The room's music line: what plays, the phase's music left against the phase's time
left, and the few controls a clinician needs. One click each; nothing jumps."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QSlider, QWidget

from kapdesk.audio.model import PlayerState
from kapdesk.core.playlist import phase_name
from kapdesk.core.room import format_countdown
from kapdesk.ui.music_controller import NowPlaying
from kapdesk.ui.naming import button, named
from kapdesk.ui.widgets.elided_label import ElidedLabel
from kapdesk.ui.widgets.reflow_row import ReflowRow

LINE_MIN_PX = 320  # the now-playing line keeps this much beside the controls, or goes above
TIGHT_LINE_MIN_PX = 220  # ... in a tight room (its whole text is in its tooltip)
WORDS = {False: ("Play music  (P)", "Pause music  (P)", "Next phase's music"),
         True: ("Play  (P)", "Pause  (P)", "Next phase")}  # tight: the short words
TALL = 38  # px: the bar's buttons


class MusicBar(QWidget):
    play_pause = Signal()
    next_track = Signal()
    next_phase = Signal()
    stop = Signal()
    retry = Signal()
    volume_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("music_bar")
        self.label = named(ElidedLabel("Music: not started"), "music_now_playing")
        self.label.setAccessibleName("Music playing")
        self.play_button = button("Play music  (P)", "music_play", "Play or pause the music",
                                  tip="Fade the music in or out (P)", min_height=TALL)
        self.next_button = button("Next track", "music_next_track", "Next track",
                                  tip="Crossfade to the next track (Ctrl+Right)", min_height=TALL)
        self.phase_button = button("Next phase's music", "music_next_phase",
                                   "Move to the next phase's music",
                                   tip="Crossfade to the next phase's playlist", min_height=TALL)
        self.stop_button = button("Fade out", "music_stop", "Stop the music with a fade",
                                  tip="Fade the music out over 3 seconds", min_height=TALL)
        self.retry_button = button("Retry audio", "music_retry", "Try the audio output again",
                                   tip="Open the sound output again", min_height=TALL)
        self.retry_button.hide()
        self.volume = named(QSlider(Qt.Orientation.Horizontal), "music_volume")
        self.volume.setAccessibleName("Music volume")
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(110)
        self.play_button.clicked.connect(self.play_pause)
        self.next_button.clicked.connect(self.next_track)
        self.phase_button.clicked.connect(self.next_phase)
        self.stop_button.clicked.connect(self.stop)
        self.retry_button.clicked.connect(self.retry)
        self.volume.valueChanged.connect(lambda v: self.volume_changed.emit(v / 100))
        self.controls = ReflowRow([self.play_button, self.next_button, self.phase_button,
                                   self.stop_button, self.retry_button, self.volume])
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.label, 1)
        self._layout.addWidget(self.controls)
        self._tight = False
        self._playing = False

    def set_tight(self, tight: bool) -> None:
        """Short words on the buttons (their tooltips and accessible names keep the full
        ones), so that the line and its controls share one row in a tight room."""
        if tight == self._tight:
            return
        self._tight = tight
        self._show_words()
        self.phase_button.setText(WORDS[tight][2])

    def _show_words(self) -> None:
        self.play_button.setText(WORDS[self._tight][1 if self._playing else 0])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        least = TIGHT_LINE_MIN_PX if self._tight else LINE_MIN_PX
        wide = event.size().width() >= least + self.controls.sizeHint().width()
        direction = (QBoxLayout.Direction.LeftToRight if wide
                     else QBoxLayout.Direction.TopToBottom)
        if self._layout.direction() != direction:
            self._layout.setDirection(direction)

    def set_volume(self, level: float) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(round(level * 100))
        self.volume.blockSignals(False)

    def show_now(self, now: NowPlaying, phase_left_s: float | None) -> None:
        self._playing = now.state is PlayerState.PLAYING
        self._show_words()
        self.retry_button.hide()
        if now.state is PlayerState.STOPPED and now.track is None:
            self.label.setText(f"Music: {phase_name(now.phase)} playlist ready")
            return
        parts = [f"♪ {now.track.label}" if now.track else "♪"]
        parts.append(f"{phase_name(now.phase)} music")
        if now.music_left_s is not None:
            left = f"{format_countdown(now.music_left_s)} of music left"
            if phase_left_s is not None:
                left += f", {format_countdown(phase_left_s)} left in phase"
            parts.append(left)
        if now.state is PlayerState.PAUSED:
            parts.append("paused")
        self.label.setText("  ·  ".join(parts))

    def show_unavailable(self, reason: str) -> None:
        self.label.setText(reason if reason.startswith("Audio") else f"Audio unavailable: "
                           f"{reason}")
        self.retry_button.show()
