"""Small dialogs: plan a session, give a reason, correct the dose time."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from kapdesk.core.protocol import Protocol


class PlanSessionDialog(QDialog):
    def __init__(self, protocols: list[Protocol], default_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan a session")
        self.setObjectName("plan_session_dialog")
        self.code_edit = QLineEdit(objectName="patient_code")
        self.code_edit.setAccessibleName("Patient code")
        self.code_edit.setPlaceholderText("pseudonymous code, e.g. K-014")
        self.protocol_box = QComboBox(objectName="protocol_choice")
        self.protocol_box.setAccessibleName("Protocol")
        for p in protocols:
            self.protocol_box.addItem(p.name, p.id)
        index = self.protocol_box.findData(default_id)
        self.protocol_box.setCurrentIndex(max(0, index))
        self.protocols = {p.id: p for p in protocols}
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.code_edit.textChanged.connect(lambda t: self.ok_button.setEnabled(bool(t.strip())))
        form = QFormLayout(self)
        form.addRow("Patient code", self.code_edit)
        form.addRow("Protocol", self.protocol_box)
        form.addRow(buttons)

    @property
    def patient_code(self) -> str:
        return self.code_edit.text().strip()

    @property
    def protocol(self) -> Protocol:
        return self.protocols[self.protocol_box.currentData()]


class CorrectDoseDialog(QDialog):
    def __init__(self, current: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Correct the dose time")
        self.setObjectName("correct_dose_dialog")
        self.time_edit = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(current.timestamp())),
                                       objectName="dose_time")
        self.time_edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.time_edit.setAccessibleName("Dose time")
        self.reason_edit = QLineEdit(objectName="correction_reason")
        self.reason_edit.setAccessibleName("Reason for the correction")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel("The original time stays in the record."))
        form.addRow("Dose given at (local time)", self.time_edit)
        form.addRow("Reason", self.reason_edit)
        form.addRow(buttons)

    @property
    def dose_time(self) -> datetime:
        return datetime.fromtimestamp(self.time_edit.dateTime().toSecsSinceEpoch(), UTC)

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()
