"""The sound output: pygame's mixer, opened lazily, and a soft chime for waiting cues.

Quiet by default: nothing here plays unless the clinic turned the chime on. Without a
sound device the app carries on; `available` is False and `reason` says why.
"""

from __future__ import annotations

import logging
import math
import os
from array import array

log = logging.getLogger(__name__)

SAMPLE_RATE = 48_000


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
    def __init__(self) -> None:
        self.available = False
        self.reason = "not started"
        self._chime: object | None = None

    def start(self) -> bool:
        """Open the device. False (with `reason`) when there is none: the app goes on."""
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        try:
            import pygame

            pygame.mixer.init(frequency=SAMPLE_RATE, size=-16, channels=2, buffer=1024)
        except Exception as exc:  # pygame.error, or no SDL at all
            self.available = False
            self.reason = f"Audio unavailable: {exc}"
            log.warning("audio unavailable: %s", exc)
            return False
        self.available = True
        self.reason = ""
        return True

    def chime(self) -> None:
        if not self.available and not self.start():
            return
        import pygame

        if self._chime is None:
            rate, _size, channels = pygame.mixer.get_init()
            samples = chime_samples(rate)
            if channels == 1:
                samples = samples[::2]
            self._chime = pygame.mixer.Sound(buffer=samples.tobytes())
        self._chime.play()  # type: ignore[attr-defined]

    def close(self) -> None:
        if self.available:
            import pygame

            pygame.mixer.quit()
            self.available = False
            self.reason = "closed"
            self._chime = None
