"""Exports from the history window: choose the format, choose where, export, say where.

Where a regular file already has the chosen name, the user is asked whether to replace it
(no by default); anything else there (a folder, a link, a device) is refused in words.

The file goes exactly where the user chose, through kapdesk.services.exports (which
audits it); the result, or the reason it was not written, is said in words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from kapdesk.core.errors import KapdeskError
from kapdesk.core.history import RemsDue
from kapdesk.services.exports import SUFFIX, ExportRequest, what_is_there
from kapdesk.ui.history.controller import FORMAT_WORDS, HistoryController
from kapdesk.ui.history.dialogs import ExportDialog, replace_dialog, save_dialog

Opener = Callable[[QDialog], None]


class Exporter(QObject):
    def __init__(self, controller: HistoryController, opener: Opener, folder: Path,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.controller = controller
        self._open = opener
        self.folder = folder
        self._parent = parent

    def _name(self, code: str, session_id: int, fmt: str) -> str:
        tail = "rems" if fmt == "rems" else ("fhir" if fmt == "fhir" else "note")
        return f"{code}-session-{session_id}-{tail}{SUFFIX[fmt]}"

    def _where(self, title: str, suggested: Path, fmt: str) -> Path | None:
        dialog = save_dialog(self._parent, title, suggested, fmt)
        self._open(dialog)
        chosen = dialog.selectedFiles() if dialog.result() == QDialog.DialogCode.Accepted \
            else []
        if not chosen or not chosen[0]:
            return None
        return Path(chosen[0]).expanduser()

    def replace_ok(self, out: Path) -> bool | None:
        """Whether the export may replace `out`: False when nothing regular is there (the
        export refuses anything else), True when the user confirms, None when they keep it."""
        try:
            there = what_is_there(out)
        except KapdeskError:
            return False  # the export says why it cannot write there
        if there != "a file":
            return False
        box = replace_dialog(self._parent, out)
        self._open(box)
        clicked = box.clickedButton()
        return True if clicked is not None and clicked.objectName() == "export_replace" \
            else None

    def session(self, session_id: int, fmt: str | None = None) -> Path | None:
        """Ask how and where, then export one session. The path written, or None."""
        report = self.controller.session_report(session_id)
        if report is None:
            return None
        esketamine = report.protocol.drug == "esketamine"
        words = (f"Session {session_id} · patient {report.patient.code} · "
                 f"{report.protocol.name}" + ("" if report.signed else " · not signed: "
                                              "the PDF is stamped DRAFT"))
        choice = ExportDialog(words, esketamine, self._parent)
        if fmt is not None:
            choice.choose(fmt)
        self._open(choice)
        if choice.result() != QDialog.DialogCode.Accepted:
            return None
        if choice.fmt == "rems" and not esketamine:
            self.controller.failed.emit("Not exported: the REMS form is for esketamine "
                                        "sessions only.")
            return None
        suggested = self.folder / self._name(report.patient.code, session_id, choice.fmt)
        out = self._where(f"Export session {session_id}: {FORMAT_WORDS[choice.fmt]}",
                          suggested, choice.fmt)
        force = None if out is None else self.replace_ok(out)
        if out is None or force is None:
            return None
        done = self.controller.export(session_id, ExportRequest(
            choice.fmt, out, choice.deidentified, choice.page_size, force))
        if done is not None:
            self.folder = done.parent
        return done

    def rems(self, due: RemsDue) -> Path | None:
        """The REMS monitoring form of one session: where to save it, then written."""
        suggested = self.folder / self._name(due.patient_code, due.session_id, "rems")
        out = self._where(f"Export the REMS form of session {due.session_id}", suggested,
                          "rems")
        force = None if out is None else self.replace_ok(out)
        if out is None or force is None:
            return None
        done = self.controller.export(due.session_id, ExportRequest("rems", out,
                                                                    overwrite=force))
        if done is not None:
            self.folder = done.parent
        return done
