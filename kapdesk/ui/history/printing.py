"""Print… from the history window: what to print (the session note, or for an esketamine
session the REMS form; the course summary from the course view), then Qt's print dialog,
then the very drawing of the PDF on the chosen printer (kapdesk.services.printing)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QInputDialog, QWidget

from kapdesk.ui.history.controller import PRINT_WORDS, HistoryController

Opener = Callable[[QDialog], None]


class PrintFlow(QObject):
    def __init__(self, controller: HistoryController, opener: Opener,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.controller = controller
        self._open = opener
        self._parent = parent

    def _printer(self, title: str) -> QPrinter | None:
        """Qt's print dialog; the printer as the user set it up, or None."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self._parent)
        dialog.setObjectName("print_dialog")
        dialog.setAccessibleName("Print")
        dialog.setWindowTitle(title)
        self._open(dialog)
        if dialog.result() != QDialog.DialogCode.Accepted:
            return None
        return printer

    def _which(self, session_id: int, esketamine: bool) -> str | None:
        if not esketamine:
            return "note"
        words = [PRINT_WORDS["note"].capitalize(), PRINT_WORDS["rems"]]
        ask = QInputDialog(self._parent)
        ask.setObjectName("print_what_dialog")
        ask.setAccessibleName("What to print")
        ask.setWindowTitle(f"Print session {session_id}")
        ask.setLabelText("What to print:")
        ask.setComboBoxItems(words)
        ask.setComboBoxEditable(False)
        self._open(ask)
        if ask.result() != QDialog.DialogCode.Accepted:
            return None
        return "rems" if ask.textValue() == words[1] else "note"

    def session(self, session_id: int) -> int | None:
        """Ask what and where, then print one session's note or REMS form; its pages."""
        report = self.controller.session_report(session_id)
        if report is None:
            return None
        what = self._which(session_id, report.protocol.drug == "esketamine")
        if what is None:
            return None
        printer = self._printer(f"Print session {session_id}: {PRINT_WORDS[what]}")
        if printer is None:
            return None
        return self.controller.print_session(session_id, what, printer)

    def course(self) -> int | None:
        course = self.controller.course
        if course is None:
            return None
        printer = self._printer(f"Print the course summary of {course.patient.code}")
        if printer is None:
            return None
        return self.controller.print_course(printer)
