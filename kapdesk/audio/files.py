"""Opening audio files for decoding, with reasons a person can act on when that fails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf

from kapdesk.audio.avfile import AvFile, wants_ffmpeg


class AudioFileError(Exception):
    """An audio file that cannot be played; `reason` says why in plain words."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StreamingFile(sf.SoundFile):  # type: ignore[misc]  # soundfile ships no types
    """A SoundFile read straight through, never seeking.

    On a seekable file soundfile 0.14 seeks back to where it is after every read. For
    MP3 that restarts libsndfile's decoder, which then loses the start of every block
    (silence inside the track); for OGG and FLAC it costs a seek per block. Claiming
    not to be seekable skips those seeks; read with `out=` (see `read_blocks`)."""

    def seekable(self) -> bool:
        return False


def read_blocks(handle: StreamingFile | AvFile, frames: int) -> Iterator[np.ndarray]:
    """float32 (frames, channels) blocks to the end of the file, each a new array."""
    while True:
        block = handle.read(out=np.empty((frames, handle.channels), dtype=np.float32))
        if len(block) == 0:
            return
        yield block


AudioReader = StreamingFile | AvFile


def open_audio(path: Path) -> AudioReader:
    """The file opened for reading: Ogg Vorbis and Opus, FLAC, WAV, MP3, AIFF, ... as
    libsndfile knows them; AAC and ALAC in MP4/M4A by FFmpeg (kapdesk.audio.avfile)."""
    path = Path(path)
    try:
        if not path.is_file():
            raise AudioFileError(path, "not a file" if path.exists() else "file not found")
        if path.stat().st_size == 0:
            raise AudioFileError(path, "the file is empty")
        with open(path, "rb") as f:
            head = f.read(16)
        if wants_ffmpeg(path, head):
            return _open_ffmpeg(path)
        handle = StreamingFile(str(path))
    except AudioFileError:
        raise
    except sf.LibsndfileError as exc:
        raise AudioFileError(path, not_audio_reason(path, str(exc))) from None
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        raise AudioFileError(path, f"cannot read the file ({exc})") from None
    if handle.samplerate <= 0 or handle.channels <= 0:
        handle.close()
        raise AudioFileError(path, "no audio stream in the file")
    return handle


def _open_ffmpeg(path: Path) -> AvFile:
    try:
        return AvFile(path)
    except ImportError:
        raise AudioFileError(path, "MP4/M4A audio needs FFmpeg (the PyAV package), which "
                             "is not installed") from None
    except Exception as exc:  # FFmpeg fails in many ways on a broken file
        detail = str(getattr(exc, "strerror", None) or exc).strip().rstrip(".")
        reason = not_audio_reason(path, detail)
        if reason.startswith("unsupported or damaged audio file"):
            reason = f"unsupported or damaged MP4/M4A file (FFmpeg: {detail})"
        raise AudioFileError(path, reason) from None


_MAGIC = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF8", "a GIF image"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"),
          (b"\x7fELF", "a program"), (b"MZ", "a program"))


def not_audio_reason(path: Path, detail: str) -> str:
    """Why libsndfile refused a file, in words: what the file is when it is plainly not
    audio (text, an image...), else the decoder's own reason (never its "possibly a pipe?",
    which it says of any MP3 it cannot sync to)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError as exc:
        return f"cannot read the file ({exc.strerror or exc})"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"this is {what}, not audio"
    if head and b"\x00" not in head:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        if text and sum(c.isprintable() or c in "\t\r\n" for c in text) >= 0.98 * len(text):
            return "this is a text file, not audio"
    detail = detail.rsplit(": ", 1)[-1].strip().rstrip(".")
    if "possibly a pipe" in detail or "not a regular file" in detail:
        detail = "Format not recognised"
    return f"unsupported or damaged audio file ({detail})"


def to_stereo(block: np.ndarray) -> np.ndarray:
    """(frames, channels) float32 -> C-contiguous (frames, 2): mono on both sides; of more
    than two channels the first two (front left and right) are kept."""
    channels = block.shape[1]
    if channels == 2:
        return np.ascontiguousarray(block)
    if channels == 1:
        return np.repeat(block, 2, axis=1)
    return np.ascontiguousarray(block[:, :2])
