"""Typed errors a user can act on. The UI shows their message in words."""


class KapdeskError(Exception):
    """An expected failure with a message meant for the person at the screen."""


class TransitionError(KapdeskError):
    """A session step that is not allowed now."""


class SessionConflictError(KapdeskError):
    """Another session is already running in this room."""


class ValidationError(KapdeskError):
    """An entry that cannot be accepted as typed (names the field and the range)."""
