"""What each cell of a phase's track table says: title, artist, length, loudness, lyrics,
tags; their tooltips, and the colour of what needs attention (a missing file, words too
early, loudness not measured)."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from PySide6.QtGui import QColor

from kapdesk.core.playlist import LYRICS_NAMES, Track, lyrics_allowed
from kapdesk.core.playlist.text import (
    length_text,
    loudness_detail,
    loudness_text,
    tags_text,
)
from kapdesk.ui.playlist_editor.catalog import TrackCatalog

COLUMNS = ("Title", "Artist", "Length", "Loudness", "Lyrics", "Tags")
TITLE, ARTIST, LENGTH, LOUDNESS, LYRICS_COLUMN, TAGS = range(len(COLUMNS))
LYRICS_SHORT = MappingProxyType({"none": "None", "other_language": "Other language",
                                 "patient_language": "Patient's language"})


@dataclass(frozen=True)
class Cells:
    catalog: TrackCatalog
    alert: QColor
    muted: QColor

    def text(self, track: Track, column: int, edit: bool) -> str:
        if column == TITLE:
            return self.catalog.title(track)
        if column == ARTIST:
            return self.catalog.artist(track)
        if column == LENGTH:
            measured = self.catalog.duration(track.key)
            if measured is None and track.duration_s is None and \
                    self.catalog.state(track.key) is not None:
                return "reading…"
            return length_text(measured if measured is not None else track.duration_s,
                               from_playlist=measured is None)
        if column == LOUDNESS:
            return loudness_text(self.catalog.info(track.key), self.catalog.state(track.key))
        if column == LYRICS_COLUMN:
            return track.lyrics if edit else LYRICS_SHORT[track.lyrics]
        return tags_text(track.tags)

    def tip(self, track: Track, phase: str, column: int) -> str:
        info = self.catalog.info(track.key)
        if column == LOUDNESS:
            return loudness_detail(info)
        if column == LYRICS_COLUMN:
            words = LYRICS_NAMES[track.lyrics]
            if not lyrics_allowed(phase, track.lyrics):
                words += ": not before the return phase"
            return words
        if column == LENGTH and self.catalog.duration(track.key) is None:
            return "Length from the playlist file; the audio file has not been read."
        problem = f"\n{info.error}" if info is not None and info.error else ""
        return f"{track.path}{problem}"

    def tone(self, track: Track, phase: str, column: int) -> QColor | None:
        info = self.catalog.info(track.key)
        if column in (TITLE, ARTIST) and info is not None and info.error and \
                info.duration_s is None:
            return self.alert  # the file is gone or cannot be read
        if column == LYRICS_COLUMN and not lyrics_allowed(phase, track.lyrics):
            return self.alert
        if column == LOUDNESS and (info is None or info.gain_db is None):
            return self.muted
        return None
