"""What one user action changed, for the window to refresh from (Anki's OpChanges).

Every operation in kapdesk.services checks the role, runs in one transaction, leaves its
audit rows, and returns an `Op`: the value it made and the `OpChanges` that say which parts
of the screen are stale. The window refreshes from that in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from kapdesk.core.permissions import Action, require
from kapdesk.store.users import User

T = TypeVar("T")


@dataclass(frozen=True)
class OpChanges:
    session: bool = False  # a session's state, times or cues
    record: bool = False  # entries, the note, alerts
    signature: bool = False
    patient: bool = False  # details, courses, integration sessions

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(self.session or other.session, self.record or other.record,
                         self.signature or other.signature, self.patient or other.patient)


@dataclass(frozen=True)
class Op(Generic[T]):
    value: T
    changes: OpChanges
    words: str = ""  # what was done, for the status line


def check(user: User, action: Action) -> None:
    """PermissionDenied (in words) unless the user's role allows the action."""
    require(user.role, action)
