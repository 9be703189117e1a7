"""Who uses the room laptop: a signed-in user as the rest of the house sees them, and the
error of a sign-in, a re-authentication or an account rule broken."""

from __future__ import annotations

from dataclasses import dataclass

from kapdesk.core.errors import KapdeskError


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str


class AuthError(KapdeskError):
    """Wrong credentials, a locked account, or an account rule broken."""
