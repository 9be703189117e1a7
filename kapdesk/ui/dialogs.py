"""Dialogs: plan a session, correct the dose time or an entry, an integration session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from kapdesk.core.observations import VITAL_RANGES, Kind, Observation, describe
from kapdesk.core.protocol import Protocol
from kapdesk.services.reads import PatientReads
from kapdesk.services.session_ops import PlanRequest
from kapdesk.ui.dialog_fit import ErrorLabel, FittedDialog
from kapdesk.ui.naming import dialog_buttons, named
from kapdesk.ui.widgets.bounded_text import BoundedText, limit_line


def _time_edit(instant: datetime, name: str, accessible: str,
               shape: str = "yyyy-MM-dd HH:mm:ss") -> QDateTimeEdit:
    """An editor of a UTC instant, shown in local time."""
    edit = named(QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(instant.timestamp()))), name)
    edit.setDisplayFormat(shape)
    edit.setAccessibleName(accessible)
    return edit


def _instant(edit: QDateTimeEdit) -> datetime:
    """The UTC instant an editor from _time_edit holds."""
    return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), UTC)



class PlanSessionDialog(FittedDialog):
    """Patient (found by code or name, or new), protocol, course; spacing rules shown live.
    A refusal of the plan shows inside it, in words."""

    NEW_COURSE = -1

    def __init__(self, protocols: list[Protocol], default_id: str, patients: PatientReads,
                 spacing: Callable[[str, Protocol], list[str]],
                 parent: QWidget | None = None) -> None:
        super().__init__("plan_error", parent)
        self.setWindowTitle("Plan a session")
        self.setObjectName("plan_session_dialog")
        self._patients = patients
        self._spacing = spacing
        self.code_edit = named(QLineEdit(), "patient_code")
        self.code_edit.setAccessibleName("Patient code")
        self.code_edit.setPlaceholderText("pseudonymous code, e.g. K-014, or type a name")
        known = patients.find("", limit=5000)
        completer = QCompleter([p.code for p in known] + [f"{p.name} ({p.code})"
                                                           for p in known if p.name], self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._on_completer_activated)
        self.code_edit.setCompleter(completer)
        self.name_edit = named(QLineEdit(), "patient_name")
        self.name_edit.setAccessibleName("Patient name (optional)")
        self.weight_edit = named(QDoubleSpinBox(minimum=0, maximum=400,
                                          decimals=1, suffix=" kg"), "patient_weight")
        self.weight_edit.setSpecialValueText("not recorded")
        self.weight_edit.setAccessibleName("Weight in kg")
        self.allergies_edit = named(QLineEdit(), "patient_allergies")
        self.allergies_edit.setAccessibleName("Allergies")
        # the REMS form asks for both; either may stay empty (not recorded)
        self.birth_edit = named(QLineEdit(), "patient_birth_date")
        self.birth_edit.setAccessibleName("Date of birth (optional)")
        self.birth_edit.setPlaceholderText("YYYY-MM-DD (optional)")
        self.sex_box = named(QComboBox(), "patient_sex")
        self.sex_box.setAccessibleName("Sex (optional)")
        for label, value in (("not recorded", None), ("female", "female"), ("male", "male"),
                             ("other", "other")):
            self.sex_box.addItem(label, value)
        self.protocol_box = named(QComboBox(), "protocol_choice")
        self.protocol_box.setAccessibleName("Protocol")
        for p in protocols:
            self.protocol_box.addItem(p.name, p.id)
        self.protocol_box.setCurrentIndex(max(0, self.protocol_box.findData(default_id)))
        self.protocols = {p.id: p for p in protocols}
        self.course_box = named(QComboBox(), "course_choice")
        self.course_box.setAccessibleName("Course of treatment")
        self.spacing_label = named(QLabel(), "spacing_warnings")
        self.spacing_label.setWordWrap(True)
        self.spacing_label.setProperty("role", "alert")
        self.reason_edit = named(QLineEdit(), "spacing_reason")
        self.reason_edit.setAccessibleName("Reason to go ahead despite the spacing rules")
        self.reason_edit.setPlaceholderText("Reason to go ahead (required)")
        buttons, self.ok_button = dialog_buttons(QDialogButtonBox.StandardButton.Ok,
                                                 "confirm_plan", self.accept, self.reject)
        form = QFormLayout(self)
        form.addRow("Patient code", self.code_edit)
        form.addRow("Name", self.name_edit)
        form.addRow("Weight", self.weight_edit)
        form.addRow("Allergies", self.allergies_edit)
        form.addRow("Date of birth", self.birth_edit)
        form.addRow("Sex", self.sex_box)
        form.addRow("Protocol", self.protocol_box)
        form.addRow("Course", self.course_box)
        form.addRow(self.spacing_label)
        form.addRow(self.reason_edit)
        form.addRow(self.error_label)
        form.addRow(buttons)
        self._warnings: list[str] = []
        self.code_edit.textChanged.connect(self._update)
        self.protocol_box.currentIndexChanged.connect(self._update)
        self.reason_edit.textChanged.connect(self._update_ok)
        self._update()

    def _on_completer_activated(self, text: str) -> None:
        if text.endswith(")") and "(" in text:
            self.code_edit.setText(text[text.rindex("(") + 1:-1])

    def _update(self) -> None:
        code = self.patient_code
        patient = self._patients.by_code(code) if code else None
        if patient is not None:
            self.name_edit.setText(patient.name)
            self.weight_edit.setValue(patient.weight_kg or 0)
            self.allergies_edit.setText(patient.allergies)
            self.birth_edit.setText(patient.date_of_birth or "")
            self.sex_box.setCurrentIndex(max(0, self.sex_box.findData(patient.sex)))
        self.course_box.clear()
        self.course_box.addItem("No course", None)
        for course in self._patients.courses(code) if code else []:
            self.course_box.addItem(f"Course from {course.start_date} ({course.protocol_id}, "
                                    f"{course.planned_sessions} planned)", course.id)
        self.course_box.addItem("New course of 6 dosing sessions", self.NEW_COURSE)
        self.course_box.setCurrentIndex(self.course_box.count() - 2 if self.course_box.count()
                                        > 2 else 0)
        self._warnings = self._spacing(code, self.protocol) if code else []
        self.spacing_label.setText("\n".join(self._warnings))
        self.spacing_label.setVisible(bool(self._warnings))
        self.reason_edit.setVisible(bool(self._warnings))
        self._update_ok()

    def _update_ok(self) -> None:
        needs_reason = bool(self._warnings) and not self.reason_edit.text().strip()
        self.ok_button.setEnabled(bool(self.patient_code) and not needs_reason)

    @property
    def patient_code(self) -> str:
        return self.code_edit.text().strip()

    @property
    def protocol(self) -> Protocol:
        return self.protocols[self.protocol_box.currentData()]

    def choice(self) -> PlanRequest:
        details: dict[str, Any] = {"name": self.name_edit.text(),
                                   "allergies": self.allergies_edit.text(),
                                   "date_of_birth": self.birth_edit.text().strip() or None,
                                   "sex": self.sex_box.currentData()}
        if self.weight_edit.value() > 0:
            details["weight_kg"] = self.weight_edit.value()
        course = self.course_box.currentData()
        return PlanRequest(self.patient_code, self.protocol, details,
                          course if course not in (None, self.NEW_COURSE) else None,
                          6 if course == self.NEW_COURSE else None,
                          self.reason_edit.text().strip() or None)


class CorrectDoseDialog(FittedDialog):
    def __init__(self, current: datetime, parent: QWidget | None = None) -> None:
        super().__init__("dose_time_error", parent)
        self.setWindowTitle("Correct the dose time")
        self.setObjectName("correct_dose_dialog")
        self.time_edit = _time_edit(current, "dose_time", "Dose time")
        self.reason_edit = named(QLineEdit(), "correction_reason")
        self.reason_edit.setAccessibleName("Reason for the correction")
        buttons, self.ok_button = dialog_buttons(QDialogButtonBox.StandardButton.Ok,
                                                 "confirm_dose_time", self.accept, self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel("The original time stays in the record."))
        form.addRow("Dose given at (local time)", self.time_edit)
        form.addRow("Reason", self.reason_edit)
        form.addRow(self.error_label)
        form.addRow(buttons)

    @property
    def dose_time(self) -> datetime:
        return _instant(self.time_edit)

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()


class IntegrationDialog(FittedDialog):
    """An integration session (no dose): who, when, what was talked about, the plan."""

    def __init__(self, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__("integration_error", parent)
        self.setWindowTitle("Record an integration session")
        self.setObjectName("integration_dialog")
        self.code_edit = named(QLineEdit(), "integration_patient")
        self.code_edit.setAccessibleName("Patient code")
        self.time_edit = _time_edit(now, "integration_time", "When it took place",
                                    "yyyy-MM-dd HH:mm")
        self.note_edit = BoundedText("The integration note")  # held to the note's bound
        self.note_edit.setObjectName("integration_note")
        self.note_edit.setAccessibleName("Integration notes")
        self.note_count = limit_line(self.note_edit, "integration_note_count")
        self.plan_edit = named(QLineEdit(), "integration_plan")
        self.plan_edit.setAccessibleName("Plan")
        buttons, self.save_button = dialog_buttons(QDialogButtonBox.StandardButton.Save,
                                                   "save_integration", self.accept, self.reject)
        form = QFormLayout(self)
        form.addRow("Patient code", self.code_edit)
        form.addRow("When", self.time_edit)
        form.addRow("Notes", self.note_edit)
        form.addRow(self.note_count)
        form.addRow("Plan", self.plan_edit)
        form.addRow(self.error_label)
        form.addRow(buttons)

    @property
    def when(self) -> datetime:
        return _instant(self.time_edit)


class CorrectEntryDialog(QDialog):
    """Correct an entry's time (and a vitals entry's values), with a reason.

    The original stays in the record; after sign-off the change is an amendment.
    """

    def __init__(self, entry: Observation, signed: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Amend an entry" if signed else "Correct an entry")
        self.setObjectName("correct_entry_dialog")
        self.entry = entry
        form = QFormLayout(self)
        form.addRow(QLabel(describe(entry.kind, entry.values)))
        self.time_edit = _time_edit(entry.observed_at, "entry_time", "Time of the entry")
        form.addRow("Time", self.time_edit)
        self.value_edits: dict[str, QLineEdit] = {}
        if entry.kind is Kind.VITALS:
            for key, spec in VITAL_RANGES.items():
                edit = named(QLineEdit(), f"correct_{key}")
                edit.setAccessibleName(spec.label)
                edit.setValidator(QIntValidator(0, 999, edit))
                if key in entry.values:
                    edit.setText(f"{entry.values[key]:g}")
                form.addRow(spec.label, edit)
                self.value_edits[key] = edit
        self.reason_edit = named(QLineEdit(), "entry_reason")
        self.reason_edit.setAccessibleName("Reason for the change")
        form.addRow("Reason", self.reason_edit)
        self.error_label = ErrorLabel("entry_error")
        form.addRow(self.error_label)
        buttons, self.save_button = dialog_buttons(QDialogButtonBox.StandardButton.Save,
                                                   "save_correction", self.accept, self.reject)
        form.addRow(buttons)

    @property
    def observed_at(self) -> datetime:
        return _instant(self.time_edit)

    def values(self) -> dict[str, float] | None:
        if not self.value_edits:
            return None
        out: dict[str, float] = {}
        for key, edit in self.value_edits.items():
            if edit.text().strip():
                out[key] = float(edit.text())
        return out
