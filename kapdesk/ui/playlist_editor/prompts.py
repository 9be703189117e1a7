"""The questions the editor asks a person: which files, which folder, where to export, and
"are you sure". One object, so tests hand the editor their own answers."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from kapdesk.core.playlist import AUDIO_SUFFIXES

AUDIO_FILTER = (f"Audio files ({' '.join('*' + s for s in sorted(AUDIO_SUFFIXES))});;"
                "All files (*)")
PLAYLIST_FILTER = "Playlists (*.m3u8 *.m3u);;All files (*)"
IMPORT_FILTER = "Playlists (*.m3u8 *.m3u *.pls);;All files (*)"


class Prompts(Protocol):
    def audio_files(self, folder: Path) -> list[Path]: ...
    def audio_folder(self, folder: Path) -> Path | None: ...
    def playlist_to_import(self, folder: Path) -> Path | None: ...
    def playlist_to_export(self, suggested: Path) -> Path | None: ...
    def confirm(self, title: str, text: str) -> bool: ...


class DialogPrompts:
    """The real thing: Qt's file dialogs and a question box, over `parent`."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def audio_files(self, folder: Path) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self._parent, "Add audio files", str(folder),
                                                AUDIO_FILTER)
        return [Path(n) for n in names]

    def audio_folder(self, folder: Path) -> Path | None:
        name = QFileDialog.getExistingDirectory(self._parent, "Add a folder of audio files",
                                                str(folder))
        return Path(name) if name else None

    def playlist_to_import(self, folder: Path) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self._parent, "Import a playlist", str(folder),
                                              IMPORT_FILTER)
        return Path(name) if name else None

    def playlist_to_export(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self._parent, "Export the phase as M3U8",
                                              str(suggested), PLAYLIST_FILTER)
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() in (".m3u", ".m3u8") else path.with_suffix(".m3u8")

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self._parent, title, text)
        return answer == QMessageBox.StandardButton.Yes
