"""The commands on the current phase's tracks: add files or a folder, remove, move,
measure loudness, preview, edit the lyrics and tags, import and export M3U.

They are handed what they use, not the window: the controller, the prompts, the preview,
and two callables, the table of the phase on show and a way to say something in the
status line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, Qt

from kapdesk.core.playlist import Track
from kapdesk.ui.playlist_editor.controller import EditorController
from kapdesk.ui.playlist_editor.phase_table import PhaseTable
from kapdesk.ui.playlist_editor.preview import PreviewController
from kapdesk.ui.playlist_editor.prompts import Prompts
from kapdesk.ui.playlist_editor.track_model import LYRICS_COLUMN, TAGS


class PhaseCommands(QObject):
    def __init__(self, controller: EditorController, prompts: Prompts,
                 preview: PreviewController, current_table: Callable[[], PhaseTable],
                 say: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._prompts = prompts
        self._preview = preview
        self._table = current_table
        self._say = say

    def _phase(self) -> str:
        return self._table().phase_model().phase

    def current_track(self) -> Track | None:
        """The first selected track of the phase on show, if any."""
        table = self._table()
        rows = table.selected_rows()
        return table.phase_model().track(rows[0]) if rows else None

    def edit_current(self, column: int, value: str) -> None:
        table = self._table()
        rows = table.selected_rows()
        model = table.phase_model()
        if len(rows) == 1:
            model.setData(model.index(rows[0], column), value, Qt.ItemDataRole.EditRole)

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        """Double click: lyrics and tags are edited in place; elsewhere, listen."""
        if index.column() not in (LYRICS_COLUMN, TAGS):
            self.preview_selected()

    def add_files(self) -> int:
        return self._add(self._prompts.audio_files(Path.home()))

    def add_folder(self) -> int:
        folder = self._prompts.audio_folder(Path.home())
        return self._add([folder]) if folder is not None else 0

    def _add(self, paths: list[Path]) -> int:
        """Add after the selected tracks, or at the end."""
        if not paths:
            return 0
        rows = self._table().selected_rows()
        return self._controller.add_paths(self._phase(), paths, rows[-1] + 1 if rows else -1)

    def remove_selected(self) -> int:
        return self._controller.remove(self._phase(), self._table().selected_rows())

    def move_selected(self, step: int) -> None:
        table = self._table()
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
        table = self._table()
        model = table.phase_model()
        selected = table.selected_rows()
        tracks = [model.track(r) for r in selected or range(model.rowCount())]
        if not selected:
            catalog = self._controller.catalog
            tracks = [t for t in tracks if (i := catalog.info(t.key)) is None or
                      i.gain_db is None]
        return self._controller.measure(tracks)

    def preview_selected(self) -> bool:
        track = self.current_track()
        if track is None:
            self._say("Select a track to preview.")
            return False
        catalog = self._controller.catalog
        info = catalog.info(track.key)
        return self._preview.preview(track.path, catalog.label(track),
                                     info.gain_db if info is not None else None)

    def import_playlist(self) -> int:
        path = self._prompts.playlist_to_import(Path.home())
        return self._controller.import_m3u(self._phase(), path) if path else 0

    def export_playlist(self) -> bool:
        phase = self._phase()
        path = self._prompts.playlist_to_export(Path.home() / f"{phase}.m3u8")
        return self._controller.export_m3u(phase, path) if path else False
