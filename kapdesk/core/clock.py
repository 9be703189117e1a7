"""Time, injected. Everything that needs "now" takes a Clock.

A session's instants are stored as UTC; elapsed time is computed from them, never
accumulated from timer ticks. The monotonic and boot clocks let the app notice when
the wall clock jumps (someone set it, NTP stepped it) or the laptop was suspended.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps and stops while suspended."""
        ...

    def boottime(self) -> float:
        """Seconds on a clock that never jumps and keeps counting while suspended."""
        ...

    def boot_id(self) -> str:
        """What names this start of the machine ("" when unknown): the boot clock of one
        boot id can be compared with a later reading of the same boot id."""
        ...


class SystemClock:
    """The real clocks of this machine."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def boottime(self) -> float:
        clock_id = getattr(time, "CLOCK_BOOTTIME", None)
        if clock_id is None:  # not Linux: no way to tell suspend from a jump
            return time.monotonic()
        return time.clock_gettime(clock_id)

    def boot_id(self) -> str:
        try:
            return _BOOT_ID.read_text(encoding="ascii").strip()[:64]
        except (OSError, UnicodeDecodeError):
            return ""  # not Linux: a change while closed can be seen only when set back


class FakeClock:
    """A clock for tests and the self-test: time moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._mono = 1000.0
        self._boot = 1000.0
        self._boot_id = "fake-boot-1"

    def now(self) -> datetime:
        return self._now

    def boot_id(self) -> str:
        return self._boot_id

    def reboot(self, seconds: float = 60.0) -> None:
        """The machine is switched off for `seconds` and started again: a new boot id and
        boot clock; the wall clock moves on."""
        self._now += timedelta(seconds=seconds)
        self._mono = self._boot = 10.0
        self._boot_id = f"fake-boot-{int(self._boot_id.rsplit('-', 1)[1]) + 1}"

    def monotonic(self) -> float:
        return self._mono

    def boottime(self) -> float:
        return self._boot

    def advance(self, seconds: float) -> None:
        """Real time passes: all three clocks move together."""
        self._now += timedelta(seconds=seconds)
        self._mono += seconds
        self._boot += seconds

    def advance_to(self, instant: datetime) -> None:
        """Real time passes until `instant` (never backwards)."""
        seconds = (instant - self._now).total_seconds()
        if seconds < 0:
            raise ValueError("time does not run backwards; use jump_wall for a clock change")
        self.advance(seconds)

    def jump_wall(self, seconds: float) -> None:
        """Somebody sets the system clock: only the wall clock moves."""
        self._now += timedelta(seconds=seconds)

    def suspend(self, seconds: float) -> None:
        """The laptop sleeps: wall and boot clocks move, the monotonic clock does not."""
        self._now += timedelta(seconds=seconds)
        self._boot += seconds


class ScaledClock:
    """Real time sped up by a factor, from a start instant (for demos and the self-test)."""

    def __init__(self, factor: float, start: datetime | None = None) -> None:
        self._factor = factor
        self._start = start or datetime.now(UTC)
        self._t0 = time.monotonic()
        self._boot_id = f"scaled-{uuid.uuid4()}"  # its clocks start again in each process

    def _scaled(self) -> float:
        return (time.monotonic() - self._t0) * self._factor

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._scaled())

    def monotonic(self) -> float:
        return self._scaled()

    def boottime(self) -> float:
        return self._scaled()

    def boot_id(self) -> str:
        return self._boot_id


@dataclass(frozen=True)
class ClockDiscontinuity:
    """What ClockWatch saw between two looks at the clocks."""

    kind: str  # "suspend" | "clock_jump"
    detected_at: datetime
    seconds: float  # suspend: how long asleep; clock_jump: how far the wall clock moved (+/-)

    def describe(self) -> str:
        minutes = abs(self.seconds) / 60
        if self.kind == "suspend":
            return f"The laptop was asleep for {minutes:.1f} min; the session clock kept counting."
        direction = "forward" if self.seconds > 0 else "back"
        return (
            f"The system clock was set {direction} by {minutes:.1f} min; "
            "session times have been kept continuous."
        )


class ClockWatch:
    """Compares the wall clock with the monotonic and boot clocks at each look.

    Between two looks, all three should advance by the same amount. When the wall clock
    moved by more than the monotonic clock, either the laptop slept (the boot clock moved
    too) or the clock was set (it did not). Tolerance absorbs scheduling noise and NTP slew.
    """

    def __init__(self, clock: Clock, tolerance_s: float = 2.0) -> None:
        self._clock = clock
        self._tolerance = tolerance_s
        self._last = self._read()

    def _read(self) -> tuple[datetime, float, float]:
        return self._clock.now(), self._clock.monotonic(), self._clock.boottime()

    def look(self) -> list[ClockDiscontinuity]:
        now, mono, boot = self._read()
        last_now, last_mono, last_boot = self._last
        self._last = (now, mono, boot)
        wall_d = (now - last_now).total_seconds()
        mono_d = mono - last_mono
        boot_d = boot - last_boot
        found: list[ClockDiscontinuity] = []
        slept = boot_d - mono_d
        if slept > self._tolerance:
            found.append(ClockDiscontinuity("suspend", now, slept))
        jump = wall_d - boot_d
        if abs(jump) > self._tolerance:
            found.append(ClockDiscontinuity("clock_jump", now, jump))
        return found


@dataclass(frozen=True)
class Heartbeat:
    """The clocks read together, stored while the app runs and compared at the next start
    (kapdesk.core.closure)."""

    boot_id: str
    wall: datetime
    boottime: float

    @classmethod
    def read(cls, clock: Clock) -> Heartbeat:
        return cls(clock.boot_id(), clock.now(), clock.boottime())

    def to_dict(self) -> dict[str, Any]:
        return {"boot_id": self.boot_id, "wall": self.wall.isoformat(),
                "boottime": self.boottime}

    @classmethod
    def from_dict(cls, data: object) -> Heartbeat | None:
        """None for anything that is not a heartbeat this version wrote."""
        if not isinstance(data, dict):
            return None
        try:
            wall = datetime.fromisoformat(str(data["wall"]))
            boot = float(data["boottime"])
        except (KeyError, TypeError, ValueError):
            return None
        if wall.tzinfo is None or not math.isfinite(boot):
            return None
        return cls(str(data.get("boot_id", ""))[:64], wall, boot)
