"""The one sound output: pygame's mixer (SDL_mixer), opened on demand.

16-bit stereo at a fixed rate (SDL converts if the hardware differs, so what we hand it
plays at the right speed). Channel 0 is reserved for the music engine, which feeds it
short blocks of PCM that SDL_mixer queues back to back without a gap; other sounds (the
chime) play on the remaining channels, mixed in by SDL. pygame is imported only here,
lazily, so importing this module costs nothing at start-up.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygame.mixer import Channel, Sound

log = logging.getLogger(__name__)

SAMPLE_RATE = 48_000
BUFFER_FRAMES = 1024  # SDL's device buffer: about 21 ms at 48 kHz
MUSIC_CHANNEL = 0


class SoundDevice:
    """Open/close the mixer; without a device `available` is False and `reason` says why."""

    def __init__(self, rate: int = SAMPLE_RATE, buffer_frames: int = BUFFER_FRAMES) -> None:
        self.rate = rate
        self.buffer_frames = buffer_frames
        self.available = False
        self.reason = "not started"
        self.generation = 0  # counts openings: sounds made for an older one are stale
        # held around every mixer call and around open/close: pygame's Channel.queue does
        # not check that the mixer is open, and crashes if it was closed meanwhile
        self.lock = threading.RLock()

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """The exceptions a mixer call raises when the output is gone."""
        import pygame

        return (pygame.error,)

    def open(self) -> bool:
        """Open the output (again). False, with `reason`, when there is none."""
        with self.lock:
            return self._open()

    def _open(self) -> bool:
        if self.available:
            return True
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        try:
            import pygame

            wanted = (self.rate, -16, 2)
            found = pygame.mixer.get_init()
            if found is not None and found != wanted:
                log.info("reopening the mixer as %s (it was %s)", wanted, found)
                pygame.mixer.quit()
            # allowedchanges=0: SDL converts to whatever the hardware wants, so the rate
            # we mix at is the rate that is played (no 48 kHz music at 44.1 kHz speed)
            pygame.mixer.init(frequency=self.rate, size=-16, channels=2,
                              buffer=self.buffer_frames, allowedchanges=0)
            pygame.mixer.set_reserved(MUSIC_CHANNEL + 1)
        except Exception as exc:  # pygame.error, or no SDL at all
            self.available = False
            self.reason = f"Audio unavailable: {exc}"
            log.warning("audio unavailable: %s", exc)
            return False
        self.available = True
        self.reason = ""
        self.generation += 1
        return True

    def close(self) -> None:
        with self.lock:
            if not self.available:
                return
            self.available = False
            self.reason = "closed"
            import pygame

            try:
                if pygame.mixer.get_init() is not None:
                    # silence the music channel first: pygame's quit() frees its channel
                    # table while the audio thread may still be ending a block on it
                    pygame.mixer.Channel(MUSIC_CHANNEL).stop()
                pygame.mixer.quit()
            except pygame.error as exc:
                log.warning("closing the mixer: %s", exc)

    def music_channel(self) -> Channel:
        """The music's channel; pygame.error if the mixer is not open (any more)."""
        import pygame

        if not self.available or pygame.mixer.get_init() is None:
            raise pygame.error("the sound output was closed")
        return pygame.mixer.Channel(MUSIC_CHANNEL)

    def stop_music(self) -> None:
        """Silence the music channel at once (the player's own fades come before this)."""
        with self.lock:
            try:
                if self.available:
                    self.music_channel().stop()
            except self.errors as exc:
                log.warning("stopping the music channel: %s", exc)

    def sound(self, pcm: bytes) -> Sound:
        """16-bit interleaved stereo PCM at `rate` as a mixer Sound."""
        import pygame

        return pygame.mixer.Sound(buffer=pcm)

    def play_effect(self, sound: Any) -> None:
        """Play a short sound on a free channel (never the music's)."""
        with self.lock:
            if self.available:
                sound.play()
