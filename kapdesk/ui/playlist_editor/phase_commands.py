"""The commands on the current phase's tracks: add files or a folder, remove, move,
measure loudness, preview, edit the lyrics and tags, import and export M3U."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt

from kapdesk.ui.playlist_editor.track_model import LYRICS_COLUMN, TAGS

if TYPE_CHECKING:
    from kapdesk.ui.playlist_editor.window import PlaylistEditorWindow


class PhaseCommands(QObject):
    def __init__(self, window: PlaylistEditorWindow) -> None:
        super().__init__(window)
        self._window = window

    def edit_current(self, column: int, value: str) -> None:
        w = self._window
        rows = w.current_table().selected_rows()
        model = w.current_table().phase_model()
        if len(rows) == 1:
            model.setData(model.index(rows[0], column), value, Qt.ItemDataRole.EditRole)

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        """Double click: lyrics and tags are edited in place; elsewhere, listen."""
        if index.column() not in (LYRICS_COLUMN, TAGS):
            self.preview_selected()

    def add_files(self) -> int:
        return self._add(self._window.prompts.audio_files(Path.home()))

    def add_folder(self) -> int:
        folder = self._window.prompts.audio_folder(Path.home())
        return self._add([folder]) if folder is not None else 0

    def _add(self, paths: list[Path]) -> int:
        """Add after the selected tracks, or at the end."""
        w = self._window
        if not paths:
            return 0
        rows = w.current_table().selected_rows()
        return w.controller.add_paths(w.current_phase(), paths, rows[-1] + 1 if rows else -1)

    def remove_selected(self) -> int:
        w = self._window
        return w.controller.remove(w.current_phase(), w.current_table().selected_rows())

    def move_selected(self, step: int) -> None:
        w = self._window
        table = w.current_table()
        rows = table.selected_rows()
        if not rows:
            return
        destination = rows[0] - 1 if step < 0 else rows[-1] + 2
        if destination < 0 or destination > table.phase_model().rowCount():
            return
        table.select_rows(table.phase_model().move_rows_to(rows, destination))

    def measure_selected(self) -> int:
        """Measure the selected tracks; with none selected, those of the phase that are
        not measured yet."""
        w = self._window
        model = w.current_table().phase_model()
        selected = w.current_table().selected_rows()
        tracks = [model.track(r) for r in selected or range(model.rowCount())]
        if not selected:
            catalog = w.controller.catalog
            tracks = [t for t in tracks if (i := catalog.info(t.key)) is None or
                      i.gain_db is None]
        return w.controller.measure(tracks)

    def preview_selected(self) -> bool:
        w = self._window
        track = w.current_track()
        if track is None:
            w.say("Select a track to preview.")
            return False
        info = w.controller.catalog.info(track.key)
        return w.preview.preview(track.path, w.controller.catalog.label(track),
                                 info.gain_db if info is not None else None)

    def import_playlist(self) -> int:
        w = self._window
        path = w.prompts.playlist_to_import(Path.home())
        return w.controller.import_m3u(w.current_phase(), path) if path else 0

    def export_playlist(self) -> bool:
        w = self._window
        phase = w.current_phase()
        path = w.prompts.playlist_to_export(Path.home() / f"{phase}.m3u8")
        return w.controller.export_m3u(phase, path) if path else False
