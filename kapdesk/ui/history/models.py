"""Item models of the history window: thin adapters over core values.

`ObjectTableModel` shows a list of core objects (patients, sessions, entries, doses,
outcome measures, REMS forms due) as columns; `CourseTreeModel` shows a patient's
courses with their sessions under them. Both return the object itself under OBJECT_ROLE,
and both draw a row's cells and the headers from their `Column`s the one way
(`column_data`, `column_header`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from kapdesk.core.history import CourseGroup

OBJECT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    tip: Callable[[Any], str] | None = None
    tone: Callable[[Any], str | None] | None = None  # a colour name for the text, or None
    right: bool = False


def column_data(col: Column, obj: Any, role: int) -> Any:
    """What one cell of an object's row holds for `role` (OBJECT_ROLE: the object)."""
    if role == OBJECT_ROLE:
        return obj
    if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
        return col.text(obj)
    if role == Qt.ItemDataRole.ToolTipRole:
        return col.tip(obj) if col.tip else None
    if role == Qt.ItemDataRole.ForegroundRole and col.tone is not None:
        tone = col.tone(obj)
        return QColor(tone) if tone else None
    if role == Qt.ItemDataRole.TextAlignmentRole and col.right:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return None


def column_header(columns: Sequence[Column], section: int, orientation: Qt.Orientation,
                  role: int) -> str | None:
    if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(columns)):
        return columns[section].header
    return None


class ObjectTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def object(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return column_data(self._columns[index.column()], self._rows[index.row()], role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return column_header(self._columns, section, orientation, role)


_TOP = 0  # internalId of a course row; a session row holds its course's row + 1


class CourseTreeModel(QAbstractItemModel):
    """Courses (top level) and their sessions (children), in the order given."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._groups: tuple[CourseGroup, ...] = ()

    def set_groups(self, groups: Sequence[CourseGroup]) -> None:
        self.beginResetModel()
        self._groups = tuple(groups)
        self.endResetModel()

    def groups(self) -> tuple[CourseGroup, ...]:
        return self._groups

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, _TOP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._groups[parent.row()].sessions)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self._columns)

    def _object(self, index: Index) -> Any:
        if index.internalId() == _TOP:
            return self._groups[index.row()]
        return self._groups[int(index.internalId()) - 1].sessions[index.row()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        obj = self._object(index)
        if isinstance(obj, CourseGroup):
            if role == OBJECT_ROLE:
                return obj
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                        Qt.ItemDataRole.ToolTipRole):
                return obj.title if index.column() == 0 else None
            return None
        return column_data(self._columns[index.column()], obj, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return column_header(self._columns, section, orientation, role)

    def session_index(self, session_id: int) -> QModelIndex:
        """The first column's index of a session row, or an invalid index."""
        for g, group in enumerate(self._groups):
            for r, s in enumerate(group.sessions):
                if s.session_id == session_id:
                    return self.index(r, 0, self.index(g, 0))
        return QModelIndex()
