"""A track being heard, and the block of output the engine hands to the device."""

from __future__ import annotations

from dataclasses import dataclass, field

from kapdesk.audio.decoder import DecodedStream
from kapdesk.audio.dsp import Ramp
from kapdesk.audio.model import Ended, PlayerEvent, Skipped, TrackSpec


@dataclass
class Block:
    pcm: bytes
    frames: int
    events: list[PlayerEvent] = field(default_factory=list)
    track: TrackSpec | None = None
    position_s: float = 0.0  # of `track` at the block's first frame


class Voice:
    """A track being heard: its stream and its crossfade envelope (0..1, equal power)."""

    __slots__ = ("announced", "env", "lead", "natural", "stream")

    def __init__(self, stream: DecodedStream, ramp_frames: int = 0, lead: int = 0) -> None:
        self.stream = stream
        self.lead = lead  # frames into the next block before it starts
        self.env = Ramp(1.0)
        if ramp_frames > 0:
            self.env.jump(0.0)
            self.env.to(1.0, ramp_frames)
        self.announced = False  # its Started event was sent
        self.natural = True  # False once cut short (next, stop, a new list)

    @property
    def spec(self) -> TrackSpec:
        return self.stream.spec

    @property
    def silent(self) -> bool:
        return self.env.done and self.env.value == 0.0

    def end_event(self, natural: bool) -> PlayerEvent | None:
        """What to report as it stops sounding (None if it never sounded and had no fault)."""
        stream = self.stream
        if stream.drained and stream.consumed == 0:
            return Skipped(self.spec.id, stream.error or "no audio in the file")
        if stream.drained and stream.error:
            played = stream.consumed / stream.rate
            return Skipped(self.spec.id, f"stopped after {played:.0f} s: {stream.error}")
        return Ended(self.spec.id, natural) if self.announced else None
