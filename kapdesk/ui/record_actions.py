"""Wires the room's entry buttons and dialogs to the record controller."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from kapdesk.core.checklists import DISCHARGE_ITEMS, SCREENING_ITEMS
from kapdesk.core.observations import Kind, cadss_wording
from kapdesk.core.session import State
from kapdesk.ui.record_controller import RecordController

Opener = Callable[[QDialog], None]


def run_modal(dialog: QDialog) -> None:
    dialog.exec()


class RecordActions(QObject):
    """One place that opens entry dialogs, through the opener it is handed (the Prompts
    the wiring gives the window: the tests answer there, never by replacing this)."""

    def __init__(self, records: RecordController, window: QWidget,
                 settings_get: Callable[[str], Any], opener: Opener = run_modal) -> None:
        super().__init__(window)
        self.records = records
        self.window = window
        self._setting = settings_get
        self.open_dialog: Opener = opener
        self.actions: dict[str, QAction] = {}
        for key, shortcut in (("vitals", "V"), ("moaas", "M"), ("dissociation", "I"),
                              ("side_effect", "E"), ("medication", "G")):
            action = QAction(key, window)
            action.setObjectName(f"record_{key}_action")
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _c=False, k=key: self.open(k))
            window.addAction(action)
            self.actions[key] = action

    def _submit(self, kind: Kind) -> Callable[[Mapping[str, Any]], str | None]:
        errors: list[str] = []

        def submit(values: Mapping[str, Any]) -> str | None:
            errors.clear()
            self.records.failed.connect(errors.append)
            try:
                saved = self.records.record(kind, values)
            finally:
                self.records.failed.disconnect(errors.append)
            return None if saved is not None else (errors[0] if errors else "Not saved.")
        return submit

    def open(self, key: str) -> None:
        # Dialog modules load on first use: they are not needed to show the room.
        from kapdesk.ui.entry_dialogs import (
            ChecklistDialog,
            DissociationDialog,
            MedicineDialog,
            SideEffectDialog,
            VitalsDialog,
            moaas_dialog,
        )

        session = self.records.room.session
        if session is None or session.state in (State.CLOSED, State.CANCELLED):
            return
        dialog: QDialog
        if key == "vitals":
            dialog = VitalsDialog(self._submit(Kind.VITALS), self.window)
        elif key == "moaas":
            dialog = moaas_dialog(self._submit(Kind.MOAAS), self.window)
        elif key == "dissociation":
            items = cadss_wording(self._setting("cadss_item_text"))
            dialog = DissociationDialog(self._submit(Kind.DISSOCIATION),
                                        self._submit(Kind.CADSS6), items, self.window)
        elif key == "side_effect":
            dialog = SideEffectDialog(self._submit(Kind.SIDE_EFFECT), self.window)
        elif key == "medication":
            dialog = MedicineDialog(self._submit(Kind.MEDICATION), parent=self.window)
        elif key == "dose":
            protocol = session.protocol
            devices = [o for o in self.records.records.current(session.id, Kind.DOSE)]
            device = len(devices) + 1 if protocol.drug == "esketamine" else None
            dialog = MedicineDialog(self._submit(Kind.DOSE), dose=True,
                                    drug=protocol.drug.capitalize(), route=protocol.route,
                                    weight_kg=self.records.weight_kg(), device=device,
                                    parent=self.window)
        elif key == "screening":
            from kapdesk.core import rems  # the REMS form's code loads when a form is asked

            dialog = ChecklistDialog(
                "Screening before the dose", "screening",
                self._with_rems(self._setting("screening_items") or SCREENING_ITEMS,
                                rems.SCREENING_ITEMS),
                self._submit(Kind.SCREENING), parent=self.window)
        else:
            return
        self.open_dialog(dialog)

    def discharge_dialog(self, on_saved: Callable[[], None]) -> QDialog:
        from kapdesk.core import rems
        from kapdesk.ui.entry_dialogs import ChecklistDialog

        snap = self.records.room.current
        minutes = (snap.elapsed_s / 60) if snap else 0
        intro = f"Monitored for {minutes:.0f} min since the dose."
        record = self._submit(Kind.DISCHARGE)

        def submit(values: Mapping[str, Any]) -> str | None:
            error = record(values)
            if error is None:
                on_saved()
            return error
        return ChecklistDialog("Discharge check", "discharge",
                               self._with_rems(self._setting("discharge_items")
                                               or DISCHARGE_ITEMS, rems.DISCHARGE_ITEMS),
                               submit, intro, self.window,
                               ready_default=self.records.room.now())

    def _with_rems(self, items: Sequence[str], extra: Sequence[str]) -> tuple[str, ...]:
        """An esketamine session's checklists also ask the REMS form's questions."""
        from kapdesk.core.rems import REMS_PROTOCOL

        session = self.records.room.session
        if session is None or session.protocol.id != REMS_PROTOCOL:
            return tuple(items)
        return (*items, *(e for e in extra if e not in items))
