"""The soft chime for waiting cues, on the shared sound device.

Quiet by default: nothing here plays unless the clinic turned the chime on. Without a
sound device the app carries on; `available` is False and `reason` says why. Given the
`SoundDevice` the music player uses, the chime is mixed over the music; without one it
opens its own (and closes it in `close()`).
"""

from __future__ import annotations

import logging
import math
from array import array
from typing import Any

from kapdesk.audio.device import SAMPLE_RATE, SoundDevice

log = logging.getLogger(__name__)


def chime_samples(rate: int = SAMPLE_RATE, seconds: float = 1.6, level: float = 0.18,
                  ) -> array[int]:
    """A soft two-partial bell: 20 ms fade-in, exponential decay, 16-bit stereo."""
    out = array("h")
    attack = int(0.02 * rate)
    total = int(seconds * rate)
    for n in range(total):
        t = n / rate
        envelope = min(1.0, n / attack) * math.exp(-3.2 * t) * (1 - n / total)
        value = 0.75 * math.sin(2 * math.pi * 523.25 * t) + 0.25 * math.sin(
            2 * math.pi * 784.0 * t)
        sample = int(32767 * level * envelope * value)
        out.append(sample)
        out.append(sample)
    return out


class MixerOutput:
    def __init__(self, device: SoundDevice | None = None) -> None:
        self._device = device if device is not None else SoundDevice(SAMPLE_RATE)
        self._owns_device = device is None
        self._chime: Any = None
        self._chime_generation = -1

    @property
    def available(self) -> bool:
        return self._device.available

    @property
    def reason(self) -> str:
        return self._device.reason

    def start(self) -> bool:
        """Open the device. False (with `reason`) when there is none: the app goes on."""
        return self._device.open()

    def chime(self) -> None:
        if not self.available and not self.start():
            return
        try:
            if self._chime is None or self._chime_generation != self._device.generation:
                samples = chime_samples(self._device.rate)
                self._chime = self._device.sound(samples.tobytes())
                self._chime_generation = self._device.generation
            self._device.play_effect(self._chime)
        except self._device.errors as exc:
            log.warning("chime: %s", exc)

    def close(self) -> None:
        self._chime = None
        if self._owns_device:
            self._device.close()
