"""Gain ramps, fade curves and the output safety limiter (numpy, per block of frames)."""

from __future__ import annotations

import math

import numpy as np

KNEE = 0.89  # about -1 dBFS: below this the limiter leaves samples untouched
CEILING = 0.99  # the limiter's output never reaches this, so int16 never hits full scale


def taper(level: float | np.ndarray) -> float | np.ndarray:
    """Perceptual level 0..1 -> amplitude: cubic, so 0.5 is -18 dB and 0.1 is -60 dB.

    Used for the volume control and for fades, so that a linear ramp of the level sounds
    like an even fade rather than one that hangs loud and then drops off."""
    return level * level * level


def equal_power(position: float | np.ndarray) -> float | np.ndarray:
    """Crossfade envelope 0..1 -> amplitude sin(pi/2 x): an incoming and an outgoing track
    at x and 1-x keep constant total power, so a crossfade neither dips nor swells."""
    if isinstance(position, np.ndarray):
        return np.sin(position * (math.pi / 2)).astype(np.float32)
    return math.sin(position * (math.pi / 2))


class Ramp:
    """A value moving linearly to a target over a number of frames, advanced per frame;
    optionally holding still for a number of frames first."""

    __slots__ = ("_hold", "_step", "target", "value")

    def __init__(self, value: float = 0.0) -> None:
        self.value = value
        self.target = value
        self._step = 0.0
        self._hold = 0

    def jump(self, value: float) -> None:
        self.value = self.target = value
        self._step = 0.0
        self._hold = 0

    def to(self, target: float, frames: float, delay: int = 0) -> None:
        """Head for `target`, reaching it in `frames` frames (at once when frames <= 0)
        after holding the present value for `delay` frames."""
        self.target = target
        if (frames <= 0 and delay <= 0) or target == self.value:
            self.jump(target)
        else:
            self._step = (target - self.value) / max(frames, 1)
            self._hold = max(0, int(delay))

    @property
    def done(self) -> bool:
        return self.value == self.target

    def frames_left(self) -> int:
        if self.done:
            return 0
        return self._hold + math.ceil(abs(self.target - self.value) / abs(self._step))

    def take(self, frames: int) -> float | np.ndarray:
        """The values for the next `frames` frames (a float while it stands still)."""
        if self.done:
            return self.value
        hold = min(self._hold, frames)
        self._hold -= hold
        if hold == frames:
            return self.value
        values = np.full(frames, self.value, dtype=np.float64)
        values[hold:] += self._step * np.arange(1, frames - hold + 1, dtype=np.float64)
        if self._step > 0:
            np.minimum(values, self.target, out=values)
        else:
            np.maximum(values, self.target, out=values)
        self.value = float(values[-1])
        return values.astype(np.float32)


def apply_gain(block: np.ndarray, gain: float | np.ndarray) -> None:
    """block (frames, 2) *= gain, a constant or one value per frame; in place."""
    if isinstance(gain, np.ndarray):
        block *= gain[:, None]
    elif gain != 1.0:
        block *= gain


def soft_limit(block: np.ndarray) -> None:
    """Never clip: samples above KNEE bend smoothly (tanh) towards CEILING. In place.

    Loudness gains already keep each track's true peak at or below -1 dBTP; this only acts
    on the rare sum of two loud tracks in a crossfade."""
    magnitude = np.abs(block)
    if float(magnitude.max(initial=0.0)) <= KNEE:
        return
    over = magnitude > KNEE
    room = CEILING - KNEE
    bent = KNEE + room * np.tanh((magnitude[over] - KNEE) / room)
    block[over] = np.copysign(bent, block[over])


def to_pcm16(block: np.ndarray) -> bytes:
    """float32 (frames, 2) within (-1, 1) -> interleaved native-endian 16-bit PCM."""
    return (block * 32767.0).astype(np.int16).tobytes()
