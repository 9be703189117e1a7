"""Entry dialogs for the room: one tap opens, one tap saves. Errors show inside, in words.

Each dialog is handed a `submit` callable that stores the entry and returns an error
message, or None once the entry is committed; only then does the dialog close.
Nothing clinical is chosen for the clinician: no answer, side effect, medicine or item
score is selected when a dialog opens, and Enter never records one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QIntValidator, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.observations import (
    CADSS6_ITEMS,
    CADSS_WORDING_PLACE,
    MOAAS_LEVELS,
    SEVERITIES,
    SIDE_EFFECTS,
    VITAL_RANGES,
    mg_per_kg,
)
from kapdesk.ui.dialog_fit import ErrorLabel, fit_dialog, prepare_list
from kapdesk.ui.naming import button, button_row, named

Submit = Callable[[Mapping[str, Any]], str | None]
PRN_MEDICINES = ("Ondansetron", "Midazolam", "Lorazepam", "Metoclopramide", "Paracetamol")
ROUTES = ("oral", "sublingual", "intramuscular", "intravenous", "intranasal")
TALL = 46  # px: an entry's buttons, easy to hit without looking long


def _answer_button(text: str, name: str, accessible: str) -> QPushButton:
    """A button that records a clinical answer: only a click or Space on it does, never
    Enter pressed somewhere in the dialog."""
    made = button(text, name, accessible, min_height=TALL)
    made.setAutoDefault(False)
    made.setDefault(False)
    return made


class EntryDialog(QDialog):
    def __init__(self, title: str, name: str, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(name)
        self._submit = submit
        self.error_label = ErrorLabel("entry_error")
        self.body = QVBoxLayout(self)

    def submit(self, values: Mapping[str, Any]) -> bool:
        error = self._submit(values)
        if error:
            self.show_error(error)
            return False
        self.accept()
        return True

    def show_error(self, text: str) -> None:
        """The message in words, every line of it; the dialog grows to hold it."""
        self.error_label.setText(text)
        self.error_label.show()
        fit_dialog(self)

    def showEvent(self, event: QShowEvent) -> None:
        fit_dialog(self)
        super().showEvent(event)

    def finish(self, *buttons: QPushButton) -> None:
        self.body.addWidget(self.error_label)
        cancel = button("Cancel", "cancel_entry", "Cancel", min_height=TALL)
        cancel.clicked.connect(self.reject)
        self.body.addLayout(button_row(*buttons, cancel))


class VitalsDialog(EntryDialog):
    FIELDS = ("systolic", "diastolic", "heart_rate", "spo2", "resp_rate")

    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("Record vitals", "vitals_dialog", submit, parent)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for key in self.FIELDS:
            spec = VITAL_RANGES[key]
            edit = named(QLineEdit(), f"vital_{key}")
            edit.setAccessibleName(spec.label)
            edit.setValidator(QIntValidator(0, 999, edit))
            edit.setPlaceholderText(f"{spec.low:g}-{spec.high:g} {spec.unit}")
            form.addRow(f"{spec.label} ({spec.unit})", edit)
            self.edits[key] = edit
        self.body.addLayout(form)
        save = button("Save vitals", "save_vitals", "Save vitals", min_height=TALL)
        save.setDefault(True)
        save.clicked.connect(self._on_save_clicked)
        self.finish(save)

    def values(self) -> dict[str, int]:
        return {k: int(e.text()) for k, e in self.edits.items() if e.text().strip()}

    def _on_save_clicked(self) -> None:
        self.submit(self.values())


class ChoiceDialog(EntryDialog):
    """One button per answer; a click saves it."""

    def __init__(self, title: str, name: str, choices: Sequence[tuple[str, Any]], key: str,
                 submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(title, name, submit, parent)
        self.buttons: list[QPushButton] = []
        for label, value in choices:
            answer = _answer_button(label, f"{name}_{value}", label)
            answer.clicked.connect(lambda _c=False, v=value: self.submit({key: v}))
            self.body.addWidget(answer)
            self.buttons.append(answer)
        self.finish()


def moaas_dialog(submit: Submit, parent: QWidget | None = None) -> ChoiceDialog:
    return ChoiceDialog("Sedation (MOAA/S)", "moaas_dialog",
                        [(f"{score}  ·  {words}", score) for score, words in MOAAS_LEVELS.items()],
                        "score", submit, parent)


class DissociationDialog(ChoiceDialog):
    def __init__(self, submit: Submit, submit_short_form: Submit,
                 item_text: Mapping[int, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Dissociation", "dissociation_dialog",
                         [(s.capitalize(), s) for s in SEVERITIES], "severity", submit, parent)
        self._short = submit_short_form
        self.setMinimumWidth(420)  # room for the item wording beside its score
        self.items: dict[int, QSpinBox] = {}
        grid = QGridLayout()
        wording = item_text if item_text and all(item_text.get(n) for n in CADSS6_ITEMS) \
            else None
        self.wording_missing = QLabel(
            "The clinic has not entered the wording of the CADSS items yet, so only their "
            f"numbers show. Set it under {CADSS_WORDING_PLACE}.")
        self.wording_missing.setObjectName("cadss_no_wording")
        self.wording_missing.setWordWrap(True)
        self.wording_missing.setVisible(wording is None)
        for row, number in enumerate(CADSS6_ITEMS):
            text = f"{number}. {wording[number]}" if wording else f"CADSS item {number}"
            spin = named(QSpinBox(minimum=-1, maximum=4), f"cadss_item_{number}")
            spin.setSpecialValueText("not rated")  # -1: no score until one is given
            spin.setValue(-1)
            spin.setAccessibleName(f"CADSS item {number}")
            label = QLabel(text)
            label.setWordWrap(wording is not None)
            grid.addWidget(label, row, 0)
            grid.addWidget(spin, row, 1)
            self.items[number] = spin
        self.short_form = named(QWidget(), "cadss_short_form")
        column = QVBoxLayout(self.short_form)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.wording_missing)
        column.addLayout(grid)
        self.short_form.hide()
        toggle = button("6-item short form…", "show_short_form", "Show the short form",
                        min_height=TALL)
        save = button("Save short form", "save_short_form", "Save short form", min_height=TALL)
        save.hide()

        def show_short_form() -> None:
            self.short_form.show()
            save.show()
            self._fit()

        toggle.clicked.connect(show_short_form)
        save.clicked.connect(self._on_save_short_clicked)
        self.body.insertWidget(self.body.count() - 2, toggle)
        self.body.insertWidget(self.body.count() - 2, self.short_form)
        self.body.insertWidget(self.body.count() - 2, save)

    def _fit(self) -> None:
        """Grow to show the whole form (wrapped text included) once it opens."""
        self.body.activate()
        height = self.body.totalHeightForWidth(self.width())
        self.resize(self.width(), max(self.height(), height))

    def _on_save_short_clicked(self) -> None:
        unrated = [str(n) for n, s in self.items.items() if s.value() < 0]
        error: str | None
        if unrated:
            error = (f"Rate every item (0-4) before saving: item{'s' if len(unrated) > 1 else ''}"
                     f" {', '.join(unrated)} not rated yet.")
        else:
            error = self._short({"items": {n: s.value() for n, s in self.items.items()}})
        if error:
            self.show_error(error)
        else:
            self.accept()


class SideEffectDialog(EntryDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("Side effect", "side_effect_dialog", submit, parent)
        self.effects = named(QListWidget(), "side_effect_list")
        self.effects.setAccessibleName("Side effect")
        for name in SIDE_EFFECTS:
            self.effects.addItem(QListWidgetItem(name))
        self.effects.setCurrentRow(-1)  # nothing chosen until the clinician taps one
        self.effects.clearSelection()
        self.body.addWidget(self.effects)
        buttons = []
        for severity in SEVERITIES[1:]:
            answer = _answer_button(severity.capitalize(), f"side_effect_{severity}",
                                    f"Record side effect as {severity}")
            answer.clicked.connect(lambda _c=False, s=severity: self._save(s))
            buttons.append(answer)
        self.finish(*buttons)

    def _save(self, severity: str) -> None:
        chosen = self.effects.selectedItems()  # not currentItem: focus alone sets that
        if not chosen:
            self.error_label.setText("Tap the side effect first, then its severity.")
            self.error_label.show()
            return
        self.submit({"name": chosen[0].text(), "severity": severity})


class MedicineDialog(EntryDialog):
    """As-needed medicine given, or the dose itself (with lot and mg/kg)."""

    def __init__(self, submit: Submit, *, dose: bool = False, drug: str = "",
                 route: str = "", weight_kg: float | None = None, device: int | None = None,
                 parent: QWidget | None = None) -> None:
        title = "Record the dose" if dose else "Medication given"
        super().__init__(title, "dose_dialog" if dose else "medication_dialog", submit, parent)
        self._weight = weight_kg
        self._dose = dose
        self._device = device
        form = QFormLayout()
        self.drug = named(QComboBox(editable=True), "medicine_drug")
        self.drug.setAccessibleName("Medicine")
        self.drug.addItems([drug] if dose else list(PRN_MEDICINES))
        if not dose:  # the dose is the protocol's drug; an as-needed medicine is chosen
            self.drug.setCurrentIndex(-1)
            self.drug.setPlaceholderText("Choose or type the medicine")
        self.mg = named(QDoubleSpinBox(minimum=0, maximum=2000,
                                 decimals=1, suffix=" mg"), "medicine_mg")
        self.mg.setAccessibleName("Amount in mg")
        self.route = named(QComboBox(editable=True), "medicine_route")
        self.route.setAccessibleName("Route")
        self.route.addItems(list(ROUTES))
        if dose and route:
            self.route.setCurrentText(route)  # the protocol's route
        else:
            self.route.setCurrentIndex(-1)
            self.route.setPlaceholderText("Choose or type the route")
        self.per_kg = named(QLabel(), "dose_per_kg")
        self.lot = named(QLineEdit(), "dose_lot")
        self.lot.setAccessibleName("Lot number")
        form.addRow("Medicine", self.drug)
        form.addRow("Amount", self.mg)
        form.addRow("Route", self.route)
        if dose:
            form.addRow("mg/kg", self.per_kg)
            form.addRow("Lot", self.lot)
            if device is not None:
                form.addRow("Device", QLabel(f"{device}"))
        self.mg.valueChanged.connect(self._on_mg_changed)
        self._on_mg_changed(0)
        self.body.addLayout(form)
        save = button("Save", "save_medicine", "Save medicine", min_height=TALL)
        save.setDefault(True)
        save.clicked.connect(self._on_save_clicked)
        self.finish(save)

    def _on_mg_changed(self, value: float) -> None:
        per = mg_per_kg(value, self._weight)
        self.per_kg.setText(f"{per:g} mg/kg (weight {self._weight:g} kg)" if per is not None
                            else "no weight recorded for this patient")

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {"drug": self.drug.currentText(), "dose_mg": self.mg.value(),
                               "route": self.route.currentText()}
        if self._dose:
            out["lot"] = self.lot.text()
            if self._device is not None:
                out["device"] = self._device
        return out

    def _on_save_clicked(self) -> None:
        self.submit(self.values())


class ChecklistDialog(EntryDialog):
    """Screening before the dose, or the discharge check."""

    def __init__(self, title: str, name: str, items: Sequence[str], submit: Submit,
                 intro: str = "", parent: QWidget | None = None,
                 ready_default: datetime | None = None) -> None:
        super().__init__(title, name, submit, parent)
        self.ready_edit: QDateTimeEdit | None = None
        if intro:
            label = named(QLabel(intro), "checklist_intro")
            label.setWordWrap(True)
            self.body.addWidget(label)
        self.list = named(QListWidget(), f"{name}_items")
        self.list.setAccessibleName(title)
        for text in items:
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        prepare_list(self.list)
        self.comment = named(QLineEdit(), f"{name}_comment")
        self.comment.setAccessibleName("Comment")
        self.comment.setPlaceholderText("Comment (optional)")
        self.body.addWidget(self.list)
        self.body.addWidget(self.comment)
        if ready_default is not None:
            self.ready_edit = named(QDateTimeEdit(
                QDateTime.fromSecsSinceEpoch(int(ready_default.timestamp()))), "ready_to_leave")
            self.ready_edit.setDisplayFormat("HH:mm")
            self.ready_edit.setAccessibleName("Ready to leave at")
            row = QFormLayout()
            row.addRow("Ready to leave at (had there been no minimum time)", self.ready_edit)
            self.body.addLayout(row)
        save = button("Save checklist", f"save_{name}", "Save checklist", min_height=TALL)
        save.clicked.connect(self._on_save_clicked)
        self.finish(save)

    def check_all(self) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked)

    def values(self) -> dict[str, Any]:
        items = {self.list.item(i).text():
                 self.list.item(i).checkState() == Qt.CheckState.Checked
                 for i in range(self.list.count())}
        out: dict[str, Any] = {"items": items, "comment": self.comment.text().strip()}
        if self.ready_edit is not None:
            out["ready_at"] = datetime.fromtimestamp(
                self.ready_edit.dateTime().toSecsSinceEpoch(), UTC).isoformat()
        return out

    def _on_save_clicked(self) -> None:
        self.submit(self.values())
