"""The selected track: what its file is, how long and how loud, and its lyrics and tags."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from kapdesk.core.playlist import LYRICS, LYRICS_NAMES, Track, lyrics_allowed
from kapdesk.core.playlist.text import length_text, loudness_detail, tags_text
from kapdesk.ui.naming import named
from kapdesk.ui.playlist_editor.catalog import TrackCatalog
from kapdesk.ui.playlist_editor.set_form import named as accessible


class TrackPanel(QGroupBox):
    lyrics_chosen = Signal(str)
    tags_entered = Signal(str)

    def __init__(self, catalog: TrackCatalog, parent: QWidget | None = None) -> None:
        super().__init__("Selected track", parent)
        self.setObjectName("track_panel")
        self.setAccessibleName("Selected track")
        self._catalog = catalog
        self.track: Track | None = None
        self._phase = ""
        self.title_label = named(QLabel(wordWrap=True), "track_title")
        self.title_label.setAccessibleName("Track title")
        self.file = named(QLabel(wordWrap=True), "track_file")
        self.file.setAccessibleName("Track file")
        self.file.setProperty("role", "muted")
        self.file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.title_label, self.file):  # long names wrap or clip, never widen
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(40)
        self.length = named(QLabel(), "track_length")
        self.length.setAccessibleName("Track length")
        self.loudness = named(QLabel(wordWrap=True), "track_loudness")
        self.loudness.setAccessibleName("Track loudness")
        self.lyrics = QComboBox()
        accessible(self.lyrics, "track_lyrics", "Lyrics of the selected track")
        for key in LYRICS:
            self.lyrics.addItem(LYRICS_NAMES[key], key)
        self.tags = QLineEdit()
        accessible(self.tags, "track_tags", "Tags of the selected track, separated by commas")
        self.tags.setPlaceholderText("style, tradition…")
        self.warning = named(QLabel(wordWrap=True), "track_warning")
        self.warning.setAccessibleName("Track warning")
        self.warning.setProperty("role", "alert")
        form = QFormLayout(self)
        form.setContentsMargins(8, 6, 8, 6)
        form.setVerticalSpacing(4)
        form.addRow(self.title_label)
        form.addRow(self.file)
        form.addRow("Length", self.length)
        form.addRow("Loudness", self.loudness)
        form.addRow("Lyrics", self.lyrics)
        form.addRow("Tags", self.tags)
        form.addRow(self.warning)
        self.lyrics.activated.connect(
            lambda i: self.lyrics_chosen.emit(str(self.lyrics.itemData(i))))
        self.tags.editingFinished.connect(self._on_tags_editing_finished)
        catalog.changed.connect(self._on_catalog_changed)
        self.show_track(None, "")

    def show_track(self, track: Track | None, phase: str) -> None:
        self.track, self._phase = track, phase
        for widget in (self.lyrics, self.tags):
            widget.setEnabled(track is not None)
        if track is None:
            self.title_label.setText("No track selected")
            for label in (self.file, self.length, self.loudness, self.warning):
                label.clear()
            self.tags.clear()
            return
        info = self._catalog.info(track.key)
        self.title_label.setText(self._catalog.label(track))
        problem = f"\n{info.error}" if info is not None and info.error else ""
        self.file.setText(f"{track.path}{problem}")
        measured = info.duration_s if info is not None else None
        self.length.setText(length_text(measured if measured is not None else track.duration_s,
                                        from_playlist=measured is None))
        self.loudness.setText(loudness_detail(info))
        self.lyrics.setCurrentIndex(max(0, self.lyrics.findData(track.lyrics)))
        if not self.tags.hasFocus():
            self.tags.setText(tags_text(track.tags))
        self.warning.setText("" if lyrics_allowed(phase, track.lyrics) else
                             "Lyrics in the patient's language: not before the return phase.")

    def _on_tags_editing_finished(self) -> None:
        if self.track is not None and self.tags.text() != tags_text(self.track.tags):
            self.tags_entered.emit(self.tags.text())

    def _on_catalog_changed(self, key: str) -> None:
        if self.track is not None and self.track.key == key:
            self.show_track(self.track, self._phase)
