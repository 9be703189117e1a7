"""Accounts, for admins: add, change a role, reset a password, deactivate."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import Action, Role, require
from kapdesk.store.accounts import AccountStore
from kapdesk.store.users import User
from kapdesk.ui.auth_dialogs import NewAccountDialog
from kapdesk.ui.dialog_fit import FittedDialog, prepare_list
from kapdesk.ui.widgets.reflow_row import ReflowRow


class AccountsDialog(FittedDialog):
    """Every active account; a refused change shows inside the dialog, in words."""

    def __init__(self, accounts: AccountStore, admin: User,
                 opener: Callable[[QDialog], None], ask: Callable[[str, str], str | None],
                 report: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__("accounts_error", parent)
        require(admin.role, Action.MANAGE_ACCOUNTS)
        self.setWindowTitle("Accounts")
        self.setObjectName("accounts_dialog")
        self._accounts = accounts
        self._admin = admin
        self._open = opener
        self._ask = ask
        self._report = report
        self.list = QListWidget(objectName="accounts_list")
        self.list.setAccessibleName("Accounts")
        prepare_list(self.list)
        row: list[QPushButton] = []  # a row that wraps on a narrow screen
        for text, name, slot in (("New account…", "new_account", self.add),
                                 ("Make clinician", "role_clinician",
                                  lambda: self.set_role(Role.CLINICIAN)),
                                 ("Make staff", "role_staff", lambda: self.set_role(Role.STAFF)),
                                 ("Make admin", "role_admin", lambda: self.set_role(Role.ADMIN)),
                                 ("Reset password…", "reset_password", self.reset_password),
                                 ("Deactivate", "deactivate_account", self.deactivate)):
            button = QPushButton(text, objectName=name)
            button.setAccessibleName(text.rstrip("…"))
            button.clicked.connect(slot)
            row.append(button)
        close = QPushButton("Close", objectName="close_accounts")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        buttons = ReflowRow(row)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        layout.addWidget(self.error_label)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for account in self._accounts.active_users():
            user = account.user
            extra = "" if account.has_password else "  (no password: cannot sign in)"
            item = QListWidgetItem(f"{user.display_name}  ·  {user.username}  ·  "
                                   f"{user.role}{extra}")
            item.setData(Qt.ItemDataRole.UserRole, user.id)
            self.list.addItem(item)

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _do(self, action: Callable[[], object]) -> None:
        try:
            action()
        except KapdeskError as exc:
            self.show_error(str(exc))
        else:
            self.error_label.hide()
        self.refresh()

    def add(self) -> None:
        dialog = NewAccountDialog(self._accounts, self._admin.id, first_run=False, parent=self)
        self._open(dialog)
        self.refresh()

    def set_role(self, role: Role) -> None:
        uid = self._selected()
        if uid is not None:
            self._do(lambda: self._accounts.set_role(uid, role.value, self._admin.id))

    def reset_password(self) -> None:
        uid = self._selected()
        if uid is None:
            return
        password = self._ask("Reset password", "New password (at least 10 characters):")
        if password:
            self._do(lambda: self._accounts.set_password(uid, password, self._admin.id))

    def deactivate(self) -> None:
        uid = self._selected()
        if uid is not None:
            self._do(lambda: self._accounts.deactivate(uid, self._admin.id))
