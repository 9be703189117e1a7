"""The window's pages: the room, built with the window (the first frame shows it), and the
lock screen, built the first time the room is locked (the first frame never shows it);
and the switch between them when the room locks and unlocks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QToolBar, QWidget

from kapdesk.core.room import RoomSnapshot
from kapdesk.ui.access import AccessControl
from kapdesk.ui.keyboard import KeyboardHome
from kapdesk.ui.room_controller import RoomController
from kapdesk.ui.room_view import RoomView
from kapdesk.ui.theme import DARK, Theme
from kapdesk.ui.widgets.cue_banner import CueBanner

if TYPE_CHECKING:
    from kapdesk.ui.lock_view import LockView


class RoomPages(QStackedWidget):
    lock_built = Signal(object)  # the LockView, once it is built

    def __init__(self, save_note: Callable[[str], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pages")
        # Each widget is made inside the window: under the app's stylesheet, moving a built
        # tree into another parent re-polishes every widget in it.
        self.view = RoomView(save_note, self)
        self.addWidget(self.view)
        self._lock: LockView | None = None
        self._theme = DARK

    @property
    def lock_view(self) -> LockView:
        """The lock screen, built the first time it is wanted."""
        if self._lock is None:
            from kapdesk.ui.lock_view import LockView

            self._lock = LockView(self)
            self._lock.set_theme(self._theme)
            self.addWidget(self._lock)
            self.lock_built.emit(self._lock)
        return self._lock

    def banner(self, locked: bool) -> CueBanner:
        """The cue banner on screen: the lock screen's while locked, else the room's."""
        return self.lock_view.banner if locked else self.view.banner

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.view.set_theme(theme)
        if self._lock is not None:
            self._lock.set_theme(theme)

    def show_lock(self, who: str, snap: RoomSnapshot | None) -> None:
        lock = self.lock_view
        lock.lock(who)
        lock.show_snapshot(snap)
        self.setCurrentWidget(lock)
        lock.secret_edit.setFocus()

    def show_room(self) -> None:
        self.setCurrentWidget(self.view)


class LockSwitch(QObject):
    """The room locks: the lock screen shows; the toolbar, the status bar (its last message
    may name a reading) and every action but the cue's are hidden or off. It unlocks: the
    room again, its keys back, its actions as the session allows (`refresh`)."""

    def __init__(self, window: QMainWindow, pages: RoomPages, access: AccessControl,
                 room: RoomController, keys: KeyboardHome, toolbar: QToolBar,
                 clear_status: Callable[[], None], cue_actions: Sequence[QAction],
                 refresh: Callable[[], None], flush_note: Callable[[], None]) -> None:
        super().__init__(window)
        self.setObjectName("lock switch")
        self._window, self._pages, self._access, self._room = window, pages, access, room
        self._keys, self._toolbar, self._clear_status = keys, toolbar, clear_status
        self._cue_actions, self._refresh, self._flush_note = cue_actions, refresh, flush_note
        pages.lock_built.connect(self._on_pages_lock_built)
        access.locked_changed.connect(self._on_access_locked_changed)

    def _on_pages_lock_built(self, lock: LockView) -> None:
        lock.unlock_requested.connect(self._on_lock_view_unlock_requested)
        lock.switch_user_requested.connect(self._access.switch_user)
        lock.banner.acknowledged.connect(self._room.acknowledge)
        lock.banner.snoozed.connect(self._room.snooze)
        self._keys.watch_lock(lock.secret_edit, lock.banner)

    def _on_access_locked_changed(self, locked: bool) -> None:
        if locked:
            self._flush_note()
            self._pages.show_lock(self._room.user.display_name, self._room.current)
            self._clear_status()
        else:
            self._pages.show_room()
            self._keys.give_back()
        self._toolbar.setVisible(not locked)
        self._window.statusBar().setVisible(not locked)
        for act in self._window.actions():
            if act not in self._cue_actions:
                act.setEnabled(not locked)
        if not locked:
            self._refresh()

    def _on_lock_view_unlock_requested(self, secret: str) -> None:
        error = self._access.unlock(secret)
        if error:
            self._pages.lock_view.show_error(error)
