"""What the room window runs in the background once it is on screen: the database's
start-up integrity check, and the backups (after each session closes, and the day's first).

Both run in threads of their own, started after the first frame is painted (app.py adds them
to the window's `after_paint`); what they find is said in words through `report`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, SignalInstance

from kapdesk.core.clock import Clock

if TYPE_CHECKING:  # loaded when first started, after the first frame
    from kapdesk.core.accounts import User
    from kapdesk.services.backup_ops import BackupOps
    from kapdesk.ui.backup_runner import BackupRunner
    from kapdesk.ui.db_check import DatabaseCheck


class BackgroundWork(QObject):
    def __init__(self, clock: Clock, session_closed: SignalInstance,
                 report: Callable[[str], None], status: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("background work")
        self._clock = clock
        self._session_closed = session_closed
        self._report = report
        self._status = status
        self._stop_writes: Callable[[str], None] | None = None
        self.db_check: DatabaseCheck | None = None
        self.backups: BackupRunner | None = None

    def start_backups(self, ops: BackupOps, user: Callable[[], User | None]) -> BackupRunner:
        """A backup after each session closes, and today's first if none yet, as `user`
        (read when each starts)."""
        from kapdesk.ui.backup_runner import BackupRunner

        runner = BackupRunner(ops, user, self)
        runner.failed.connect(self._report)
        runner.finished_backup.connect(
            lambda path: self._status(f"Backup written: {path}") if path else None)
        self._session_closed.connect(lambda sid: runner.start(f"session {sid} closed"))
        runner.start("daily", daily=True)
        self.backups = runner
        return runner

    def check_database_soon(self, path: Path,
                            stop_writes: Callable[[str], None] | None = None) -> DatabaseCheck:
        """PRAGMA integrity_check in a background thread; damage is reported in words and
        `stop_writes` is told why, so that nothing more is written into a damaged file."""
        from kapdesk.ui.db_check import DatabaseCheck

        self._stop_writes = stop_writes
        check = DatabaseCheck(path, self)
        check.finished_check.connect(self._on_db_check_finished)
        check.start()
        self.db_check = check
        return check

    def _on_db_check_finished(self, result: str) -> None:
        if result != "ok":
            reason = (f"the database failed its start-up check ({result}), so KAPdesk "
                      "stopped writing to it, to keep the damage from spreading. Your "
                      "entries so far are on disk; finish the session on paper and ask "
                      "the admin to run 'kapdesk check' and restore the newest backup.")
            if self._stop_writes is not None:
                self._stop_writes(reason)
            self._report(reason[0].upper() + reason[1:])

    def join(self, timeout_s: float) -> None:
        """Let a running check and backup end (each waited for up to `timeout_s`)."""
        for thread in (self.db_check.worker if self.db_check else None,
                       self.backups.worker if self.backups else None):
            if thread is not None:
                thread.join(timeout_s)
