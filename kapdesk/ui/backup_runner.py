"""Backups in the background: after each session closes, and the first start of a day.

The backup runs on a connection of its own in a worker thread (WAL lets it read while the
room goes on writing); on a 10-year database it takes a couple of seconds.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kapdesk.core.clock import Clock
from kapdesk.core.errors import KapdeskError
from kapdesk.store.backup import BackupService
from kapdesk.store.database import open_database

log = logging.getLogger(__name__)


class BackupRunner(QObject):
    finished_backup = Signal(str)  # the file written ("" when none was due)
    failed = Signal(str)

    def __init__(self, database: Path, backups_dir: Path, clock: Clock,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self._dir = backups_dir
        self._clock = clock
        self._lock = threading.Lock()
        self.worker: threading.Thread | None = None

    def start(self, reason: str, daily: bool = False) -> None:
        self.worker = threading.Thread(target=self._run, args=(reason, daily),
                                       name=f"backup ({reason})", daemon=True)
        self.worker.start()

    def _run(self, reason: str, daily: bool) -> None:
        with self._lock:  # one backup at a time
            try:
                db = open_database(self._database, check=False)
                try:
                    service = BackupService(db, self._dir, self._clock)
                    path = service.backup_if_due() if daily else service.backup_now(reason)
                finally:
                    db.close()
            except (KapdeskError, OSError) as exc:
                log.warning("backup failed: %s", type(exc).__name__)
                self.failed.emit(f"The backup failed: {exc}")
                return
        log.info("backup written (%s)", reason)
        self.finished_backup.emit(str(path) if path else "")
