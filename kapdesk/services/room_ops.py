"""The room's own writes, and its reads: what the room's controller stores by itself.

While a session runs the room writes without a click: a cue seen due or escalated, the
clocks' heartbeat every 30 s, a suspend or a clock change seen while it ran, and at start
what the clocks say about the time KAPdesk was closed. These are system writes on behalf of
whoever is signed in: each needs a signed-in user whose role may see the session clock
(Action.VIEW_CLOCK, which every role holds), and each is one transaction, the store's own
(with its audit rows). The rows keep the room as their author (no user id) where a person
did nothing (a cue falling due, the laptop asleep); the finding at start names who was
signed in, as before. They stay cheap: a dictionary look-up for the role, no read added;
the per-entry path (kapdesk.services.record_ops) does not come through here.

The reads are the room's: the running session, the planned and unsigned ones, the cue
events, the spacing warnings and the preparation's gaps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kapdesk.core.accounts import User
from kapdesk.core.clock import Heartbeat
from kapdesk.core.cues import CueEvent, CueEventKind
from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import Action
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import Session
from kapdesk.services.operations import check
from kapdesk.store.sessions import SessionEvent as SessionEvent
from kapdesk.store.sessions import SessionStore

SEEN = (CueEventKind.DUE, CueEventKind.ESCALATED)
CLOCK_KINDS = ("suspend", "clock_jump")
__all__ = ["CLOCK_KINDS", "SEEN", "RoomOps", "SessionEvent"]


class RoomOps:
    def __init__(self, sessions: SessionStore) -> None:
        self._sessions = sessions

    # -- reads -------------------------------------------------------------------------

    def running(self) -> Session | None:
        return self._sessions.running()

    def get(self, session_id: int) -> Session:
        return self._sessions.get(session_id)

    def planned(self) -> list[Session]:
        return self._sessions.planned()

    def unsigned(self, limit: int = 30) -> list[Session]:
        return self._sessions.unsigned(limit)

    def cue_events(self, session: Session) -> list[CueEvent]:
        return self._sessions.cue_events(session)

    def spacing(self, patient_code: str, protocol: Protocol) -> list[str]:
        return self._sessions.spacing(patient_code, protocol)

    def preparation_gaps(self, session_id: int, ticked: Mapping[str, bool]) -> list[str]:
        return self._sessions.preparation_gaps(session_id, ticked)

    def heartbeat(self) -> Heartbeat | None:
        """The clocks as last stored (None on a first start)."""
        return self._sessions.heartbeat()

    # -- the room's writes -------------------------------------------------------------

    def cue_seen(self, user: User | None, session_id: int, cue_key: str,
                 kind: CueEventKind, data: Mapping[str, Any] | None = None) -> SessionEvent:
        """A cue the room saw fall due or escalate (answering one is SessionOps')."""
        check(user, Action.VIEW_CLOCK)
        if kind not in SEEN:
            raise KapdeskError(f"The room stores a cue as due or escalated, not as "
                               f"'{kind.value}'.")
        return self._sessions.record_cue(session_id, cue_key, kind, None,
                                         dict(data) if data else None)

    def beat(self, user: User | None, beat: Heartbeat) -> None:
        """The clocks as they read now, to compare at the next start."""
        check(user, Action.VIEW_CLOCK)
        self._sessions.save_heartbeat(beat)

    def clock_changed(self, user: User | None, session_id: int, kind: str, seconds: float,
                      at: datetime, beat: Heartbeat | None,
                      missed: Sequence[tuple[str, float]], why: str) -> SessionEvent:
        """A suspend or a clock jump seen while the session ran, with the clocks read after
        it and the cues missed meanwhile (key, due second), in one transaction."""
        check(user, Action.VIEW_CLOCK)
        if kind not in CLOCK_KINDS:
            raise KapdeskError(f"A change of the clock is a suspend or a jump, not "
                               f"'{kind[:40]}'.")
        return self._sessions.record_clock(session_id, kind, seconds, at, beat=beat,
                                           missed=missed, why=why)

    def closure(self, user: User | None, session_id: int, at: datetime,
                jump_s: float | None, found: Mapping[str, Any],
                missed: Sequence[tuple[str, float]], beat: Heartbeat) -> None:
        """What the start found about the time KAPdesk was closed, naming who is signed in,
        with the heartbeat it was judged by, in one transaction."""
        who = check(user, Action.VIEW_CLOCK)
        self._sessions.record_closure(session_id, who.id, at, jump_s, found, missed, beat)
