"""Signing in: the first admin account, the daily login, the accounts list for admins."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from kapdesk.core.accounts import User
from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import MIN_PASSWORD, Role
from kapdesk.services.account_ops import AccountOps
from kapdesk.ui.dialog_fit import FittedDialog
from kapdesk.ui.naming import dialog_buttons, named


def _password(name: str, accessible: str) -> QLineEdit:
    edit = named(QLineEdit(), name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible)
    return edit


class _FormDialog(FittedDialog):
    """A form whose OK runs `_on_ok`; its errors in words inside it (`show_error`: every
    line, the dialog grows to hold it)."""

    def __init__(self, title: str, name: str, parent: QWidget | None) -> None:
        super().__init__("auth_error", parent)
        self.setWindowTitle(title)
        self.setObjectName(name)
        self.form = QFormLayout(self)
        self.buttons, self.ok_button = dialog_buttons(QDialogButtonBox.StandardButton.Ok,
                                                      "auth_ok", self._on_ok, self.reject)

    def finish(self) -> None:
        self.form.addRow(self.error_label)
        self.form.addRow(self.buttons)

    def _on_ok(self) -> None:
        raise NotImplementedError


class NewAccountDialog(_FormDialog):
    """The first admin on first run (`by` None), or a new account made by an admin (the
    operation checks the role: kapdesk.services.account_ops)."""

    def __init__(self, accounts: AccountOps, by: User | None, first_run: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__("Create the admin account" if first_run else "New account",
                         "new_account_dialog", parent)
        self._accounts = accounts
        self._by = by
        if first_run:
            intro = QLabel("KAPdesk holds health records. First, create the account of the "
                           "person who will manage accounts and settings on this laptop.")
            intro.setWordWrap(True)
            self.form.addRow(intro)
        self.name_edit = named(QLineEdit(), "account_name")
        self.name_edit.setAccessibleName("Full name")
        self.username_edit = named(QLineEdit(), "account_username")
        self.username_edit.setAccessibleName("Username")
        self.role_box = named(QComboBox(), "account_role")
        self.role_box.setAccessibleName("Role")
        for role in (Role.ADMIN,) if first_run else tuple(Role):
            self.role_box.addItem(role.value.capitalize(), role.value)
        self.password_edit = _password("account_password", "Password")
        self.password_edit.setPlaceholderText(f"at least {MIN_PASSWORD} characters")
        self.repeat_edit = _password("account_password_again", "Password again")
        self.form.addRow("Full name", self.name_edit)
        self.form.addRow("Username", self.username_edit)
        self.form.addRow("Role", self.role_box)
        self.form.addRow("Password", self.password_edit)
        self.form.addRow("Password again", self.repeat_edit)
        self.created: User | None = None
        self.finish()

    def _on_ok(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            self.show_error("The two passwords differ.")
            return
        try:
            self.created = self._accounts.create(
                self._by, self.name_edit.text().strip(), self.username_edit.text(),
                str(self.role_box.currentData()), self.password_edit.text()).value
        except KapdeskError as exc:
            self.show_error(str(exc))
            return
        self.accept()


class LoginDialog(_FormDialog):
    def __init__(self, accounts: AccountOps, parent: QWidget | None = None,
                 on_login: Callable[[User], None] | None = None) -> None:
        super().__init__("Sign in to KAPdesk", "login_dialog", parent)
        self._accounts = accounts
        self._on_login = on_login
        self.username_edit = named(QLineEdit(), "login_username")
        self.username_edit.setAccessibleName("Username")
        self.password_edit = _password("login_password", "Password")
        self.form.addRow("Username", self.username_edit)
        self.form.addRow("Password", self.password_edit)
        self.user: User | None = None
        self.finish()

    def _on_ok(self) -> None:
        try:
            self.user = self._accounts.sign_in(self.username_edit.text(),
                                               self.password_edit.text())
        except KapdeskError as exc:
            self.password_edit.clear()
            self.show_error(str(exc))
            return
        if self._on_login is not None:
            self._on_login(self.user)
        self.accept()
