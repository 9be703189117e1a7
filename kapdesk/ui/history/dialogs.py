"""Dialogs of the history window: export choices, where to save, a new outcome measure.

None of them runs itself: the window hands each to its opener (tests replace the opener
and answer the dialog), then reads what was chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.errors import ValidationError
from kapdesk.core.outcomes import SPECS, Instrument, item_label, score
from kapdesk.services.exports import SUFFIX
from kapdesk.ui.choice_box import Answer, choice_box
from kapdesk.ui.naming import button, button_row, named

FORMATS = (("pdf", "PDF session note (for the chart)"),
           ("csv", "CSV: one row per observation"),
           ("json", "JSON: the whole record"),
           ("fhir", "FHIR R4 bundle (for the EHR)"),
           ("rems", "REMS monitoring form (esketamine)"))
FILTERS: Mapping[str, str] = MappingProxyType({
    "pdf": "PDF (*.pdf)", "csv": "CSV (*.csv)", "json": "JSON (*.json)",
    "fhir": "FHIR JSON (*.json)", "rems": "PDF (*.pdf)"})
# Scores are typed (a digit, then Tab); NoButtons would do, but under a style sheet it
# leaves the spin box's text field 1 px wide (Qt 6.11), so the arrows are sized away.
NO_ARROWS = "QSpinBox::up-button, QSpinBox::down-button { width: 0px; border: none; }"
SubmitOutcome = Callable[[Instrument, list[int | None], datetime], str | None]


class ExportDialog(QDialog):
    """Format, de-identification and page size of one session's export."""

    def __init__(self, session_words: str, rems_allowed: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export session")
        layout = QVBoxLayout(self)
        layout.addWidget(named(QLabel(session_words), "export_what"))
        form = QFormLayout()
        self.format_combo = named(QComboBox(), "export_format")
        self.format_combo.setAccessibleName("Export format")
        for fmt, words in FORMATS:
            self.format_combo.addItem(words, fmt)
        model = self.format_combo.model()
        rems_row = [f for f, _ in FORMATS].index("rems")
        item = getattr(model, "item", None)
        if not rems_allowed and item is not None:
            item(rems_row).setEnabled(False)
        form.addRow("Format", self.format_combo)
        self.deidentify_check = named(QCheckBox("De-identify (no name, date of birth or free "
                                                "text; the code stays)"), "export_deidentify")
        self.deidentify_check.setAccessibleName("De-identify the export")
        form.addRow("", self.deidentify_check)
        self.page_combo = named(QComboBox(), "export_page_size")
        self.page_combo.setAccessibleName("Page size")
        self.page_combo.addItem("A4", "a4")
        self.page_combo.addItem("Letter", "letter")
        form.addRow("Page size", self.page_combo)
        layout.addLayout(form)
        self.export_button = button("Choose where to save…", "confirm_export",
                                    "Choose where to save the export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.accept)
        cancel = button("Cancel", "cancel_export", "Cancel the export")
        cancel.clicked.connect(self.reject)
        layout.addLayout(button_row(self.export_button, cancel))
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self._on_format_changed()

    def _on_format_changed(self, _index: int = 0) -> None:
        self.page_combo.setEnabled(self.fmt in ("pdf", "rems"))

    def choose(self, fmt: str) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))

    @property
    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    @property
    def deidentified(self) -> bool:
        return self.deidentify_check.isChecked()

    @property
    def page_size(self) -> str:
        return str(self.page_combo.currentData())


def save_dialog(parent: QWidget | None, title: str, suggested: Path, fmt: str) -> QFileDialog:
    """A 'save as' dialog for the export (QFileDialog.getSaveFileName as an object, so the
    opener can run it and tests can answer it)."""
    dialog = QFileDialog(parent, title, str(suggested))
    dialog.setObjectName("export_save_dialog")
    dialog.setAccessibleName("Where to save the export")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    # the exporter asks itself (replace_dialog), and only for a regular file: anything
    # else at that name is refused by the export, in words
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
    dialog.setNameFilter(FILTERS.get(fmt, "All files (*)"))
    dialog.setDefaultSuffix(SUFFIX.get(fmt, "").lstrip("."))
    dialog.selectFile(str(suggested))
    return dialog


def replace_dialog(parent: QWidget | None, path: Path) -> QMessageBox:
    """"Replace this file?": No is the default button (nothing is lost by saying no)."""
    return choice_box(parent, QMessageBox.Icon.Question, "Replace the file?",
                      f"{path} already exists. Replace it with this export?",
                      "export_replace_dialog", "Replace the existing file",
                      Answer("Replace", "export_replace", "Replace the existing file"),
                      Answer("Keep it", "export_keep", "Keep the existing file"))


class OutcomeDialog(QDialog):
    """Item scores in, total and band shown as they are typed; saved through `submit`."""

    def __init__(self, submit: SubmitOutcome, now: datetime,
                 wording: Mapping[Instrument, Mapping[int, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcome_dialog")
        self.setWindowTitle("Record an outcome measure")
        self._submit = submit
        self._wording = wording or {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.instrument_combo = named(QComboBox(), "outcome_instrument")
        self.instrument_combo.setAccessibleName("Outcome measure")
        for spec in SPECS.values():
            self.instrument_combo.addItem(f"{spec.name} ({spec.about})", spec.instrument.value)
        form.addRow("Measure", self.instrument_combo)
        self.taken_edit = named(
            QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(now.timestamp()))), "outcome_taken")
        self.taken_edit.setAccessibleName("When it was filled in")
        self.taken_edit.setCalendarPopup(True)
        self.taken_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        form.addRow("Filled in", self.taken_edit)
        layout.addLayout(form)
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        self.item_spins: list[QSpinBox] = []
        self.total_label = named(QLabel(), "outcome_total")
        self.total_label.setAccessibleName("Total and band")
        self.total_label.setWordWrap(True)
        layout.addWidget(self.total_label)
        self.error_label = named(QLabel(), "outcome_error")
        self.error_label.setProperty("role", "alert")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.save_button = button("Save measure", "save_outcome", "Save the outcome measure")
        self.save_button.clicked.connect(self._on_save_clicked)
        cancel = button("Cancel", "cancel_outcome", "Cancel")
        cancel.clicked.connect(self.reject)
        layout.addLayout(button_row(self.save_button, cancel))
        self.instrument_combo.currentIndexChanged.connect(self._build_items)
        self._build_items()

    @property
    def instrument(self) -> Instrument:
        return Instrument(str(self.instrument_combo.currentData()))

    def choose(self, instrument: Instrument) -> None:
        self.instrument_combo.setCurrentIndex(self.instrument_combo.findData(instrument.value))

    def _build_items(self, _index: int = 0) -> None:
        while self.grid.count():  # the previous measure's items go at once
            taken = self.grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        spec = SPECS[self.instrument]
        words = self._wording.get(self.instrument, {})
        per_column = 5 if spec.items > 10 else spec.items
        self.item_spins = []
        for n in range(1, spec.items + 1):
            label = named(QLabel(item_label(spec.instrument, n, words)), f"item_label_{n}")
            label.setWordWrap(bool(words.get(n)))
            spin = named(QSpinBox(), f"outcome_item_{n}")
            spin.setAccessibleName(f"{spec.name} item {n} score")
            spin.setRange(-1, spec.item_max)
            spin.setSpecialValueText("—")  # the minimum (-1): not scored yet
            spin.setValue(-1)
            spin.setStyleSheet(NO_ARROWS)  # type a digit, Tab on
            spin.setFixedWidth(52)
            spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
            spin.setToolTip(f"0-{spec.item_max}; arrow keys or a digit")
            label.setBuddy(spin)
            spin.valueChanged.connect(self._show_total)
            r, c = (n - 1) % per_column, 2 * ((n - 1) // per_column)
            self.grid.addWidget(label, r, c)
            self.grid.addWidget(spin, r, c + 1)
            self.item_spins.append(spin)
        self._show_total()
        self.adjustSize()

    def set_items(self, values: Sequence[int | None]) -> None:
        for spin, value in zip(self.item_spins, values, strict=False):
            spin.setValue(-1 if value is None else value)

    def items(self) -> list[int | None]:
        return [None if s.value() < 0 else s.value() for s in self.item_spins]

    def _show_total(self, _value: int = 0) -> None:
        spec = SPECS[self.instrument]
        items = self.items()
        missing = sum(1 for i in items if i is None)
        if missing:
            so_far = sum(i for i in items if i is not None)
            self.total_label.setText(f"Total so far {so_far} / {spec.max_total}; {missing} "
                                     f"item(s) still to score (0-{spec.item_max}).")
            return
        try:
            result = score(spec.instrument, items)
        except ValidationError as exc:
            self.total_label.setText(str(exc))
            return
        self.total_label.setText("  ".join([f"Total {result.total} / {spec.max_total}: "
                                            f"{result.band}.", *result.flags]))

    def _on_save_clicked(self) -> None:
        taken = self.taken_edit.dateTime().toPython()
        assert isinstance(taken, datetime)
        error = self._submit(self.instrument, self.items(), taken.astimezone())
        if error:
            self.error_label.setText(error)
            self.error_label.show()
            return
        self.accept()
