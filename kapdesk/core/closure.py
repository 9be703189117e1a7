"""The time KAPdesk was closed, judged at start from the last stored heartbeat.

While the room runs it stores a heartbeat (the boot id, the wall clock and the boot clock,
read together). At the next start the clocks are read again and compared with it:

- the same boot: the boot clock (which counts through suspends and never jumps) says
  exactly how much time really passed; whatever else the wall clock moved is a change of
  the clock, taken out of session time;
- another boot (a restart, or a boot that cannot be named): the time the machine was off
  cannot be known. At least the time since the new boot passed (the heartbeat came before
  it). The wall clock is believed within bounds: not less than that, and not so much that
  the session would be far past its length; beyond them the change is flagged and only the
  time that surely passed is counted.

Cues that fell due and went past their escalation while the app was closed are missed,
not due all at once (listed as missed, stored as `cue_missed`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime

from kapdesk.core.clock import Heartbeat
from kapdesk.core.cues import CueEvent, CueState, CueStatus
from kapdesk.core.room import format_t_plus, snapshot
from kapdesk.core.session import ClockAdjustment, Session

TOLERANCE_S = 5.0  # NTP's small steps and the time to read the clocks
_DAY_S = 86400.0
_AFTER_ALL = 2**62  # an id after every stored event and observation


@dataclass(frozen=True)
class Closure:
    last: Heartbeat
    now: Heartbeat
    restart: bool  # not the same boot (or one that cannot be named): no boot-clock delta
    wall_s: float  # how far the wall clock moved since the heartbeat
    counted_s: float  # the time session time counts for the closure
    believed: bool  # False: the wall clock's account of the gap was not believed
    limit_s: float | None = None  # session seconds past which a restart's gap is not believed

    @property
    def change_s(self) -> float:
        """How far the wall clock was set (0 when it was not), taken out of session time."""
        return self.wall_s - self.counted_s

    @property
    def changed(self) -> bool:
        return abs(self.change_s) > TOLERANCE_S

    @property
    def how(self) -> str:
        if not self.restart:
            return "same_boot"
        return "restart" if self.last.boot_id and self.now.boot_id else "boot_unknown"

    def record(self) -> dict[str, object]:
        """What is stored with the change, for the audit and the record."""
        return {"found": "at_start", "how": self.how, "believed": self.believed,
                "wall_s": round(self.wall_s, 3), "counted_s": round(self.counted_s, 3),
                "heartbeat": self.last.wall.isoformat()}


def judge(last: Heartbeat | None, now: Heartbeat, limit_s: float | None = None,
          elapsed_at_beat_s: float = 0.0) -> Closure | None:
    """The closure since `last` (None without a heartbeat: an older database).

    `limit_s`: the session seconds past which a gap across a restart is not believed
    (None: no session runs, any gap forward is believed); `elapsed_at_beat_s`: the session
    seconds at the heartbeat."""
    if last is None:
        return None
    wall_s = (now.wall - last.wall).total_seconds()
    boot_s = now.boottime - last.boottime
    same = bool(last.boot_id) and last.boot_id == now.boot_id and boot_s >= -TOLERANCE_S
    if same:
        return Closure(last, now, False, wall_s, max(0.0, boot_s), True, limit_s)
    known_restart = bool(last.boot_id) and bool(now.boot_id)
    floor = max(0.0, now.boottime) if known_restart and math.isfinite(now.boottime) else 0.0
    too_long = limit_s is not None and elapsed_at_beat_s + wall_s > limit_s
    if wall_s < floor - TOLERANCE_S or too_long:
        return Closure(last, now, True, wall_s, floor, False, limit_s)
    return Closure(last, now, True, wall_s, max(wall_s, 0.0), True, limit_s)


def believable_s(session: Session) -> float:
    """The session seconds past which a gap across a restart is not believed: twice the
    protocol's length, and at least an hour past it."""
    length = session.protocol.session_minutes * 60
    return max(2 * length, length + 3600)


def judge_session(last: Heartbeat | None, now: Heartbeat,
                  session: Session | None) -> Closure | None:
    """`judge` for the session the room holds (its clock running), or for none. A heartbeat
    that cannot be of this session's time (a day before its dose, a year after) is none."""
    if session is None or not session.clock_running or last is None:
        return judge(last, now)
    at_beat = session.timeline.elapsed_now(last.wall)
    if not -_DAY_S <= at_beat <= 366 * _DAY_S:
        return None
    return judge(last, now, believable_s(session), at_beat)


def adjusted(session: Session, closure: Closure) -> Session:
    """The session with the closure's change taken out of its time (as it reads once the
    change is stored): everything stored so far is on the clock before it."""
    if not closure.changed:
        return session
    change = ClockAdjustment(closure.now.wall, closure.change_s, _AFTER_ALL, _AFTER_ALL)
    return replace(session, adjustments=(*session.adjustments, change))


def missed(session: Session, events: list[CueEvent], now: datetime,
           gap_s: float) -> list[CueState]:
    """The cues that fell due in the last `gap_s` session seconds before `now`, while the
    app was closed (or the laptop asleep), and went past their escalation meanwhile: missed,
    not due (one still within its escalation, or just at it, is due as usual). `session`
    reads as it does after the gap is stored."""
    if not session.clock_running:
        return []
    snap = snapshot(session, events, now)
    opened = snap.elapsed_s - gap_s  # session seconds when the gap began
    return [c for c in snap.cues if c.status is CueStatus.DUE
            and opened < c.due_s and c.escalates_at_s < snap.elapsed_s]


def missed_words(count: int, while_: str = "KAPdesk was closed") -> str:
    if not count:
        return ""
    cues, verb = ("1 cue", "is") if count == 1 else (f"{count} cues", "are")
    return f"{cues} fell due while {while_} and {verb} listed as missed."


def span(seconds: float, signed: bool = False) -> str:
    """'2 h 5 min', '40 s'; with `signed`, '+2 h 0 min' or '−1 h 0 min'."""
    sign = ("+" if seconds >= 0 else "\u2212") if signed else ""
    whole = round(abs(seconds))
    if whole < 60:
        return f"{sign}{whole} s"
    hours, minutes = divmod(whole // 60, 60)
    return f"{sign}{hours} h {minutes} min" if hours else f"{sign}{minutes} min"


def describe(closure: Closure, session: Session | None, missed_count: int = 0) -> str:
    """The closure in words for the room; "" when there is nothing to say. `session`: the
    session whose clock runs, as it read before the closure was stored (or None)."""
    running = session is not None and session.clock_running
    kept = at = ""
    if session is not None and running:
        at = format_t_plus(max(0.0, session.timeline.elapsed_now(closure.last.wall)))
        kept = (f"session time is kept from the last heartbeat ({at}) + the "
                f"{span(closure.counted_s)} that {{how}}")
    check = " Check the time against a watch; correct the dose time if it is wrong."
    where = ("across a restart of the computer" if closure.how == "restart" else
             "(this computer does not say whether it was restarted)")
    if not closure.restart:
        text = ""
        if closure.changed:
            text = (f"The computer's clock changed by {span(closure.change_s, True)} while "
                    "KAPdesk was closed")
            how = "really passed (by the computer's boot clock)"
            text += f"; {kept.format(how=how)}." if running else "."
    elif not closure.believed and closure.wall_s < closure.counted_s:
        text = (f"The computer's clock was set back by at least "
                f"{span(closure.counted_s - closure.wall_s)} while KAPdesk was closed {where}: "
                "it reads earlier than the last heartbeat allows")
        rest = f"; {kept.format(how='surely passed')}; the rest cannot be known.{check}"
        text += rest if running else "."
    elif not closure.believed and session is not None and running:
        length = span(session.protocol.session_minutes * 60)
        text = (f"The computer's clock says {span(closure.wall_s)} passed while KAPdesk "
                f"was closed {where}, which would put this "
                f"{length} session far past its length; that is not believed: "
                + kept.format(how="surely passed") + "." + check)
    elif running and closure.wall_s > TOLERANCE_S:
        text = (f"KAPdesk was closed for {span(closure.wall_s)} {where}, by the computer's "
                "clock; that cannot be checked, and it is counted in session time." + check)
    else:
        text = ""
    if not text and missed_count and running:
        text = f"KAPdesk was closed for {span(closure.counted_s)}, from {at}."
    words = missed_words(missed_count)
    return f"{text} {words}" if text and words else text or words
