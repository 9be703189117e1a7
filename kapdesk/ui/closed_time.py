"""What the start finds about the time KAPdesk was closed, for the room's controller.

The rules are kapdesk.core.closure's; this keeps what they found until it is stored. On a
full disk the finding is held in memory (the room shows true time, the missed cues as
missed) and stored at the next heartbeat that can be; until then the old heartbeat stays
on disk, so a start in between finds the same change again and nothing is counted twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from kapdesk.core.accounts import User
from kapdesk.core.clock import Clock, Heartbeat
from kapdesk.core.closure import (
    TOLERANCE_S,
    Closure,
    adjusted,
    describe,
    judge_session,
    missed,
)
from kapdesk.core.cues import CueEvent, CueEventKind
from kapdesk.core.errors import KapdeskError
from kapdesk.core.session import Session
from kapdesk.services.room_ops import RoomOps

log = logging.getLogger(__name__)

_WHY = "KAPdesk was closed"


@dataclass(frozen=True)
class _Finding:
    session_id: int
    user: User  # who was signed in at the start
    closure: Closure
    found: dict[str, Any]
    missed: tuple[tuple[str, float], ...]


class ClosedTime:
    def __init__(self, sessions: RoomOps, clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        self._pending: _Finding | None = None

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def at_start(self, session: Session | None, user: User) -> tuple[Session | None, str]:
        """Judge the closure from the stored heartbeat, store it in the name of `user` (who
        is signed in) and say it: the session as stored now (`adjust` reads it with what could
        not be stored yet), and the words ("" for none)."""
        closure = judge_session(self._sessions.heartbeat(), Heartbeat.read(self._clock),
                                session)
        if closure is None:
            return session, ""
        running = session if session is not None and session.clock_running else None
        gone = []
        stored = ""
        if running is not None:
            gone = missed(adjusted(running, closure), self._sessions.cue_events(running),
                          closure.now.wall, closure.counted_s)
            gap = closure.restart and closure.wall_s > TOLERANCE_S
            if closure.changed or gap or gone:
                finding = _Finding(running.id, user, closure,
                                   closure.record() if closure.changed or gap else {},
                                   tuple((c.cue.key, c.due_s) for c in gone))
                try:
                    self._store(finding, closure.now)
                    session = self._sessions.running()
                except KapdeskError as exc:  # held until it can be stored
                    log.warning("clock finding not stored yet: %s", type(exc).__name__)
                    self._pending = finding  # `adjust` reads the session with it
                    stored = (f" It could not be stored yet ({exc}); it will be as soon as "
                              "there is room.")
        if closure.changed:
            log.warning("clock set while closed: %.1fs (%s)", closure.change_s, closure.how)
        text = describe(closure, running, len(gone))
        return session, text + stored if text else ""

    def _store(self, finding: _Finding, beat: Heartbeat) -> None:
        """Store the finding with the heartbeat `beat`, after which nothing is found again
        (at start, the reading it was judged by; later, the clocks as they read then), in
        the name of who was signed in at the start."""
        closure = finding.closure
        self._sessions.closure(
            finding.user, finding.session_id, closure.now.wall,
            closure.change_s if closure.changed else None, finding.found,
            list(finding.missed), beat)

    def retry(self) -> bool:
        """Store the finding held in memory; True once nothing is held."""
        finding = self._pending
        if finding is None:
            return True
        try:
            self._store(finding, Heartbeat.read(self._clock))
        except KapdeskError as exc:
            log.warning("clock finding still not stored: %s", type(exc).__name__)
            return False
        self._pending = None
        return True

    def adjust(self, session: Session) -> Session:
        """`session` as it reads with the finding held in memory (unchanged if none)."""
        finding = self._pending
        if finding is None or finding.session_id != session.id:
            return session
        return adjusted(session, finding.closure)

    def events(self, session_id: int) -> list[CueEvent]:
        """The missed cues held in memory, as the room folds them."""
        finding = self._pending
        if finding is None or finding.session_id != session_id:
            return []
        return [CueEvent(key, CueEventKind.MISSED, due_s, {"due_s": due_s, "reason": _WHY})
                for key, due_s in finding.missed]
