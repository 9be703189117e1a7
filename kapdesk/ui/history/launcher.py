"""Opening the history window from the main window, for clinicians only.

The launcher checks the signed-in user's role each time (staff and admins are refused in
words, and see nothing), keeps one window, and closes it when the screen locks or someone
who may not see records signs in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QWidget

from kapdesk.core.clock import Clock
from kapdesk.core.outcomes import SPECS, wording_from_setting
from kapdesk.core.permissions import Action, PermissionDenied, require
from kapdesk.store.connection import Database
from kapdesk.store.users import User

if TYPE_CHECKING:
    from kapdesk.ui.history.window import HistoryWindow

Opener = Callable[[QDialog], None]


class HistoryLauncher(QObject):
    def __init__(self, db: Database, clock: Clock, user: Callable[[], User],
                 settings_get: Callable[[str], Any], sign: Callable[[int], bool] | None,
                 opener: Callable[[], Opener], report: Callable[[str], None],
                 parent: QWidget, export_dir: Path | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock
        self._user = user
        self._setting = settings_get
        self._sign = sign
        self._opener = opener
        self._report = report
        self._export_dir = export_dir
        self.window: HistoryWindow | None = None

    def open(self) -> HistoryWindow | None:
        """Show the history (raised if already open); None, with the reason said, when the
        signed-in user may not see patient records."""
        try:
            require(self._user().role, Action.VIEW_RECORD)
        except PermissionDenied as exc:
            self.close()
            self._report(f"{exc} The history shows patient records: ask a clinician.")
            return None
        if self.window is not None:  # already open: bring it back to the front
            self.window.setWindowState(self.window.windowState()
                                       & ~Qt.WindowState.WindowMinimized)
            self.window.show()
            self.window.raise_()
            self.window.activateWindow()
            return self.window
        # The window's modules load when it is first opened: not needed to show the room.
        from kapdesk.ui.history.controller import HistoryController
        from kapdesk.ui.history.window import HistoryWindow

        controller = HistoryController(self._db, self._clock, self._user,
                                       lambda: str(self._setting("clinic_name")))
        setting = self._setting("outcome_item_text")
        wording = {i: wording_from_setting(setting, i) for i in SPECS}
        window = HistoryWindow(controller, sign=self._sign, export_dir=self._export_dir,
                               wording=wording)
        controller.setParent(window)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closed: nothing kept
        window.open_dialog = lambda dialog: self._opener()(dialog)
        window.destroyed.connect(self._on_window_destroyed)
        self.window = window
        window.show()  # a new window comes up in front
        return window

    def close(self) -> None:
        if self.window is not None:
            window, self.window = self.window, None
            window.close()
            window.deleteLater()

    def on_locked(self, locked: bool) -> None:
        """The screen locked: no patient record stays on it."""
        if locked:
            self.close()

    def on_user_changed(self, user: User) -> None:
        try:
            require(user.role, Action.VIEW_RECORD)
        except PermissionDenied:
            self.close()

    def _on_window_destroyed(self, _obj: object = None) -> None:
        self.window = None
