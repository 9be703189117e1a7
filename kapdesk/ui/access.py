"""Who is signed in, and the lock: the user menu, Ctrl+L, the idle timer, unlocking.

Locking hides every patient identifier and note but stops nothing: the session's
timers, cues and music go on, and cues can be acknowledged on the lock screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QToolButton, QWidget

from kapdesk.core.accounts import User
from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import Action, allowed
from kapdesk.services.account_ops import AccountOps
from kapdesk.ui.room_controller import RoomController

ACCOUNTS_KEYS = "Ctrl+Shift+U"  # users; Ctrl+Shift+A is "deselect" in a text field
SWITCH_USER_KEYS = "Ctrl+Shift+L"  # beside Ctrl+L, which locks
NAME_CHARS = 24  # of the signed-in user's name on the toolbar (the whole in its tooltip)
IDLE_EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.Wheel,
               QEvent.Type.MouseMove, QEvent.Type.TouchBegin)


class AccessControl(QObject):
    locked_changed = Signal(bool)
    user_changed = Signal(object)

    def __init__(self, window: QWidget, accounts: AccountOps, room: RoomController,
                 lock_minutes: float, opener: Callable[[], Callable[[QDialog], None]],
                 ask_text: Callable[[], Callable[[str, str], str | None]],
                 report: Callable[[str], None]) -> None:
        super().__init__(window)
        self.window = window
        self.accounts = accounts
        self.room = room
        self._open = opener
        self._ask = ask_text
        self._report = report
        self.locked = False
        self.lock_action = QAction("Lock now", window)
        self.lock_action.setObjectName("lock_screen")
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.lock_action.triggered.connect(self.lock)
        window.addAction(self.lock_action)
        self.menu = QMenu(window)
        self.menu.addAction(self.lock_action)
        self.pin_action = self.menu.addAction("Set my PIN for unlocking…", self.set_pin)
        self.accounts_action = self._shortcut("Accounts…", "manage_accounts",
                                              ACCOUNTS_KEYS, self.manage_accounts)
        self.switch_action = self._shortcut("Sign in as someone else…", "switch_user",
                                            SWITCH_USER_KEYS, self.switch_user)
        self.button = QToolButton()
        self.button.setObjectName("user_menu")
        self.button.setAccessibleName("Signed-in user")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(self.menu)
        self.idle = QTimer(self)
        self.idle.setObjectName("idle lock")
        self.idle.setSingleShot(True)
        self.set_lock_minutes(lock_minutes)
        self.idle.timeout.connect(self.lock)
        self._watching = False
        self._show_user()

    def _shortcut(self, text: str, name: str, keys: str,
                  slot: Callable[[], object]) -> QAction:
        """A menu entry with a window-wide shortcut (Ctrl+Shift: it never types)."""
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{text.rstrip('…')} ({keys})")
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        self.menu.addAction(action)
        return action

    def watch(self) -> None:
        """From now on any touch of the laptop postpones the lock: every event of the app
        passes here. The window calls it once its first frame is painted (nobody can touch
        it before, and the events of building and painting it need not pass here)."""
        app = QApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
            self._watching = True

    def stop(self) -> None:
        """The window is closing: no idle lock any more, no watching the app's events."""
        self.idle.stop()
        app = QApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
            self._watching = False

    def set_lock_minutes(self, minutes: float) -> None:
        self.idle.setInterval(max(1, int(minutes * 60_000)))
        self.idle.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in IDLE_EVENTS and not self.locked:
            self.idle.start()  # any touch of the laptop postpones the lock
        return False

    def _show_user(self) -> None:
        user = self.room.user
        name = user.display_name  # a long name never pushes the toolbar's steps away
        short = name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1].rstrip() + "…"
        self.button.setText(f"{short}  ({user.role})")
        self.button.setToolTip(f"Signed in as {name} ({user.role})")
        self.accounts_action.setVisible(allowed(user.role, Action.MANAGE_ACCOUNTS))

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        self.idle.stop()
        self.locked_changed.emit(True)

    def unlock(self, secret: str) -> str | None:
        """None when unlocked; else the reason, in words."""
        try:
            self.accounts.unlock(self.room.user_id, secret)
        except KapdeskError as exc:
            return str(exc)
        self.locked = False
        self.idle.start()
        self.locked_changed.emit(False)
        return None

    def switch_user(self) -> bool:
        from kapdesk.ui.auth_dialogs import LoginDialog

        dialog = LoginDialog(self.accounts, self.window)
        self._open()(dialog)
        if dialog.user is None:
            return False
        self.room.set_user(dialog.user)
        self._show_user()
        self.user_changed.emit(dialog.user)
        if self.locked:
            self.locked = False
            self.idle.start()
            self.locked_changed.emit(False)
        return True

    def set_pin(self) -> None:
        pin = self._ask()("Set a PIN", "A PIN of 4 to 8 digits, for unlocking today after "
                                       "your full sign-in:")
        if pin is None:
            return
        try:
            self.accounts.set_pin(self.room.user, pin.strip())
        except KapdeskError as exc:
            self._report(str(exc))
            return
        self._report("PIN set: it unlocks the screen today, after your full sign-in.")

    def manage_accounts(self) -> None:
        from kapdesk.ui.accounts_dialog import AccountsDialog

        dialog = AccountsDialog(self.accounts, self.room.user, self._open(), self._ask(),
                                self._report, self.window)
        self._open()(dialog)

    def current(self) -> User:
        return self.room.user
