"""Account changes as operations: create an account, change its role, reset its password,
deactivate it (an admin's: Action.MANAGE_ACCOUNTS), set one's own PIN (anyone signed in);
and signing in, unlocking, and the accounts list, which are not role-gated.

The one account made with nobody signed in is the first admin, on a data folder that has
none. Each change runs in one transaction with its audit row (kapdesk.store.accounts:
"create", "update" of the role or the password, "deactivate") naming the admin who made it;
the rules (the last admin stays, a password of 10 characters or more) are the store's.
Who acts is asked of the database at each change (`_admin`): an admin demoted or
deactivated meanwhile, with the accounts list still open, is refused.
"""

from __future__ import annotations

from kapdesk.core.accounts import AuthError as AuthError
from kapdesk.core.accounts import User
from kapdesk.core.permissions import Action, PermissionDenied, Role
from kapdesk.services.operations import Op, OpChanges, check
from kapdesk.store.accounts import Account as Account
from kapdesk.store.accounts import AccountStore
from kapdesk.store.connection import Database

ACCOUNTS = OpChanges(accounts=True)
__all__ = ["ACCOUNTS", "Account", "AccountOps", "AuthError"]


class AccountOps:
    def __init__(self, db: Database, accounts: AccountStore) -> None:
        self._db = db
        self._accounts = accounts

    # -- signing in and reading (not role-gated) -------------------------------------

    def sign_in(self, username: str, password: str) -> User:
        """A full sign-in with the password; AuthError in words (failures count)."""
        return self._accounts.login(username, password)

    def unlock(self, user_id: int, secret: str) -> User:
        """The screen unlocked with the password, or today's PIN."""
        return self._accounts.unlock(user_id, secret)

    def needs_first_admin(self) -> bool:
        return self._accounts.needs_first_admin()

    def nobody_can_sign_in(self) -> bool:
        return self._accounts.nobody_can_sign_in()

    def by_username(self, username: str) -> User | None:
        return self._accounts.by_username(username)

    def display_name(self, user_id: int) -> str:
        """The account's name as it is now (a signature shows it)."""
        return self._accounts.account(user_id).user.display_name

    def active(self, user: User | None) -> list[Account]:
        """The active accounts, for the admin's list."""
        self._admin(user)
        return self._accounts.active_users()

    def _admin(self, user: User | None) -> User:
        """The user as the database holds them now, if an active admin."""
        who = check(user, Action.MANAGE_ACCOUNTS)
        try:
            now = self._accounts.account(who.id)
        except AuthError:
            now = None
        if now is None or not now.active:
            raise PermissionDenied(f"The account {who.username} is no longer active: you "
                                   f"cannot {Action.MANAGE_ACCOUNTS.value}.")
        return check(now.user, Action.MANAGE_ACCOUNTS)

    # -- changes -----------------------------------------------------------------------

    def create(self, user: User | None, display_name: str, username: str, role: str,
               password: str) -> Op[User]:
        """A new account, by an admin; or, with nobody signed in, the first admin."""
        if user is None and self._accounts.needs_first_admin():
            if role != Role.ADMIN.value:
                raise PermissionDenied("Signed out, you can create only the first admin "
                                       "account.")
            by = None
        else:
            by = self._admin(user).id
        with self._db.atomic():
            made = self._accounts.create(display_name, username, role, password, by)
        return Op(made, ACCOUNTS, f"Account {made.username} created ({made.role})")

    def _role(self, role: str) -> str:
        try:
            return Role(role).value
        except ValueError:
            raise AuthError(f"'{role[:40]}' is not a role (use one of: "
                            f"{', '.join(r.value for r in Role)}).") from None

    def set_role(self, user: User | None, account_id: int, role: str) -> Op[Account]:
        actor = self._admin(user)
        role = self._role(role)
        with self._db.atomic():
            self._accounts.set_role(account_id, role, actor.id)
        account = self._accounts.account(account_id)
        return Op(account, ACCOUNTS, f"{account.user.username} is now {role}")

    def reset_password(self, user: User | None, account_id: int,
                       password: str) -> Op[Account]:
        actor = self._admin(user)
        self._accounts.account(account_id)  # AuthError in words for an unknown account
        with self._db.atomic():
            self._accounts.set_password(account_id, password, actor.id)
        account = self._accounts.account(account_id)
        return Op(account, ACCOUNTS, f"Password of {account.user.username} reset")

    def deactivate(self, user: User | None, account_id: int) -> Op[Account]:
        actor = self._admin(user)
        if account_id == actor.id:
            raise AuthError("You cannot deactivate your own account: ask another admin.")
        with self._db.atomic():
            self._accounts.deactivate(account_id, actor.id)
        account = self._accounts.account(account_id)
        return Op(account, ACCOUNTS, f"Account {account.user.username} deactivated")

    def set_pin(self, user: User | None, pin: str) -> Op[int]:
        """The signed-in user's own PIN, for unlocking today after the full sign-in."""
        if user is None:
            raise PermissionDenied("Signed out, you cannot set a PIN: sign in first.")
        with self._db.atomic():
            self._accounts.set_pin(user.id, pin)
        return Op(user.id, ACCOUNTS, "PIN set")
