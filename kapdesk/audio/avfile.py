"""AAC and ALAC (MP4/M4A, as Apple's tools write them) decoded by FFmpeg through PyAV.

libsndfile, which reads everything else, has no MP4. `AvFile` reads like the SoundFile
the rest of the engine uses: `samplerate`, `channels`, `frames` (from the container; 0 if
it does not say), `read(out=...)` of float32 frames straight through, `close()`. PyAV is
imported only when such a file is opened; its wheel brings FFmpeg's libraries with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

# Opened with FFmpeg: by suffix, or any file whose header says it is MP4 ("ftyp").
FFMPEG_SUFFIXES = frozenset({".m4a", ".mp4", ".m4b", ".aac", ".alac"})


def wants_ffmpeg(path: Path, head: bytes) -> bool:
    return path.suffix.lower() in FFMPEG_SUFFIXES or head[4:8] == b"ftyp"


class AvFile:
    def __init__(self, path: Path) -> None:
        import av

        self._container: Any = av.open(str(path), metadata_errors="ignore")
        try:
            streams = self._container.streams.audio
            if not streams:
                raise ValueError("no audio stream in the file")
            stream = streams[0]
            context = stream.codec_context
            context.thread_type = "NONE"  # no decoder threads of its own: one is enough
            self.samplerate = int(context.sample_rate or stream.rate or 0)
            self.channels = int(context.channels or 0)
            if self.samplerate <= 0 or self.channels <= 0:
                raise ValueError("no audio stream in the file")
            self.codec = str(context.name)
            self.frames = self._length(stream)
            self._resampler = av.AudioResampler(format="flt", layout=context.layout,
                                                rate=self.samplerate)
            self._frames = self._container.decode(stream)
        except Exception:
            self._container.close()
            raise
        self._left = np.zeros((0, self.channels), dtype=np.float32)
        self._ended = False
        self.closed = False
        try:  # decode the first frames now: a file that cannot be decoded fails here
            first = self._more()
        except Exception:
            self.close()
            raise
        if first is None:
            self.close()
            raise ValueError("no audio in the file")
        self._left = first

    def _length(self, stream: Any) -> int:
        if stream.duration and stream.time_base:
            return max(0, round(float(stream.duration * stream.time_base) * self.samplerate))
        if self._container.duration:
            return max(0, round(int(self._container.duration) / 1_000_000 * self.samplerate))
        return 0

    def _more(self) -> np.ndarray | None:
        """The next decoded frames, (n, channels) float32; None at the end."""
        import av

        while not self._ended:
            try:
                frame = next(self._frames, None)
                converted = self._resampler.resample(frame)
            except av.FFmpegError as exc:
                detail = str(getattr(exc, "strerror", None) or exc).strip().rstrip(".")
                raise RuntimeError(f"cannot decode the audio: {detail.lower()}") from None
            if frame is None:
                self._ended = True
            parts = [f.to_ndarray().reshape(-1, self.channels) for f in converted]
            if parts:
                return np.concatenate(parts) if len(parts) > 1 else parts[0]
        return None

    def read(self, frames: int = -1, dtype: str = "float32", *,
             out: np.ndarray | None = None) -> np.ndarray:
        """Up to len(out) frames into `out` (float32, (n, channels)); fewer at the end."""
        if out is None:
            out = np.empty((max(frames, 0), self.channels), dtype=np.float32)
        filled = 0
        while filled < len(out):
            if not len(self._left):
                more = self._more()
                if more is None:
                    break
                self._left = more
            take = min(len(out) - filled, len(self._left))
            out[filled:filled + take] = self._left[:take]
            self._left = self._left[take:]
            filled += take
        return out[:filled]

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._container.close()

    def __enter__(self) -> AvFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
