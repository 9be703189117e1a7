"""Opening the history window from the main window, for clinicians only.

The launcher checks the signed-in user's role each time (staff and admins are refused in
words, and see nothing), keeps one window, and closes it when the screen locks or someone
who may not see records signs in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from kapdesk.core.accounts import User
from kapdesk.core.permissions import Action, PermissionDenied, require

if TYPE_CHECKING:
    from kapdesk.ui.history.window import HistoryWindow


class HistoryLauncher(QObject):
    """`build` makes a new history window (the wiring's: controller, stores, dialog opener);
    `user` is whoever is signed in now; `report` shows a refusal in words."""

    def __init__(self, build: Callable[[], HistoryWindow], user: Callable[[], User],
                 report: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._user = user
        self._report = report
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
        window = self._build()
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closed: nothing kept
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
