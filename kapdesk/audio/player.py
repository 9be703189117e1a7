"""The music player: thread-safe commands that return at once, and events to poll.

    player = MusicPlayer(device)          # cheap; imports nothing heavy
    player.start()                        # False (with .reason) when there is no output
    player.load([TrackSpec(1, path, gain_db), ...]); player.play()
    for event in player.events(): ...     # e.g. from a QTimer every 200-500 ms

Two threads do the work. The decoder thread (decoder.DecoderPool) reads files a few
seconds ahead. The feeder thread renders blocks of about 170 ms with the engine and
queues them on the mixer's music channel, one playing and one queued; SDL_mixer plays
them back to back from C, so a busy Python thread delays nothing audible until a whole
block has gone by. Commands take the same lock as rendering a block (under a millisecond)
and never touch a file or wait for the device. The price of big blocks is latency: a
command is heard after the queued audio, 0.17-0.34 s (stop() shortens its fade by that,
so silence still comes on time); their gain is few wake-ups, which is what costs CPU.

numpy, soundfile and soxr are imported on the first command or on start() (about 0.3 s,
once); call start() after the window is shown.
"""

from __future__ import annotations

import atexit
import functools
import logging
import queue
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kapdesk.audio.device import SAMPLE_RATE, SoundDevice
from kapdesk.audio.model import DeviceLost, PlayerEvent, PlayerState, TrackSpec

if TYPE_CHECKING:
    from kapdesk.audio.decoder import DecoderPool
    from kapdesk.audio.engine import Engine
    from kapdesk.audio.measurer import Measurer
    from kapdesk.audio.voice import Block

log = logging.getLogger(__name__)

BLOCK_FRAMES = 8192  # per queued block: 171 ms at 48 kHz
CLOSE_FADE_S = 0.25  # close() while music sounds: it fades out first
STALL_S = 3.0  # a block that plays this much longer than its length: the output is stuck


def _close_at_exit(ref: weakref.ref[MusicPlayer]) -> None:
    player = ref()
    if player is not None:
        player.close()


@dataclass
class _InFlight:
    sound: Any
    block: Block
    started: float | None = None  # time.monotonic() when it began to play
    released: bool = False  # its events were published


class MusicPlayer:
    def __init__(self, device: SoundDevice | None = None, *,
                 block_frames: int = BLOCK_FRAMES, measure_wait_s: float | None = None) -> None:
        """`measure_wait_s`: how long a track due now waits for its loudness measurement
        before it starts at an estimate (default decoder.MEASURE_WAIT_S)."""
        self._device = device if device is not None else SoundDevice(SAMPLE_RATE)
        self._owns_device = device is None
        self._block_frames = block_frames
        self._measure_wait_s = measure_wait_s
        self._poll_s = block_frames / self._device.rate / 2
        self._lock = threading.RLock()
        self._wake: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._events: deque[PlayerEvent] = deque()
        self._inflight: deque[_InFlight] = deque()
        self._last: _InFlight | None = None
        self._last_tick = 0.0
        self._engine: Engine | None = None
        self._pool: DecoderPool | None = None
        self._measurer: Measurer | None = None
        self._feeder: threading.Thread | None = None
        self._quit = False
        self.available = False
        self.reason = "not started"
        # threads decoding at interpreter exit crash it: close first (atexit is LIFO, so
        # this runs before pygame's own quit, registered when pygame was imported)
        self._at_exit = functools.partial(_close_at_exit, weakref.ref(self))

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> bool:
        """Open the output and start the threads. False, with `reason`, if no output."""
        with self._lock:
            engine = self._ensure_engine()
            if not self._device.open():
                self.available, self.reason = False, self._device.reason
                return False
            assert self._pool is not None
            self._pool.start()
            if self._feeder is None or not self._feeder.is_alive():
                atexit.unregister(self._at_exit)
                atexit.register(self._at_exit)
                self._quit = False
                self._feeder = threading.Thread(target=self._run, name="kapdesk-music",
                                                daemon=True)
                self._feeder.start()
            if not self.available:
                engine.device_restarted()
            self.available, self.reason = True, ""
        self._wake.put(None)
        return True

    def retry(self) -> bool:
        """Reopen the output (after "Audio unavailable" or a lost device)."""
        with self._lock:
            self._device.close()
            self._inflight.clear()
            self.available = False
        return self.start()

    def close(self, fade_s: float = CLOSE_FADE_S) -> None:
        """Fade out what still sounds (never a cut), stop the threads and release the
        output (if this player opened it)."""
        atexit.unregister(self._at_exit)
        self._fade_out_before_close(fade_s)
        self._quit = True
        self._wake.put(None)
        if self._feeder is not None:
            self._feeder.join(2.0)
            self._feeder = None
        with self._lock:
            self._device.stop_music()
            if self._owns_device:
                self._device.close()
            if self._pool is not None:
                self._pool.stop()
        if self._measurer is not None:
            self._measurer.stop()
            self._inflight.clear()
            self.available, self.reason = False, "closed"

    def _fade_out_before_close(self, fade_s: float) -> None:
        with self._lock:
            engine = self._engine
            feeding = self._feeder is not None and self._feeder.is_alive()
            if engine is None or not (engine.rendering and self.available and feeding):
                return
            engine.stop(fade_s, self._unplayed_s())
        self._wake.put(None)
        deadline = time.monotonic() + fade_s + 2 * self._block_frames / self._device.rate
        while time.monotonic() < deadline:
            with self._lock:
                if not engine.rendering and self._unplayed_s() == 0.0:
                    return
            time.sleep(0.01)

    # -- commands (any thread; they return at once) ---------------------------------------
    def load(self, tracks: list[TrackSpec]) -> None:
        self._command(lambda e: e.load(list(tracks)))

    def crossfade_to(self, tracks: list[TrackSpec]) -> None:
        self._command(lambda e: e.crossfade_to(list(tracks)))

    def play(self, fade_s: float | None = None) -> None:
        """From stopped: fade in over fade_s (default 3 s); after pause: 250 ms."""
        self._command(lambda e: e.play(fade_s))

    def pause(self) -> None:
        self._command(lambda e: e.pause())

    def stop(self, fade_s: float = 3.0) -> None:
        """Fade out so that it is silent fade_s after this call (default 3 s)."""
        self._command(lambda e: e.stop(fade_s, self._unplayed_s()))

    def next(self) -> None:
        self._command(lambda e: e.next())

    def previous(self) -> None:
        self._command(lambda e: e.previous())

    def set_crossfade(self, seconds: float) -> None:
        """Crossfade between tracks (default 6 s); 0 plays them back to back, gapless."""
        self._command(lambda e: e.set_crossfade(seconds))

    def set_volume(self, level: float) -> None:
        """0..1 on a perceptual scale (0 silent, 0.5 about -18 dB, 1 full); ramped."""
        self._command(lambda e: e.set_volume(level))

    def measure(self, paths: list[Path]) -> int:
        """Find these files' loudness in the background (each answer comes as a `Measured`
        event); the number waiting. Tracks queued without a gain are measured anyway."""
        with self._lock:
            self._ensure_engine()
            assert self._measurer is not None
            return self._measurer.request(paths)

    def measuring(self) -> int:
        """Files whose loudness is still being found."""
        with self._lock:
            return self._measurer.waiting if self._measurer is not None else 0

    # -- reading --------------------------------------------------------------------------
    @property
    def state(self) -> PlayerState:
        with self._lock:
            return self._engine.state if self._engine is not None else PlayerState.STOPPED

    @property
    def crossfade_s(self) -> float:
        with self._lock:
            return self._ensure_engine().crossfade_s

    def events(self) -> list[PlayerEvent]:
        """What happened since the last call, oldest first."""
        out: list[PlayerEvent] = []
        while self._events:
            out.append(self._events.popleft())
        return out

    def current(self) -> TrackSpec | None:
        """The track being heard (during a crossfade, the incoming one)."""
        with self._lock:
            heard = self._heard()
            if heard is not None and self._engine is not None and self._engine.rendering:
                return heard.block.track
            return self._engine.current() if self._engine is not None else None

    def position(self) -> float:
        """Seconds into the current track, as heard."""
        with self._lock:
            heard = self._heard()
            if heard is not None and heard.started is not None and self._engine is not None \
                    and self._engine.rendering:
                length = heard.block.frames / self._device.rate
                return heard.block.position_s + min(time.monotonic() - heard.started, length)
            return self._engine.position() if self._engine is not None else 0.0

    # -- internals ------------------------------------------------------------------------
    def _ensure_engine(self) -> Engine:
        if self._engine is None:
            from kapdesk.audio.decoder import DecoderPool
            from kapdesk.audio.engine import Engine
            from kapdesk.audio.measurer import Measurer

            self._measurer = Measurer(self._events.append, self._rendering)
            self._pool = DecoderPool(self._measurer) if self._measure_wait_s is None else \
                DecoderPool(self._measurer, self._measure_wait_s)
            self._engine = Engine(self._device.rate, self._pool)
        return self._engine

    def _rendering(self) -> bool:
        engine = self._engine
        return engine is not None and engine.rendering

    def _command(self, action: Callable[[Engine], None]) -> None:
        with self._lock:
            action(self._ensure_engine())
        self._wake.put(None)

    def _unplayed_s(self) -> float:
        """Seconds of audio queued on the channel that have not been heard yet."""
        now, total = time.monotonic(), 0.0
        for entry in self._inflight:
            length = entry.block.frames / self._device.rate
            started = entry.started if entry.started is not None else now
            total += min(length, max(0.0, started + length - now))
        return total

    def _heard(self) -> _InFlight | None:
        return self._inflight[0] if self._inflight else self._last

    def _run(self) -> None:
        while not self._quit:
            try:
                timeout = self._tick()
            except Exception:  # a bug must not end the music thread for good
                log.exception("music feeder")
                timeout = 0.5
            try:  # until a command, or time to top up the channel
                self._wake.get(timeout=timeout)
                while not self._wake.empty():
                    self._wake.get_nowait()
            except queue.Empty:
                pass

    def _tick(self) -> float | None:
        """Publish what started playing, top up the channel; how long until next time."""
        with self._lock:
            engine = self._engine
            if engine is None or not self.available:
                return None
            try:
                with self._device.lock:
                    self._feed(engine)
            except self._device.errors as exc:
                self._lose(str(exc))
                return None
            self._events.extend(engine.take_events())
            return self._poll_s if (self._inflight or engine.rendering) else None

    def _feed(self, engine: Engine) -> None:
        channel = self._device.music_channel()
        now = time.monotonic()
        playing = channel.get_sound()
        if playing is None and self._inflight and engine.rendering:
            log.info("music underrun: the channel ran dry")
        while self._inflight and self._inflight[0].sound is not playing:
            self._release(self._inflight.popleft(), now)
        if self._inflight:
            head = self._inflight[0]
            self._release(head, now)
            assert head.started is not None
            if now - self._last_tick > STALL_S:
                head.started = now  # this thread was held up (a suspend?): look afresh
            elif now - head.started > head.block.frames / self._device.rate + STALL_S:
                raise self._device.errors[0]("the sound output stopped responding")
        self._last_tick = now
        for _ in range(2):  # one block playing and one queued
            if channel.get_queue() is not None:
                break
            block = engine.render(self._block_frames)
            if block is None:
                break
            sound = self._device.sound(block.pcm)
            idle = channel.get_sound() is None
            channel.queue(sound)
            entry = _InFlight(sound, block)
            self._inflight.append(entry)
            if idle:
                self._release(entry, now)

    def _release(self, entry: _InFlight, now: float) -> None:
        if not entry.released:
            entry.released = True
            entry.started = now
            self._events.extend(entry.block.events)
        self._last = entry

    def _lose(self, reason: str) -> None:
        log.warning("music output lost: %s", reason)
        for entry in self._inflight:
            self._release(entry, time.monotonic())
        self._inflight.clear()
        self.available = False
        self.reason = f"Audio unavailable: {reason}"
        self._events.append(DeviceLost(reason))
