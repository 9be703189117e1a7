"""The table of one phase's tracks: drag rows to reorder, drop files or folders from
outside to add them, Delete to remove, a list of choices to set the lyrics."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QDrag, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from kapdesk.core.playlist import LYRICS, LYRICS_NAMES, phase_name
from kapdesk.ui.naming import named
from kapdesk.ui.playlist_editor.track_model import (
    ARTIST,
    LENGTH,
    LOUDNESS,
    LYRICS_COLUMN,
    TAGS,
    TITLE,
    PhaseTrackModel,
)

Index = QModelIndex | QPersistentModelIndex


class LyricsDelegate(QStyledItemDelegate):
    """Lyrics are chosen from the three kinds, never typed."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        box = named(QComboBox(parent), "lyrics_choice")
        box.setAccessibleName("Lyrics of the track")
        for key in LYRICS:
            box.addItem(LYRICS_NAMES[key], key)
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class PhaseTable(QTableView):
    delete_requested = Signal()

    def __init__(self, model: PhaseTrackModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = phase_name(model.phase)
        self.setObjectName(f"tracks_{model.phase}")
        self.setAccessibleName(f"Tracks of the {name} phase")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        # DragDrop rather than InternalMove: rows move inside the table, and files dropped
        # from outside are accepted too (InternalMove refuses every outside drop).
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.setDropIndicatorShown(True)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setWordWrap(False)
        self.setAlternatingRowColors(False)
        self.setShowGrid(False)
        self.setItemDelegateForColumn(LYRICS_COLUMN, LyricsDelegate(self))
        rows = self.verticalHeader()
        rows.setDefaultSectionSize(26)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in ((TITLE, 190), (ARTIST, 190), (LENGTH, 78), (LOUDNESS, 150),
                              (LYRICS_COLUMN, 140)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        header.setSectionResizeMode(TAGS, QHeaderView.ResizeMode.Stretch)

    def phase_model(self) -> PhaseTrackModel:
        model = self.model()
        assert isinstance(model, PhaseTrackModel)
        return model

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedRows()})

    def select_rows(self, rows: list[int]) -> None:
        self.clearSelection()
        model = self.phase_model()
        flags = self.selectionModel().SelectionFlag
        for row in rows:
            if 0 <= row < model.rowCount():
                self.selectionModel().select(model.index(row, 0),
                                             flags.Select | flags.Rows)
        if rows and 0 <= rows[0] < model.rowCount():
            self.selectionModel().setCurrentIndex(model.index(rows[0], 0), flags.NoUpdate)
            self.scrollTo(model.index(rows[0], 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and \
                self.state() != QAbstractItemView.State.EditingState:
            self.delete_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """Drag the selected rows. The model moves them on the drop; unlike Qt's own
        startDrag nothing is removed here afterwards (that would remove them twice)."""
        rows = self.selected_rows()
        if not rows:
            return
        model = self.phase_model()
        drag = QDrag(self)
        drag.setMimeData(model.mimeData([model.index(r, 0) for r in rows]))
        drag.exec(supportedActions, Qt.DropAction.MoveAction)
