"""The history's left side: the patient search and filters, the patient list, and the
REMS monitoring forms still due."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.history import HistoryFilter, PatientRow, RemsDue
from kapdesk.ui.history.columns import patient_columns, rems_columns
from kapdesk.ui.history.models import OBJECT_ROLE, ObjectTableModel
from kapdesk.ui.history.session_panel import table
from kapdesk.ui.naming import named
from kapdesk.ui.theme import Theme

SEARCH_DELAY_MS = 150  # typing settles before the list is searched again


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


class FilterBar(QWidget):
    """Search text and session filters; `changed` carries the HistoryFilter."""

    changed = Signal(object)

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_filters")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.search_edit = named(QLineEdit(), "patient_search")
        self.search_edit.setAccessibleName("Search patients by code or name")
        self.search_edit.setPlaceholderText("Search code or name (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        grid.addWidget(self.search_edit, 0, 0, 1, 4)
        self.protocol_combo = named(QComboBox(), "protocol_filter")
        self.protocol_combo.setAccessibleName("Protocol filter")
        self.protocol_combo.addItem("All protocols", "")
        grid.addWidget(self.protocol_combo, 1, 0, 1, 4)
        self.dates_check = named(QCheckBox("From"), "date_filter")
        self.dates_check.setAccessibleName("Only sessions between two dates")
        self.from_edit = named(QDateEdit(QDate(today.year - 1, today.month, 1)), "date_from")
        self.to_edit = named(QDateEdit(QDate(today.year, today.month, today.day)), "date_to")
        for edit, words in ((self.from_edit, "From date"), (self.to_edit, "To date")):
            edit.setAccessibleName(words)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        grid.addWidget(self.dates_check, 2, 0)
        grid.addWidget(self.from_edit, 2, 1)
        grid.addWidget(QLabel("to"), 2, 2)
        grid.addWidget(self.to_edit, 2, 3)
        self.unsigned_check = named(QCheckBox("Unsigned only"), "unsigned_filter")
        self.unsigned_check.setAccessibleName("Only unsigned sessions")
        self.alerts_check = named(QCheckBox("Alerts raised"), "alerts_filter")
        self.alerts_check.setAccessibleName("Only sessions with alerts")
        checks = QHBoxLayout()
        checks.addWidget(self.unsigned_check)
        checks.addWidget(self.alerts_check)
        checks.addStretch(1)
        grid.addLayout(checks, 3, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self._typing = named(QTimer(self), "patient search delay")
        self._typing.setSingleShot(True)
        self._typing.setInterval(SEARCH_DELAY_MS)
        self._typing.timeout.connect(self.apply)
        self.search_edit.textChanged.connect(lambda _t: self._typing.start())
        self.search_edit.returnPressed.connect(self.apply)
        self.dates_check.toggled.connect(self._on_dates_toggled)
        for signal in (self.protocol_combo.currentIndexChanged, self.from_edit.dateChanged,
                       self.to_edit.dateChanged, self.unsigned_check.toggled,
                       self.alerts_check.toggled):
            signal.connect(lambda *_a: self.apply())

    def set_protocols(self, protocols: Sequence[tuple[str, str]]) -> None:
        self.protocol_combo.blockSignals(True)
        for pid, name in protocols:
            self.protocol_combo.addItem(name, pid)
        self.protocol_combo.blockSignals(False)

    def _on_dates_toggled(self, on: bool) -> None:
        self.from_edit.setEnabled(on)
        self.to_edit.setEnabled(on)
        self.apply()

    def current(self) -> HistoryFilter:
        since = until = None
        if self.dates_check.isChecked():
            first, last = self.from_edit.date().toPython(), self.to_edit.date().toPython()
            assert isinstance(first, date) and isinstance(last, date)
            since, until = _local_midnight(first), _local_midnight(last + timedelta(days=1))
        return HistoryFilter(self.search_edit.text(), since, until,
                             str(self.protocol_combo.currentData() or "") or None,
                             self.unsigned_check.isChecked(), self.alerts_check.isChecked())

    def apply(self) -> None:
        self._typing.stop()
        self.changed.emit(self.current())


class BrowsePanel(QWidget):
    """Filters above the patient list; `patient_chosen` carries the patient's code."""

    patient_chosen = Signal(str)

    def __init__(self, theme: Theme, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("browse_panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.filters = FilterBar(today)
        layout.addWidget(self.filters)
        self.model = ObjectTableModel(patient_columns(theme), self)
        self.view = table("patient_list", "Patients")
        self.view.setModel(self.model)
        head = self.view.horizontalHeader()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.selectionModel().currentRowChanged.connect(self._on_row_changed)
        layout.addWidget(self.view, 1)
        self.count_label = named(QLabel(), "patient_count")
        self.count_label.setProperty("role", "muted")
        layout.addWidget(self.count_label)
        # Enter in the search picks the first match (after the search has run on it)
        self.filters.search_edit.returnPressed.connect(self.choose_first)

    def show_patients(self, rows: Sequence[PatientRow], total: int) -> None:
        current = self.current_code()
        self.model.set_rows(rows)
        shown = len(rows)
        self.count_label.setText(f"{total} patient(s)" if shown == total else
                                 f"{shown} of {total} patients shown: narrow the search")
        codes = [r.code for r in rows]
        if current in codes:
            self.view.selectionModel().blockSignals(True)
            self.view.selectRow(codes.index(current))
            self.view.selectionModel().blockSignals(False)

    def current_code(self) -> str | None:
        index = self.view.currentIndex()
        row = self.model.data(index, OBJECT_ROLE) if index.isValid() else None
        return row.code if isinstance(row, PatientRow) else None

    def choose(self, code: str) -> bool:
        codes = [r.code for r in self.model.rows()]
        if code not in codes:
            return False
        self.view.selectRow(codes.index(code))
        return True

    def choose_first(self) -> bool:
        """The first patient listed, unless one of those listed is chosen already; the
        keys go to the list, so Up and Down move through the patients."""
        rows = self.model.rows()
        if not rows:
            return False
        if self.current_code() not in [r.code for r in rows]:
            self.view.selectRow(0)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _on_row_changed(self, current: object, _previous: object) -> None:
        code = self.current_code()
        if code is not None:
            self.patient_chosen.emit(code)


class RemsPanel(QWidget):
    """REMS monitoring forms still due; one click exports the selected one."""

    export_requested = Signal(object)  # RemsDue

    def __init__(self, theme: Theme, now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rems_panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel("Esketamine sessions whose REMS patient monitoring form is due "
                       "within 7 days of the session.")
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        layout.addWidget(intro)
        self.model = ObjectTableModel(rems_columns(theme, now), self)
        self.view = table("rems_due_list", "REMS forms due")
        self.view.setModel(self.model)
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(lambda _i: self._on_export_clicked())
        layout.addWidget(self.view, 1)
        self.export_button = named(QPushButton("Export REMS form…"), "export_rems")
        self.export_button.setAccessibleName("Export the REMS monitoring form")
        self.export_button.clicked.connect(self._on_export_clicked)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignRight)

    def show_due(self, due: Sequence[RemsDue]) -> None:
        self.model.set_rows(due)
        if due:
            self.view.selectRow(0)
        self.export_button.setEnabled(bool(due))

    def selected(self) -> RemsDue | None:
        index = self.view.currentIndex()
        due = self.model.data(index, OBJECT_ROLE) if index.isValid() else None
        return due if isinstance(due, RemsDue) else None

    def _on_export_clicked(self) -> None:
        due = self.selected()
        if due is not None:
            self.export_requested.emit(due)
