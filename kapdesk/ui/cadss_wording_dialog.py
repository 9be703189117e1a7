"""The clinic's wording of the CADSS short-form items: an admin's setting.

The copyrighted item text does not ship; the clinic that holds it types it here once, and
the dissociation form shows it from then on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.errors import KapdeskError
from kapdesk.core.observations import CADSS6_ITEMS, cadss_wording, check_cadss_wording
from kapdesk.services.settings_ops import CADSS_WORDING
from kapdesk.ui.naming import dialog_buttons

SETTING = CADSS_WORDING  # a clinic setting: an admin changes it


class CadssWordingDialog(QDialog):
    """Six lines, one per item; saved only when every item has its words."""

    def __init__(self, current: object, save: Callable[[dict[str, str]], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cadss_wording_dialog")
        self.setWindowTitle("CADSS item wording")
        self._save = save
        layout = QVBoxLayout(self)
        intro = QLabel("Enter the wording of the six CADSS short-form items as your clinic "
                       "holds it (KAPdesk does not ship the copyrighted text). The "
                       "dissociation form shows it beside each score.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        known: Mapping[Any, str] = current if isinstance(current, Mapping) else {}
        now = cadss_wording(current) or {}
        self.edits: dict[int, QLineEdit] = {}
        for number in CADSS6_ITEMS:
            edit = QLineEdit()
            edit.setObjectName(f"cadss_wording_{number}")
            edit.setAccessibleName(f"Wording of CADSS item {number}")
            edit.setText(now.get(number) or str(known.get(str(number), "") or ""))
            form.addRow(f"Item {number}", edit)
            self.edits[number] = edit
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setObjectName("cadss_wording_error")
        self.error_label.setWordWrap(True)
        self.error_label.setProperty("role", "alert")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons, _save = dialog_buttons(QDialogButtonBox.StandardButton.Save,
                                        "save_cadss_wording", self._on_save_clicked, self.reject)
        layout.addWidget(buttons)

    def _on_save_clicked(self) -> None:
        try:
            wording = check_cadss_wording({n: e.text() for n, e in self.edits.items()})
            self._save(wording)
        except KapdeskError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.accept()


def edit_cadss_wording(get: Callable[[str], Any], save: Callable[[dict[str, str]], object],
                       opener: Callable[[QDialog], None],
                       parent: QWidget | None = None) -> None:
    """Open the dialog; `save` is the operation (kapdesk.services.settings_ops: an admin's,
    audited), whose refusal the dialog shows in words."""
    opener(CadssWordingDialog(get(SETTING), save, parent))
