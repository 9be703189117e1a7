"""Backups in the background: after each session closes, and the first start of a day.

Each is the operation kapdesk.services.backup_ops.BackupOps.automatic (somebody signed in,
audited with who), run in a worker thread on a connection of its own (WAL lets it read
while the room goes on writing); on a 10-year database it takes a couple of seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kapdesk.core.accounts import User
from kapdesk.core.errors import KapdeskError
from kapdesk.services.backup_ops import BackupOps

log = logging.getLogger(__name__)


class BackupRunner(QObject):
    finished_backup = Signal(str)  # the file written ("" when none was due)
    failed = Signal(str)

    def __init__(self, ops: BackupOps, user: Callable[[], User | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._user = user
        self._lock = threading.Lock()
        self.worker: threading.Thread | None = None

    def start(self, reason: str, daily: bool = False) -> None:
        user = self._user()  # read here, in the window's thread
        self.worker = threading.Thread(target=self._run, args=(user, reason, daily),
                                       name=f"backup ({reason})", daemon=True)
        self.worker.start()

    def _run(self, user: User | None, reason: str, daily: bool) -> None:
        with self._lock:  # one backup at a time
            try:
                path = self._ops.automatic(user, reason, daily).value
            except (KapdeskError, OSError) as exc:
                log.warning("backup failed: %s", type(exc).__name__)
                self.failed.emit(f"The backup failed: {exc}")
                return
        log.info("backup written (%s)", reason)
        self.finished_backup.emit(str(path) if path else "")
