"""The database's start-up integrity_check, run in a thread once the window is up.

integrity_check rather than quick_check: it also compares each index with its table, which
is where a stray -wal from another database shows (issue 9).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kapdesk.services.checks import integrity_check


class DatabaseCheck(QObject):
    finished_check = Signal(str)  # "ok", or what is wrong

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self.worker = threading.Thread(target=self._run, name="integrity_check", daemon=True)
        self.result: str | None = None  # set once the check has run

    def start(self) -> None:
        self.worker.start()

    def _run(self) -> None:
        self.result = integrity_check(self._path)
        self.finished_check.emit(self.result)  # queued to the GUI thread
