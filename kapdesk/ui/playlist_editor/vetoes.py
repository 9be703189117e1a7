"""Per-patient vetoes: the patient's code (completed from the patients' codes for
clinicians; staff, who see no patient identifiers, type the code they were given), the
tracks they vetoed, and adding or lifting a veto with a reason. Each change is an
operation of kapdesk.services.music_ops (staff only, checked there), audited with who,
when and why."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from kapdesk.core.accounts import User
from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import Action, allowed
from kapdesk.core.playlist import Track
from kapdesk.services.music_ops import MusicOps, Veto
from kapdesk.services.reads import PatientReads
from kapdesk.ui.naming import named

VETO_ROLE = int(Qt.ItemDataRole.UserRole) + 1
Index = QModelIndex | QPersistentModelIndex


class VetoModel(QAbstractTableModel):
    """A patient's vetoes: the track, why, and since when. VETO_ROLE returns the Veto."""

    COLUMNS = ("Track", "Reason", "Since")

    def __init__(self, label: Callable[[str], str] = lambda p: Path(p).name,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self._vetoes: list[Veto] = []

    def set_vetoes(self, vetoes: Sequence[Veto]) -> None:
        self.beginResetModel()
        self._vetoes = list(vetoes)
        self.endResetModel()

    def vetoes(self) -> list[Veto]:
        return list(self._vetoes)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._vetoes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._vetoes):
            return None
        veto = self._vetoes[index.row()]
        if role == VETO_ROLE:
            return veto
        if role == Qt.ItemDataRole.DisplayRole:
            return (self.label(veto.path), veto.reason or "—",
                    f"{veto.created_at.astimezone():%Y-%m-%d}")[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return veto.path
        return None


class VetoPanel(QGroupBox):
    changed = Signal(str)  # the patient code whose vetoes changed

    def __init__(self, music: MusicOps, patients: PatientReads, user: Callable[[], User],
                 current_track: Callable[[], Track | None],
                 label: Callable[[str], str] = lambda p: Path(p).name,
                 parent: QWidget | None = None) -> None:
        super().__init__("Patient vetoes", parent)
        self.setObjectName("veto_panel")
        self.setAccessibleName("Patient vetoes")
        self._music = music
        self._patients = patients
        self._user = user
        self._current_track = current_track
        self.code = ""
        self.code_edit = named(QLineEdit(), "veto_patient_code")
        self.code_edit.setAccessibleName("Patient code for vetoes")
        self.code_edit.setPlaceholderText("Patient code")
        self._codes = QStringListModel(self)
        completer = QCompleter(self._codes, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.code_edit.setCompleter(completer)
        self.show_button = named(QPushButton("Show"), "show_vetoes")
        self.show_button.setAccessibleName("Show the patient's vetoes")
        self.model = VetoModel(label, self)
        self.table = named(QTableView(), "veto_list")
        self.table.setAccessibleName("Vetoed tracks")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(1, 100)
        self.table.setWordWrap(False)
        self.reason_edit = named(QLineEdit(), "veto_reason")
        self.reason_edit.setAccessibleName("Reason for the veto")
        self.reason_edit.setPlaceholderText("Reason (e.g. the patient asked)")
        self.add_button = named(QPushButton("Veto selected track"), "add_veto")
        self.add_button.setAccessibleName("Veto the selected track for this patient")
        self.remove_button = named(QPushButton("Lift veto"), "remove_veto")
        self.remove_button.setAccessibleName("Lift the selected veto")
        self.status = named(QLabel(wordWrap=True), "veto_status")
        self.status.setAccessibleName("Veto status")
        self.status.setProperty("role", "muted")
        grid = QGridLayout(self)
        grid.addWidget(self.code_edit, 0, 0)
        grid.addWidget(self.show_button, 0, 1)
        grid.addWidget(self.table, 1, 0, 1, 2)
        grid.addWidget(self.reason_edit, 2, 0, 1, 2)
        grid.addWidget(self.add_button, 3, 0)
        grid.addWidget(self.remove_button, 3, 1)
        grid.addWidget(self.status, 4, 0, 1, 2)
        grid.setRowStretch(1, 1)
        self.code_edit.textEdited.connect(self._on_code_edit_text_edited)
        self.code_edit.returnPressed.connect(self.show_patient)
        completer.activated.connect(lambda code: self.show_patient(code))
        self.show_button.clicked.connect(lambda: self.show_patient())
        self.add_button.clicked.connect(lambda: self.add_veto())
        self.remove_button.clicked.connect(lambda: self.remove_veto())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self._enable()

    def _on_code_edit_text_edited(self, text: str) -> None:
        """Offer the patients' codes that contain what was typed (codes only), to who may
        see patient records: staff type the code they were given, and are offered none."""
        typed = text.strip().casefold()
        if not typed or not allowed(self._user().role, Action.VIEW_RECORD):
            self._codes.setStringList([])
            return
        self._codes.setStringList([p.code for p in self._patients.find(typed, limit=50)
                                   if typed in p.code.casefold()][:20])

    def show_patient(self, code: str | None = None) -> bool:
        code = (code if code is not None else self.code_edit.text()).strip()
        if code != self.code_edit.text():
            self.code_edit.setText(code)
        if not code or self._patients.by_code(code) is None:
            self.code = ""
            self.model.set_vetoes([])
            self._say(f"There is no patient '{code}'." if code else "Type a patient code.")
            self._enable()
            return False
        self.code = code
        self.refresh()
        return True

    def refresh(self) -> None:
        vetoes = self._music.vetoes(self.code) if self.code else []
        self.model.set_vetoes(vetoes)
        if self.code:
            self._say(f"{self.code} has vetoed {len(vetoes)} track"
                      f"{'' if len(vetoes) == 1 else 's'}; they are skipped in this "
                      "patient's sessions.")
        self._enable()

    def selected_veto(self) -> Veto | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.data(rows[0], VETO_ROLE) if rows else None

    def add_veto(self, track: Track | None = None) -> bool:
        track = track or self._current_track()
        if not self.code or track is None:
            self._say("Choose a patient and select a track first.")
            return False
        try:
            self._music.add_veto(self._user(), self.code, track.path,
                                 self.reason_edit.text())
        except KapdeskError as exc:
            self._say(str(exc))
            return False
        self.reason_edit.clear()
        self.refresh()
        self._say(f"Vetoed '{self.model.label(track.key)}' for {self.code}.")
        self.changed.emit(self.code)
        return True

    def remove_veto(self, veto: Veto | None = None) -> bool:
        veto = veto or self.selected_veto()
        if veto is None:
            self._say("Select a vetoed track to lift its veto.")
            return False
        try:
            self._music.remove_veto(self._user(), veto.patient_code, veto.path,
                                    self.reason_edit.text())
        except KapdeskError as exc:
            self._say(str(exc))
            return False
        self.reason_edit.clear()
        self.refresh()
        self._say(f"Lifted the veto on '{self.model.label(veto.path)}' for {self.code}.")
        self.changed.emit(self.code)
        return True

    def clear(self) -> None:
        """Nothing about a patient stays on screen (the screen locked)."""
        self.code = ""
        self.code_edit.clear()
        self.reason_edit.clear()
        self._codes.setStringList([])
        self.model.set_vetoes([])
        self._say("")

    def _enable(self) -> None:
        self.add_button.setEnabled(bool(self.code))
        self.remove_button.setEnabled(bool(self.code) and self.selected_veto() is not None)

    def _say(self, text: str) -> None:
        self.status.setText(text)
