"""Who may do what: roles, the actions they allow, and the password policy.

The matrix is the single source: services check it before acting, and the UI asks it
what to show. A refusal names the action and the role in words.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from kapdesk.core.errors import KapdeskError


class Role(StrEnum):
    CLINICIAN = "clinician"
    STAFF = "staff"
    ADMIN = "admin"


class Action(StrEnum):
    RUN_SESSION = "run the session"
    VIEW_CLOCK = "see the session clock"
    ACKNOWLEDGE_CUE = "acknowledge cues"
    RECORD = "record observations and notes"
    VIEW_RECORD = "see notes and patient details"
    SIGN = "sign sessions"
    EXPORT = "export records"
    PLAY_MUSIC = "control the room's music"
    CURATE_MUSIC = "edit playlists"
    MANAGE_ACCOUNTS = "manage accounts"
    EDIT_SETTINGS = "change clinic settings"
    EDIT_PROTOCOLS = "edit protocols"
    BACKUP = "back up and restore"


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.CLINICIAN: frozenset({
        Action.RUN_SESSION, Action.VIEW_CLOCK, Action.ACKNOWLEDGE_CUE, Action.RECORD,
        Action.VIEW_RECORD, Action.SIGN, Action.EXPORT, Action.PLAY_MUSIC}),
    Role.STAFF: frozenset({
        Action.VIEW_CLOCK, Action.ACKNOWLEDGE_CUE, Action.PLAY_MUSIC, Action.CURATE_MUSIC}),
    Role.ADMIN: frozenset({
        Action.VIEW_CLOCK, Action.MANAGE_ACCOUNTS, Action.EDIT_SETTINGS, Action.EDIT_PROTOCOLS,
        Action.BACKUP}),
}

ROLE_WORDS = {Role.CLINICIAN: "a clinician", Role.STAFF: "staff", Role.ADMIN: "an admin"}


class PermissionDenied(KapdeskError):
    """The signed-in user's role does not allow this."""


def allowed(role: str, action: Action) -> bool:
    try:
        return action in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def require(role: str, action: Action) -> None:
    if not allowed(role, action):
        who = ROLE_WORDS[Role(role)] if role in {r.value for r in Role} else role
        raise PermissionDenied(f"Signed in as {who}, you cannot {action.value}.")


MIN_PASSWORD = 10
PIN_LENGTHS = range(4, 9)
FREE_FAILURES = 4  # failed attempts before the account locks
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(hours=1)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise KapdeskError(f"A password needs at least {MIN_PASSWORD} characters.")
    if password.strip() != password or not password.strip():
        raise KapdeskError("A password cannot start or end with spaces.")


def check_pin(pin: str) -> None:
    if not pin.isdigit() or len(pin) not in PIN_LENGTHS:
        raise KapdeskError("A PIN is 4 to 8 digits.")


def lock_duration(failures: int) -> timedelta:
    """How long the account is locked after `failures` wrong attempts in a row: rising."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    rising: timedelta = FIRST_LOCK * (2 ** (failures - FREE_FAILURES - 1))
    return min(MAX_LOCK, rising)
