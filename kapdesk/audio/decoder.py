"""Tracks decoded a few seconds ahead of playback, on one thread that owns every open file.

A `DecodedStream` turns one file into stereo float32 blocks at the engine's rate with the
track's loudness gain applied from its first sample, and keeps at most `AHEAD_S` seconds
of them: memory stays bounded however long the track is. The `DecoderPool` thread opens,
reads and closes the files, so the mixer never waits on a disk; the mixer only takes
blocks that are already there.

The gain: the one the track came with (measured earlier and stored), else its ReplayGain
tags, else the background measurer's (kapdesk.audio.measurer). A track without one is
measured ahead: asked for as soon as it is queued, with the time it is due, and opened
once the answer is in, so that it starts at its true level. That is the rule; the
fallback is for a track due before its measurement is done (play pressed at once on an
unmeasured list, a very long file): it waits up to MEASURE_WAIT_S, then starts at an
estimate from its opening seconds that errs low and never lifts (kapdesk.audio.gain),
and glides to the measured gain over SETTLE_S when the answer comes. Measuring ahead
is chosen over starting low and settling because in a session the list is known minutes
before each track, so the measurement is nearly always in time and no track drifts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from kapdesk.audio.files import AudioFileError, open_audio, to_stereo
from kapdesk.audio.gain import SETTLE_S, TrackGain, estimate
from kapdesk.audio.gain_source import MEASURE_WAIT_S, GainSource
from kapdesk.audio.model import TrackSpec

if TYPE_CHECKING:
    import soxr

    from kapdesk.audio.files import AudioReader
    from kapdesk.audio.measurer import Measurer

log = logging.getLogger(__name__)

AHEAD_S = 4.0  # decoded audio kept ready per stream
REFILL_S = 2.0  # the decoder thread is woken when a stream holds less than this
BLOCK_S = 0.5  # read from the file per step
OPENING_S = 10.0  # seconds decoded at once for an estimate when it cannot wait
EMPTY = np.zeros((0, 2), dtype=np.float32)


class Status(Enum):
    PENDING = "pending"  # not opened yet
    READY = "ready"  # open; blocks are coming
    FAILED = "failed"  # cannot be played; `error` says why


class DecodedStream:
    """One track's decoded audio, filled by the decoder thread and read by the mixer."""

    def __init__(self, spec: TrackSpec, rate: int, wake: Callable[[], None] = lambda: None,
                 measurer: Measurer | None = None, due_in_s: float = 0.0,
                 wait_s: float = MEASURE_WAIT_S) -> None:
        self.spec = spec
        self.rate = rate
        self.status = Status.PENDING
        self.error: str | None = None
        self.eof = False  # the last block is in the buffer
        self.total: int | None = None  # frames at the engine rate, from the file's header
        self.consumed = 0  # frames handed to the mixer
        self.gain_db = 0.0
        self.provisional = False  # gain_db is an estimate; the measurement will correct it
        self.closing = False
        self._blocks: deque[np.ndarray] = deque()
        self._offset = 0  # frames of _blocks[0] already read
        self._buffered = 0
        self._lock = threading.Lock()
        self._file: AudioReader | None = None
        self._resampler: soxr.ResampleStream | None = None
        self._gain = TrackGain(0.0)
        self._block_in = 0
        self._wake = wake
        self.source = GainSource(spec, measurer, due_in_s, wait_s)

    # -- the mixer's side ---------------------------------------------------------------
    @property
    def buffered(self) -> int:
        return self._buffered

    @property
    def drained(self) -> bool:
        """Everything the file holds has been read (or it failed)."""
        return self.eof and self._buffered == 0

    def ready(self, frames: int) -> bool:
        """Settled: failed, or open with `frames` frames (or the whole rest) buffered."""
        if self.status is Status.FAILED:
            return True
        return self.status is Status.READY and (self.eof or self._buffered >= frames)

    def remaining(self) -> int | None:
        """Frames left to play: exact once the end is buffered, else from the header."""
        if self.eof:
            return self._buffered
        if self.total is None:
            return None
        return max(self.total - self.consumed, self._buffered)

    def read(self, frames: int) -> np.ndarray:
        """Up to `frames` frames (fewer at the end, or if the decoder is behind)."""
        parts: list[np.ndarray] = []
        with self._lock:
            while frames > 0 and self._blocks:
                block = self._blocks[0]
                take = min(len(block) - self._offset, frames)
                parts.append(block[self._offset:self._offset + take])
                frames -= take
                self._offset += take
                if self._offset == len(block):
                    self._blocks.popleft()
                    self._offset = 0
            got = sum(len(part) for part in parts)
            self._buffered -= got
            self.consumed += got
        if self._buffered < REFILL_S * self.rate and not self.eof:
            self._wake()  # one wake-up every REFILL_S or so, to top up to AHEAD_S
        if not parts:
            return EMPTY
        return parts[0].copy() if len(parts) == 1 else np.concatenate(parts)

    # -- the decoder thread's side ------------------------------------------------------
    def wants_data(self) -> bool:
        return (self.status is Status.READY and not self.eof and not self.closing
                and self._buffered < AHEAD_S * self.rate)

    def open(self) -> bool:
        """Open the file, once its gain is known or it cannot wait any longer. False while
        it waits (nothing done)."""
        if self.source.may_wait():
            return False
        try:
            handle = open_audio(self.spec.path)
        except AudioFileError as exc:
            self.fail(exc.reason)
            return True
        try:
            if handle.samplerate != self.rate:
                import soxr

                self._resampler = soxr.ResampleStream(handle.samplerate, self.rate, 2,
                                                      dtype="float32", quality="HQ")
            if handle.frames > 0:
                self.total = round(handle.frames * self.rate / handle.samplerate)
            self._block_in = max(1024, int(BLOCK_S * handle.samplerate))
        except Exception as exc:  # a broken resampler setup must not kill the thread
            handle.close()
            self.fail(f"cannot decode ({exc})")
            return True
        self._file = handle
        self.status = Status.READY
        if self.source.known is not None:
            self._set_gain(self.source.known)
        else:
            self._start_with_estimate()
        return True

    def _set_gain(self, db: float) -> None:
        self.gain_db = db
        self._gain = TrackGain(db)

    def _start_with_estimate(self) -> None:
        """Decode the opening seconds now, and start them at a gain estimated from them."""
        assert self._file is not None
        opening: list[np.ndarray] = []
        frames = 0
        while frames < OPENING_S * self._file.samplerate and not self.eof:
            block = self._decode()
            opening.append(block)
            frames += len(block)
        audio = np.concatenate(opening) if opening else EMPTY
        db = estimate(audio, self.rate) if len(audio) else 0.0
        self.provisional = not self.eof
        log.info("track %s (%s) is not measured yet: starting at an estimate of %+.1f dB",
                 self.spec.id, self.spec.path, db)
        self._set_gain(db)
        self._gain.apply(audio)
        self._push(audio)

    def settle(self) -> None:
        """If the measurement of a provisionally started track is in, glide to it: at once
        if nothing has been heard yet, else over SETTLE_S from the next frame heard."""
        new = self.source.measured()
        if new is None:
            return
        self.provisional = False
        if new == self.gain_db:
            return
        old = self.gain_db
        self.gain_db = new
        log.info("track %s: measured, the gain settles from %+.1f to %+.1f dB", self.spec.id,
                 old, new)
        change = TrackGain(0.0)  # relative to the estimate the buffer was decoded at
        change.settle_to(new - old, 1 if self.consumed == 0 else int(SETTLE_S * self.rate))
        with self._lock:  # what is buffered but not heard yet glides first
            for i, block in enumerate(self._blocks):
                change.apply(block[self._offset:] if i == 0 else block)
        reached = old + change.db
        self._gain = TrackGain(reached)  # then what is decoded next, at the same speed
        self._gain.settle_to(new, max(1, round(abs(new - reached) / abs(new - old)
                                                * SETTLE_S * self.rate)))

    @property
    def waiting(self) -> bool:
        """Not opened yet because its measurement is awaited."""
        return self.status is Status.PENDING and self.source.asked

    def fill(self) -> None:
        """Decode one block into the buffer; at the end of the file, flush and close."""
        self._push(self._decode())

    def _decode(self) -> np.ndarray:
        """The next block at the engine's rate with the gain applied (EMPTY at the end,
        which then sets `eof` and closes the file)."""
        assert self._file is not None
        try:
            raw = self._file.read(out=np.empty((self._block_in, self._file.channels),
                                               dtype=np.float32))
            last = len(raw) == 0
            block = EMPTY if last else to_stereo(raw)
            if self._resampler is not None:
                block = self._resampler.resample_chunk(block, last=last)
            self._gain.apply(block)  # after resampling, so a change of gain is exact
        except Exception as exc:  # a damaged file can fail half-way through
            log.warning("track %s (%s): read error after %.1f s: %s", self.spec.id,
                        self.spec.path, self.consumed / self.rate, exc)
            self.error = f"read error ({exc})"
            last, block = True, EMPTY
        if last:
            self.eof = True
            self.release()
        return block

    def _push(self, block: np.ndarray) -> None:
        if len(block):
            with self._lock:
                self._blocks.append(block)
                self._buffered += len(block)

    def fail(self, reason: str) -> None:
        log.warning("skipping track %s (%s): %s", self.spec.id, self.spec.path, reason)
        self.error = reason
        self.eof = True
        self.status = Status.FAILED

    def release(self) -> None:
        """Close the file (decoder thread only)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._resampler = None

class DecoderPool:
    """The decoder thread and the streams it serves, opened in the order they were added."""

    def __init__(self, measurer: Measurer | None = None,
                 measure_wait_s: float = MEASURE_WAIT_S) -> None:
        self.measurer = measurer
        self.measure_wait_s = measure_wait_s
        self._streams: list[DecodedStream] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._quit = False
        self._thread: threading.Thread | None = None
        if measurer is not None:
            measurer.listeners.append(self._wake.set)

    def open(self, spec: TrackSpec, rate: int, due_in_s: float = 0.0) -> DecodedStream:
        """A stream for the track, due to be heard in `due_in_s` seconds."""
        stream = DecodedStream(spec, rate, self._wake.set, self.measurer, due_in_s,
                               self.measure_wait_s)
        with self._lock:
            self._streams.append(stream)
        self._wake.set()
        return stream

    def measure_later(self, specs: list[TrackSpec]) -> None:
        """Have the tracks without a gain measured in the background, in this order."""
        if self.measurer is not None:
            self.measurer.request(s.path for s in specs if s.gain_db is None)

    def drop(self, stream: DecodedStream) -> None:
        """Forget a stream; its file is closed by the decoder thread."""
        stream.closing = True
        self._wake.set()

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._quit = False
            self._thread = threading.Thread(target=self._run, name="kapdesk-decoder",
                                            daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        self._quit = True
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():  # stuck on a slow disk: it owns the files, leave them
                log.warning("the decoder thread did not stop within %.0f s", timeout_s)
                return
        with self._lock:
            streams, self._streams = self._streams, []
        for stream in streams:
            stream.release()

    def _run(self) -> None:
        while not self._quit:
            self._wake.clear()
            with self._lock:
                streams = list(self._streams)
            busy = False
            for stream in streams:
                busy = self._serve(stream) or busy
            if not busy:  # every stream full: sleep until one runs low or is added, a
                # measurement comes in, or a stream waiting for one must open anyway
                due = [s.source.open_by for s in streams if s.waiting]
                self._wake.wait(max(0.01, min(due) - time.monotonic()) if due else None)

    def _serve(self, stream: DecodedStream) -> bool:
        """One step of work on one stream; True if there was some."""
        try:
            if stream.closing:
                stream.release()
                with self._lock:
                    self._streams.remove(stream)
                return False
            if stream.status is Status.PENDING:
                return stream.open()
            if stream.provisional:
                stream.settle()
            if stream.wants_data():
                stream.fill()
                return True
        except Exception as exc:  # never let one bad file stop the music thread
            log.exception("decoder error on track %s", stream.spec.id)
            stream.release()
            stream.fail(f"decoder error ({exc})")
        return False
