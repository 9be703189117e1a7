"""Accounts: Argon2id password and PIN hashes, lockout after failures, roles.

Passwords are hashed with Argon2id (argon2-cffi) at 32 MiB, 3 passes, 1 lane: above the
OWASP minimum of 19 MiB, 2 passes, 1 lane on every axis, while a sign-in on the room
laptop costs 32 MiB for a moment rather than RFC 9106's 64 MiB. A PIN unlocks only for a
user who logged in fully with the password earlier the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from kapdesk.core.accounts import AuthError as AuthError
from kapdesk.core.clock import Clock
from kapdesk.core.permissions import Role, check_password, check_pin, lock_duration
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.timefmt import from_db, to_db
from kapdesk.store.users import User, UserStore

HASH_PARAMETERS = Parameters(type=Type.ID, version=19, salt_len=16, hash_len=32,
                             time_cost=3, memory_cost=32 * 1024, parallelism=1)


@dataclass(frozen=True)
class Account:
    user: User
    has_password: bool
    has_pin: bool
    failed: int
    locked_until: datetime | None
    last_login: datetime | None
    active: bool


class AccountStore:
    def __init__(self, db: Database, clock: Clock, audit: AuditTrail,
                 hasher: PasswordHasher | None = None) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit
        self._users = UserStore(db, clock)
        self._hasher = hasher or PasswordHasher.from_parameters(HASH_PARAMETERS)

    # -- reading ---------------------------------------------------------------------

    def account(self, user_id: int) -> Account:
        row = self._db.execute(
            "SELECT password_hash IS NOT NULL, pin_hash IS NOT NULL, failed_count, "
            "locked_until, last_login_at, active FROM users WHERE id = ?", [user_id]).fetchone()
        if row is None:
            raise AuthError(f"There is no account {user_id}.")
        return Account(self._users.get(user_id), bool(row[0]), bool(row[1]), int(row[2]),
                       from_db(row[3]) if row[3] else None,
                       from_db(row[4]) if row[4] else None, bool(row[5]))

    def by_username(self, username: str) -> User | None:
        row = self._db.execute("SELECT id FROM users WHERE username = ? AND active = 1",
                               [username.strip().lower()]).fetchone()
        return self._users.get(int(row[0])) if row else None

    def needs_first_admin(self) -> bool:
        row = self._db.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 "
                               "AND password_hash IS NOT NULL").fetchone()
        return int(row[0]) == 0

    def nobody_can_sign_in(self) -> bool:
        """No active account has a password: a new data folder (nobody to ask who acts)."""
        row = self._db.execute("SELECT count(*) FROM users WHERE active = 1 "
                               "AND password_hash IS NOT NULL").fetchone()
        return int(row[0]) == 0

    def active_users(self) -> list[Account]:
        rows = self._db.execute("SELECT id FROM users WHERE active = 1 ORDER BY id").fetchall()
        return [self.account(int(r[0])) for r in rows]

    # -- creating and changing -------------------------------------------------------

    def create(self, display_name: str, username: str, role: str, password: str,
               by_user: int | None) -> User:
        check_password(password)
        username = username.strip().lower()
        if not username or not username.replace(".", "").replace("-", "").isalnum():
            raise AuthError("A username is letters, digits, '.' or '-'.")
        if self.by_username(username) is not None:
            raise AuthError(f"The username '{username}' is taken.")
        Role(role)
        digest = self._hasher.hash(password)
        with self._db.atomic():
            user = self._users.add(display_name, role, username=username, by_user=by_user)
            self._db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                             [digest, user.id])
            self._audit.append(by_user, "create", "account", user.id, None,
                               {"username": username, "role": role})
        return user

    def set_password(self, user_id: int, password: str, by_user: int) -> None:
        check_password(password)
        with self._db.atomic():
            self._db.execute("UPDATE users SET password_hash = ?, failed_count = 0, "
                             "locked_until = NULL WHERE id = ?",
                             [self._hasher.hash(password), user_id])
            self._audit.append(by_user, "update", "account.password", user_id)

    def set_pin(self, user_id: int, pin: str) -> None:
        check_pin(pin)
        with self._db.atomic():
            self._db.execute("UPDATE users SET pin_hash = ? WHERE id = ?",
                             [self._hasher.hash(pin), user_id])
            self._audit.append(user_id, "update", "account.pin", user_id)

    def set_role(self, user_id: int, role: str, by_user: int) -> None:
        Role(role)
        old = self.account(user_id).user.role
        if old == "admin" and role != "admin":
            self._keep_an_admin(user_id)
        with self._db.atomic():
            self._db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])
            self._audit.append(by_user, "update", "account.role", user_id, {"role": old},
                               {"role": role})

    def deactivate(self, user_id: int, by_user: int) -> None:
        """Accounts are never deleted (their user id stays on every record)."""
        if self.account(user_id).user.role == "admin":
            self._keep_an_admin(user_id)
        with self._db.atomic():
            self._db.execute("UPDATE users SET active = 0 WHERE id = ?", [user_id])
            self._audit.append(by_user, "deactivate", "account", user_id)

    def _keep_an_admin(self, user_id: int) -> None:
        others = self._db.execute(
            "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id != ?",
            [user_id]).fetchone()[0]
        if not others:
            raise AuthError("This is the last admin account: add another admin first.")

    # -- signing in ------------------------------------------------------------------

    def login(self, username: str, password: str) -> User:
        """A full login with the password. Failures count; a rising lock follows."""
        user = self.by_username(username)
        if user is None:
            raise AuthError("Unknown username or wrong password.")
        self._check_not_locked(user.id)
        if not self._verify(user.id, "password_hash", password):
            self._failed(user.id)
        with self._db.atomic():
            self._db.execute("UPDATE users SET failed_count = 0, locked_until = NULL, "
                             "last_login_at = ? WHERE id = ?",
                             [to_db(self._clock.now()), user.id])
            self._audit.append(user.id, "login", "account", user.id)
        return user

    def unlock(self, user_id: int, secret: str) -> User:
        """Unlock with the password, or with the PIN after today's full login."""
        account = self.account(user_id)
        self._check_not_locked(user_id)
        if self._verify(user_id, "password_hash", secret):
            return self.login(account.user.username, secret)
        today = self._clock.now().astimezone().date()
        pin_ok = (account.has_pin and account.last_login is not None
                  and account.last_login.astimezone().date() == today
                  and self._verify(user_id, "pin_hash", secret))
        if not pin_ok:
            self._failed(user_id)
        with self._db.atomic():
            self._db.execute("UPDATE users SET failed_count = 0 WHERE id = ?", [user_id])
            self._audit.append(user_id, "unlock", "account", user_id)
        return account.user

    def reauthenticate(self, user_id: int, secret: str) -> None:
        """For signing: the password, or the PIN within the day. Raises AuthError."""
        self.unlock(user_id, secret)

    def _verify(self, user_id: int, column: str, secret: str) -> bool:
        row = self._db.execute(f"SELECT {column} FROM users WHERE id = ?", [user_id]).fetchone()
        if row is None or row[0] is None:
            return False
        try:
            return bool(self._hasher.verify(row[0], secret))
        except (VerificationError, InvalidHashError):
            return False

    def _check_not_locked(self, user_id: int) -> None:
        until = self.account(user_id).locked_until
        now = self._clock.now()
        if until is not None and until > now:
            wait = int((until - now).total_seconds() + 0.999)
            raise AuthError(f"Too many wrong attempts: this account is locked for {wait} s more.")

    def _failed(self, user_id: int) -> None:
        failures = self.account(user_id).failed + 1
        lock = lock_duration(failures)
        until = to_db(self._clock.now() + lock) if lock else None
        with self._db.atomic():
            self._db.execute("UPDATE users SET failed_count = ?, locked_until = ? WHERE id = ?",
                             [failures, until, user_id])
            self._audit.append(user_id, "login_failed", "account", user_id, None,
                               {"failures": failures})
        message = "Unknown username or wrong password."
        if lock:
            message += f" The account is locked for {int(lock.total_seconds())} s."
        raise AuthError(message)
