"""Loudness found in the background, so that no track plays at a guessed level.

One worker thread measures the files it is asked about (ReplayGain tags when a file has
them, else BS.1770 with kapdesk.audio.loudness) and remembers the answer for the life of
the player, by path and the file's size and modification time. Each answer is also handed
to `on_result` (the player publishes it as a `Measured` event, and the UI stores it).

A request may carry a deadline: the time by which the track may be needed. The worker
takes the request due first, and paces itself to finish just in time: while music plays
it measures no faster than that needs and never slower than MIN_PACE times real time,
because its work competes with the music's on the same cores (the bench's
`music_cpu_ratio`); with no music playing, or past the deadline, it runs flat out. The
thread also lowers its own scheduling priority where the system allows it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kapdesk.audio.files import AudioFileError
from kapdesk.audio.model import Measured
from kapdesk.core.playlist import track_key

log = logging.getLogger(__name__)

MIN_PACE = 1.0  # while music plays: at least this many seconds of audio per second
BACKGROUND_S = 3600.0  # a request without a deadline is due this far ahead
NICE = 10


class Cancelled(Exception):
    """The measurement was abandoned (the player is closing)."""


@dataclass
class _Request:
    path: Path
    due: float  # time.monotonic() by which it may be needed


def _stamp(path: Path) -> tuple[int, float] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime


class Measurer:
    def __init__(self, on_result: Callable[[Measured], None] = lambda _m: None,
                 music_playing: Callable[[], bool] = lambda: False) -> None:
        self._on_result = on_result
        self._playing = music_playing
        self._known: dict[str, Measured] = {}
        self._wanted: dict[str, _Request] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._quit = False
        self._thread: threading.Thread | None = None
        self.listeners: list[Callable[[], None]] = []  # told when an answer is known

    # -- any thread ---------------------------------------------------------------------
    def request(self, paths: Iterable[Path], due_in_s: float | None = None) -> int:
        """Measure these files (unless known); needed within `due_in_s` seconds (None: in
        the background). An earlier deadline for a file already asked for replaces the
        later one. Returns how many are now waiting."""
        due = time.monotonic() + (BACKGROUND_S if due_in_s is None else max(0.0, due_in_s))
        with self._lock:
            for path in paths:
                key = track_key(path)
                if self._lookup(key) is not None:
                    continue
                asked = self._wanted.get(key)
                if asked is None:
                    self._wanted[key] = _Request(Path(key), due)
                elif due < asked.due:
                    asked.due = due
            waiting = len(self._wanted)
        if waiting:
            self._start()
            self._wake.set()
        return waiting

    def result(self, path: Path) -> Measured | None:
        """The answer for this file as it is now, or None if not known (yet)."""
        with self._lock:
            return self._lookup(track_key(path))

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._wanted)

    def stop(self, timeout_s: float = 2.0) -> None:
        self._quit = True
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout_s)

    # -- the worker ----------------------------------------------------------------------
    def _lookup(self, key: str) -> Measured | None:
        known = self._known.get(key)
        if known is None or (_stamp(Path(key)) or (0, 0.0)) != known.stamp:
            return None
        return known

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._quit = False
            self._thread = threading.Thread(target=self._run, name="kapdesk-loudness",
                                            daemon=True)
            self._thread.start()

    def _run(self) -> None:
        with contextlib.suppress(AttributeError, OSError):  # Linux: a thread's own nice
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
        while not self._quit:
            with self._lock:
                chosen = min(self._wanted.values(), key=lambda r: r.due, default=None)
            if chosen is None:
                self._wake.clear()
                with self._lock:
                    idle = not self._wanted
                if idle:
                    self._wake.wait()
                continue
            try:
                result = self._measure(chosen)
            except Cancelled:
                return
            with self._lock:
                self._wanted.pop(track_key(chosen.path), None)
                self._known[track_key(chosen.path)] = result
            self._on_result(result)
            for listener in list(self.listeners):
                listener()

    def _measure(self, request: _Request) -> Measured:
        from kapdesk.audio.loudness import analyse

        path = request.path
        stamp = _stamp(path) or (0, 0.0)
        length = self._length(path)
        done = [0.0, time.monotonic()]  # seconds of audio measured; when the last block ended

        def pace(seconds: float) -> None:
            """After each block: sleep so that it took no less than its share of time."""
            if self._quit:
                raise Cancelled
            done[0] += seconds
            now = time.monotonic()
            if self._playing() and now < request.due:
                left = length - done[0]
                speed = max(MIN_PACE, left / max(request.due - now, 1e-3)) \
                    if math.isfinite(left) else MIN_PACE
                wait = seconds / speed - (now - done[1])
                if wait > 0:
                    time.sleep(min(wait, 1.0))
            done[1] = time.monotonic()

        try:
            loud = analyse(path, pace)
        except AudioFileError as exc:
            return Measured(path, stamp, error=exc.reason)
        except Cancelled:
            raise
        except Exception as exc:  # a broken file must never stop the worker
            log.warning("loudness of %s: %s", path, exc)
            return Measured(path, stamp, error=f"cannot be measured ({exc})")
        log.info("loudness of %s: %s LUFS, peak %s dBTP, gain %+.2f dB (%s)", path,
                 loud.integrated_lufs, loud.true_peak_dbfs, loud.gain_db, loud.source)
        return Measured(path, stamp, loud.gain_db, loud.integrated_lufs, loud.true_peak_dbfs,
                        loud.source, length if math.isfinite(length) else None)

    @staticmethod
    def _length(path: Path) -> float:
        """The file's length in seconds from its header (inf if it does not say)."""
        from kapdesk.audio.files import open_audio

        try:
            with open_audio(path) as handle:
                if handle.frames > 0 and handle.samplerate > 0:
                    return float(handle.frames / handle.samplerate)
        except (AudioFileError, RuntimeError, OSError):
            pass
        return math.inf
