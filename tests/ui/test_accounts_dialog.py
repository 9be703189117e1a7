"""The accounts dialog, opened from the admin's user menu: each button is an operation of
kapdesk.services.account_ops (the role checked there, audited with the admin's id); a
refusal is said in words and the list shows the accounts as they now are."""

from PySide6.QtWidgets import QDialog, QPushButton

from kapdesk.ui.accounts_dialog import AccountsDialog
from kapdesk.ui.auth_dialogs import NewAccountDialog
from tests.ui.conftest import ScriptedPrompts


def _rows(dialog: AccountsDialog) -> list[str]:
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def _select(dialog: AccountsDialog, username: str) -> None:
    for i in range(dialog.list.count()):
        if f"·  {username}  ·" in dialog.list.item(i).text():
            dialog.list.setCurrentRow(i)
            return
    raise AssertionError(f"{username} not listed: {_rows(dialog)}")


def test_an_admin_adds_changes_resets_and_deactivates_an_account(make_window, contexts):
    prompts = ScriptedPrompts()
    window = make_window(prompts=prompts, role="admin")
    admin = window.room.user
    done: list[str] = []

    def new_account(dialog: QDialog) -> None:
        assert isinstance(dialog, NewAccountDialog)
        dialog.name_edit.setText("Kim Invented")
        dialog.username_edit.setText("kim")
        dialog.role_box.setCurrentIndex(dialog.role_box.findData("staff"))
        dialog.password_edit.setText("kim-password-1")
        dialog.repeat_edit.setText("kim-password-1")
        dialog.ok_button.click()

    def accounts(dialog: QDialog) -> None:
        assert isinstance(dialog, AccountsDialog)
        prompts.answer = new_account
        dialog.findChild(QPushButton, "new_account").click()
        _select(dialog, "kim")
        dialog.findChild(QPushButton, "role_clinician").click()
        assert any("kim  ·  clinician" in row for row in _rows(dialog))
        prompts.text = "short"  # refused in words, nothing changed
        _select(dialog, "kim")
        dialog.findChild(QPushButton, "reset_password").click()
        prompts.text = "kim-password-2"
        _select(dialog, "kim")
        dialog.findChild(QPushButton, "reset_password").click()
        _select(dialog, "admin")
        dialog.findChild(QPushButton, "deactivate_account").click()  # oneself: refused
        _select(dialog, "kim")
        dialog.findChild(QPushButton, "deactivate_account").click()
        assert not any("·  kim  ·" in row for row in _rows(dialog))
        done.append("yes")

    prompts.answer = accounts
    menu = {a.text(): a for a in window.access.menu.actions() if a.text()}
    menu["Accounts…"].trigger()
    assert done == ["yes"]
    db = contexts[-1].db
    rows = db.execute("SELECT user_id, action, entity FROM audit WHERE entity LIKE "
                      "'account%' AND action != 'login' ORDER BY id").fetchall()
    # the refused ones (a short password, deactivating oneself) wrote nothing between
    assert [tuple(r) for r in rows][-4:] == [
        (admin.id, "create", "account"), (admin.id, "update", "account.role"),
        (admin.id, "update", "account.password"), (admin.id, "deactivate", "account")]


def test_the_dialog_refuses_anyone_but_an_admin(make_window, contexts):
    import pytest

    from kapdesk.core.permissions import PermissionDenied

    window = make_window(role="staff")
    with pytest.raises(PermissionDenied, match="Signed in as staff, you cannot manage"):
        AccountsDialog(contexts[-1].ops.accounts, window.room.user, lambda _d: None,
                       lambda _t, _l: None, lambda _s: None, window)
    assert window.findChild(AccountsDialog) is None  # nothing half-built left behind
