"""Accounts, for admins: add, change a role, reset a password, deactivate. Each change is
an operation of kapdesk.services.account_ops, which checks the role (the dialog opens for
admins only, but the operation refuses anyone else too)."""

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

from kapdesk.core.accounts import User
from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import Role
from kapdesk.services.account_ops import Account, AccountOps
from kapdesk.ui.auth_dialogs import NewAccountDialog
from kapdesk.ui.dialog_fit import FittedDialog, prepare_list
from kapdesk.ui.naming import named
from kapdesk.ui.widgets.reflow_row import ReflowRow


class AccountsDialog(FittedDialog):
    """Every active account; a refused change shows inside the dialog, in words."""

    def __init__(self, accounts: AccountOps, admin: User,
                 opener: Callable[[QDialog], None], ask: Callable[[str, str], str | None],
                 report: Callable[[str], None], parent: QWidget | None = None) -> None:
        listed = accounts.active(admin)  # PermissionDenied, in words, for anyone but admins
        super().__init__("accounts_error", parent)
        self.setWindowTitle("Accounts")
        self.setObjectName("accounts_dialog")
        self._accounts = accounts
        self._admin = admin
        self._open = opener
        self._ask = ask
        self._report = report
        self.list = named(QListWidget(), "accounts_list")
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
            button = named(QPushButton(text), name)
            button.setAccessibleName(text.rstrip("…"))
            button.clicked.connect(slot)
            row.append(button)
        close = named(QPushButton("Close"), "close_accounts")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        buttons = ReflowRow(row)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        layout.addWidget(self.error_label)
        layout.addWidget(close)
        self._fill(listed)

    def refresh(self) -> None:
        try:
            listed = self._accounts.active(self._admin)
        except KapdeskError as exc:
            self._report(str(exc))
            listed = []
        self._fill(listed)

    def _fill(self, listed: list[Account]) -> None:
        self.list.clear()
        for account in listed:
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
        dialog = NewAccountDialog(self._accounts, self._admin, first_run=False, parent=self)
        self._open(dialog)
        self.refresh()

    def set_role(self, role: Role) -> None:
        uid = self._selected()
        if uid is not None:
            self._do(lambda: self._accounts.set_role(self._admin, uid, role.value))

    def reset_password(self) -> None:
        uid = self._selected()
        if uid is None:
            return
        password = self._ask("Reset password", "New password (at least 10 characters):")
        if password:
            self._do(lambda: self._accounts.reset_password(self._admin, uid, password))

    def deactivate(self) -> None:
        uid = self._selected()
        if uid is not None:
            self._do(lambda: self._accounts.deactivate(self._admin, uid))
