"""Tracks decoded a few seconds ahead of playback, on one thread that owns every open file.

A `DecodedStream` turns one file into stereo float32 blocks at the engine's rate with the
track's loudness gain applied from its first sample, and keeps at most `AHEAD_S` seconds
of them: memory stays bounded however long the track is. The `DecoderPool` thread opens,
reads and closes the files, so the mixer never waits on a disk; the mixer only takes
blocks that are already there.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from kapdesk.audio.files import AudioFileError, open_audio, to_stereo
from kapdesk.audio.model import TrackSpec

if TYPE_CHECKING:
    import soundfile as sf
    import soxr

log = logging.getLogger(__name__)

AHEAD_S = 4.0  # decoded audio kept ready per stream
REFILL_S = 2.0  # the decoder thread is woken when a stream holds less than this
BLOCK_S = 0.5  # read from the file per step
UNKNOWN_GAIN_DB = -6.0  # a track neither analysed nor tagged: typical music is louder than -18
EMPTY = np.zeros((0, 2), dtype=np.float32)


class Status(Enum):
    PENDING = "pending"  # not opened yet
    READY = "ready"  # open; blocks are coming
    FAILED = "failed"  # cannot be played; `error` says why


class DecodedStream:
    """One track's decoded audio, filled by the decoder thread and read by the mixer."""

    def __init__(self, spec: TrackSpec, rate: int,
                 wake: Callable[[], None] = lambda: None) -> None:
        self.spec = spec
        self.rate = rate
        self.status = Status.PENDING
        self.error: str | None = None
        self.eof = False  # the last block is in the buffer
        self.total: int | None = None  # frames at the engine rate, from the file's header
        self.consumed = 0  # frames handed to the mixer
        self.gain_db = 0.0
        self.closing = False
        self._blocks: deque[np.ndarray] = deque()
        self._offset = 0  # frames of _blocks[0] already read
        self._buffered = 0
        self._lock = threading.Lock()
        self._file: sf.SoundFile | None = None
        self._resampler: soxr.ResampleStream | None = None
        self._gain = 1.0
        self._block_in = 0
        self._wake = wake

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

    def open(self) -> None:
        try:
            handle = open_audio(self.spec.path)
        except AudioFileError as exc:
            self.fail(exc.reason)
            return
        try:
            self.gain_db = self._gain_db()
            self._gain = 10 ** (self.gain_db / 20)
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
            return
        self._file = handle
        self.status = Status.READY

    def fill(self) -> None:
        """Decode one block into the buffer; at the end of the file, flush and close."""
        assert self._file is not None
        try:
            raw = self._file.read(out=np.empty((self._block_in, self._file.channels),
                                               dtype=np.float32))
            last = len(raw) == 0
            block = EMPTY if last else to_stereo(raw)
            if self._gain != 1.0 and len(block):
                block *= np.float32(self._gain)
            if self._resampler is not None:
                block = self._resampler.resample_chunk(block, last=last)
        except Exception as exc:  # a damaged file can fail half-way through
            log.warning("track %s (%s): read error after %.1f s: %s", self.spec.id,
                        self.spec.path, self.consumed / self.rate, exc)
            self.error = f"read error ({exc})"
            last, block = True, EMPTY
        if len(block):
            with self._lock:
                self._blocks.append(block)
                self._buffered += len(block)
        if last:
            self.eof = True
            self.release()

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

    def _gain_db(self) -> float:
        if self.spec.gain_db is not None:
            return self.spec.gain_db
        from kapdesk.audio.loudness import read_tags

        tagged = read_tags(self.spec.path)
        if tagged is not None:
            return tagged.gain_db
        log.info("track %s (%s) has no loudness analysis or tags: playing at %+.1f dB",
                 self.spec.id, self.spec.path, UNKNOWN_GAIN_DB)
        return UNKNOWN_GAIN_DB


class DecoderPool:
    """The decoder thread and the streams it serves, opened in the order they were added."""

    def __init__(self) -> None:
        self._streams: list[DecodedStream] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._quit = False
        self._thread: threading.Thread | None = None

    def open(self, spec: TrackSpec, rate: int) -> DecodedStream:
        stream = DecodedStream(spec, rate, self._wake.set)
        with self._lock:
            self._streams.append(stream)
        self._wake.set()
        return stream

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
            if not busy:  # every stream full: sleep until one runs low or is added
                self._wake.wait()

    def _serve(self, stream: DecodedStream) -> bool:
        """One step of work on one stream; True if there was some."""
        try:
            if stream.closing:
                stream.release()
                with self._lock:
                    self._streams.remove(stream)
                return False
            if stream.status is Status.PENDING:
                stream.open()
                return True
            if stream.wants_data():
                stream.fill()
                return True
        except Exception as exc:  # never let one bad file stop the music thread
            log.exception("decoder error on track %s", stream.spec.id)
            stream.release()
            stream.fail(f"decoder error ({exc})")
        return False
