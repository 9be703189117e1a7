"""What one user action changed, for the window to refresh from (Anki's OpChanges).

Every operation in kapdesk.services checks the role, runs in one transaction, leaves its
audit rows, and returns an `Op`: the value it made and the `OpChanges` that say which parts
of the screen are stale. The window refreshes from that in one place.

Who acts is a `User`, or None when nobody is signed in: refused, in words naming the
action ("Signed out, you cannot export records"), except by the few operations that a new
data folder allows before anyone can sign in (`check(..., new_folder=True)`: the first
admin account, a backup, a restore, an export of demo data).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Generic, TypeVar

from kapdesk.core.accounts import User
from kapdesk.core.permissions import Action, PermissionDenied, require

T = TypeVar("T")


@dataclass(frozen=True)
class OpChanges:
    session: bool = False  # a session's state, times or cues
    record: bool = False  # entries, the note, alerts
    signature: bool = False
    patient: bool = False  # details, courses, integration sessions
    accounts: bool = False  # who may sign in, as what
    playlists: bool = False  # the sets the room can play
    exports: bool = False  # what was exported (the REMS forms still due)
    backups: bool = False  # the backups folder, or the database restored
    settings: bool = False  # the room's choices and the clinic's settings

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(**{f.name: getattr(self, f.name) or getattr(other, f.name)
                            for f in fields(self)})


@dataclass(frozen=True)
class Op(Generic[T]):
    value: T
    changes: OpChanges
    words: str = ""  # what was done, for the status line


def check(user: User | None, action: Action) -> User:
    """The user, when their role allows the action; else PermissionDenied in words naming
    the action and the role (or that nobody is signed in)."""
    if user is None:
        raise PermissionDenied(f"Signed out, you cannot {action.value}: sign in first.")
    require(user.role, action)
    return user


def check_or_new(user: User | None, action: Action, new_folder: bool) -> User | None:
    """As `check`, except that on a new data folder (`new_folder`: no account can sign in
    yet) nobody signed in may act; the audit then names no user."""
    if user is None and new_folder:
        return None
    return check(user, action)
