"""One phase's tracks as a table: an adapter over the core list (PlaylistSet.phases[phase]).

The model edits that very list in place (insert, remove, move, lyrics and tags), so the
set is always what the screen shows; `TRACK_ROLE` returns the core Track. Lengths and
loudness come from the TrackCatalog. Dragging rows inside the table moves them
(`moveRows`); dropping files or folders from outside, or rows from another phase, adds
them through `make_tracks`. Every change made here emits `edited`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor

from kapdesk.core.playlist import LYRICS, LYRICS_NAMES, Track
from kapdesk.core.playlist.text import parse_tags
from kapdesk.ui.playlist_editor.catalog import TrackCatalog
from kapdesk.ui.playlist_editor.track_cells import (
    ARTIST,
    COLUMNS,
    LENGTH,
    LOUDNESS,
    LYRICS_COLUMN,
    LYRICS_SHORT,
    TAGS,
    TITLE,
    Cells,
)

TRACK_ROLE = int(Qt.ItemDataRole.UserRole) + 1
ROWS_MIME = "application/x-kapdesk-track-rows"
__all__ = ("ARTIST", "COLUMNS", "LENGTH", "LOUDNESS", "LYRICS_COLUMN", "ROWS_MIME", "TAGS",
           "TITLE", "TRACK_ROLE", "PhaseTrackModel")
Index = QModelIndex | QPersistentModelIndex
MakeTracks = Callable[[list[Path]], list[Track]]


def default_tracks(paths: list[Path]) -> list[Track]:
    return [Track(p) for p in paths if p.is_file()]


class PhaseTrackModel(QAbstractTableModel):
    edited = Signal()
    meta_edited = Signal(str, object, str)  # track key, tags (frozenset), lyrics

    def __init__(self, phase: str, catalog: TrackCatalog, tracks: list[Track] | None = None,
                 make_tracks: MakeTracks = default_tracks, alert: str = "#b0704a",
                 muted: str = "#7d858c", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        self._catalog = catalog
        self._tracks: list[Track] = tracks if tracks is not None else []
        self.make_tracks = make_tracks
        self._cells = Cells(catalog, QColor(alert), QColor(muted))
        self._token = uuid.uuid4().hex
        catalog.changed.connect(self.refresh_key)

    # -- the list --------------------------------------------------------------------------

    def set_tracks(self, tracks: list[Track]) -> None:
        """Show (and from now on edit) this list: the set's own list for the phase."""
        self.beginResetModel()
        self._tracks = tracks
        self.endResetModel()
        self._catalog.ensure(t.path for t in tracks)

    def tracks(self) -> list[Track]:
        return self._tracks

    def track(self, row: int) -> Track:
        return self._tracks[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._tracks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    # -- reading ---------------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return str(section + 1) if 0 <= section < len(self._tracks) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._tracks):
            return None
        track, column = self._tracks[index.row()], index.column()
        if role == TRACK_ROLE:
            return track
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._cells.text(track, column, role == Qt.ItemDataRole.EditRole)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._cells.tip(track, self.phase, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._cells.tone(track, self.phase, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (LENGTH, LOUDNESS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def refresh_key(self, key: str) -> None:
        """The catalog learnt something about this file: repaint its rows."""
        for row, track in enumerate(self._tracks):
            if track.key == key:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- editing lyrics and tags -------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemIsDragEnabled
        if index.column() in (LYRICS_COLUMN, TAGS):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or \
                index.column() not in (LYRICS_COLUMN, TAGS):
            return False
        track = self._tracks[index.row()]
        tags, lyrics = track.tags, track.lyrics
        if index.column() == LYRICS_COLUMN:
            chosen = {**{v: k for k, v in LYRICS_NAMES.items()},
                      **{v: k for k, v in LYRICS_SHORT.items()}}.get(str(value), str(value))
            if chosen not in LYRICS:
                return False
            lyrics = chosen  # type: ignore[assignment]
        else:
            tags = frozenset(parse_tags(str(value)))
        if (tags, lyrics) == (track.tags, track.lyrics):
            return True
        self.apply_meta(track.key, tags, lyrics)
        self.meta_edited.emit(track.key, tags, lyrics)
        self.edited.emit()
        return True

    def apply_meta(self, key: str, tags: frozenset[str], lyrics: str) -> None:
        """Give every row of this file these tags and lyrics (they belong to the file)."""
        for row, track in enumerate(self._tracks):
            if track.key == key and (track.tags, track.lyrics) != (tags, lyrics):
                self._tracks[row] = replace(track, tags=tags, lyrics=lyrics)  # type: ignore[arg-type]
                self.dataChanged.emit(self.index(row, LYRICS_COLUMN), self.index(row, TAGS))

    def fill(self, fill: Callable[[Track], Track]) -> None:
        """Replace each track by fill(track) (titles and lengths read from the files)."""
        for row, track in enumerate(self._tracks):
            new = fill(track)
            if new != track:
                self._tracks[row] = new
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- adding, removing, moving ---------------------------------------------------------------

    def insert_tracks(self, row: int, tracks: Sequence[Track]) -> int:
        row = len(self._tracks) if row < 0 or row > len(self._tracks) else row
        if not tracks:
            return 0
        self.beginInsertRows(QModelIndex(), row, row + len(tracks) - 1)
        self._tracks[row:row] = list(tracks)
        self.endInsertRows()
        self._catalog.ensure(t.path for t in tracks)
        self.edited.emit()
        return len(tracks)

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count <= 0 or row < 0 or row + count > len(self._tracks):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._tracks[row:row + count]
        self.endRemoveRows()
        self.edited.emit()
        return True

    def remove_rows(self, rows: Iterable[int]) -> int:
        """Remove these rows (any order, gaps allowed); how many went."""
        removed = 0
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self._tracks) and self.removeRows(row, 1):
                removed += 1
        return removed

    def moveRows(self, sourceParent: Index, sourceRow: int, count: int,
                 destinationParent: Index, destinationChild: int) -> bool:
        size = len(self._tracks)
        if sourceParent.isValid() or destinationParent.isValid() or count <= 0 or \
                sourceRow < 0 or sourceRow + count > size or not 0 <= destinationChild <= size:
            return False
        if sourceRow <= destinationChild <= sourceRow + count:
            return False  # onto itself: nothing moves
        if not self.beginMoveRows(QModelIndex(), sourceRow, sourceRow + count - 1,
                                  QModelIndex(), destinationChild):
            return False
        block = self._tracks[sourceRow:sourceRow + count]
        del self._tracks[sourceRow:sourceRow + count]
        at = destinationChild - count if destinationChild > sourceRow else destinationChild
        self._tracks[at:at] = block
        self.endMoveRows()
        self.edited.emit()
        return True

    def move_rows_to(self, rows: Iterable[int], destination: int) -> list[int]:
        """Move these rows, in their order, to just before `destination` (a row of the list
        as it is now; the end is len). The rows they are at afterwards."""
        chosen = sorted(r for r in set(rows) if 0 <= r < len(self._tracks))
        destination = max(0, min(destination, len(self._tracks)))
        above = [r for r in chosen if r < destination]
        below = [r for r in chosen if r >= destination]
        for done, row in enumerate(above):  # each lands just above the destination
            self.moveRows(QModelIndex(), row - done, 1, QModelIndex(), destination)
        start = destination - len(above)
        for done, row in enumerate(below):  # each lands after those moved before it
            self.moveRows(QModelIndex(), row, 1, QModelIndex(), destination + done)
        return list(range(start, start + len(chosen)))

    # -- drag and drop ---------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME, "text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(ROWS_MIME, QByteArray(json.dumps(
            {"model": self._token, "rows": rows}).encode()))
        data.setUrls([QUrl.fromLocalFile(str(self._tracks[r].path)) for r in rows])
        return data

    def _own_rows(self, data: QMimeData) -> list[int] | None:
        if not data.hasFormat(ROWS_MIME):
            return None
        try:
            payload = json.loads(bytes(data.data(ROWS_MIME).data()).decode())
        except ValueError:
            return None
        if not isinstance(payload, dict) or payload.get("model") != self._token:
            return None
        return [int(r) for r in payload.get("rows", []) if isinstance(r, int)]

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index) -> bool:
        if self._own_rows(data) is not None:
            return True
        return any(url.isLocalFile() for url in data.urls())

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._tracks)
        own = self._own_rows(data)
        if own is not None:
            self.move_rows_to(own, row)
            return True
        paths = [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]
        return self.insert_tracks(row, self.make_tracks(paths)) > 0 if paths else False
