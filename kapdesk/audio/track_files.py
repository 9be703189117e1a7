"""Audio files for the playlist editor: which files to add, what they are, whether they
play. Every function here may run on a worker thread; none touches the database or Qt.

- `collect(paths)`: files and folders (dropped or chosen) -> the audio files in them, in
  order, and the ones left out with the reason (not audio, or audio that does not decode:
  refused here, at import, rather than skipped in a session).
- `probe(path)`: None when the file opens and its first frames decode; else why not.
- `examine(path)`: length and tags from mutagen (soundfile as a fallback) as a TrackInfo.
- `measure(path, known)`: the loudness (kapdesk.audio.loudness.analyse) added to it.
- `check_file(path)`: None when the file is there, readable and decodes to its end; else
  the reason in words; `check_paths(paths)` the same for a set's files ("Check playlist").
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from kapdesk.core.playlist import AUDIO_SUFFIXES, TrackInfo, track_key
from kapdesk.core.playlist.text import clock_text

PLAYLIST_SUFFIXES = frozenset({".m3u", ".m3u8", ".pls"})
GAIN_SOURCES = MappingProxyType({"tags": "replaygain", "measured": "measured"})  # analyse()


def is_audio(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_SUFFIXES


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """The audio files named or inside the folders named (sorted by name, sub-folders
    too) that decode, and a sentence for each thing left out. Playlists are left to the
    caller."""
    found: list[Path] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            inside = sorted((p for p in path.rglob("*") if p.is_file() and is_audio(p)),
                            key=lambda p: [part.casefold() for part in p.relative_to(path).parts])
            if not inside:
                skipped.append(f"{path.name}: the folder holds no audio files")
        elif not path.exists():
            skipped.append(f"{path.name}: not found ({path})")
            continue
        elif is_audio(path):
            inside = [path]
        else:
            skipped.append(f"{path.name}: not an audio file KAPdesk plays "
                           "(Ogg, Opus, MP3, FLAC, WAV, AIFF, or AAC/ALAC in M4A/MP4)")
            continue
        for file in inside:
            reason = probe(file)
            if reason is None:
                found.append(file)
            else:
                skipped.append(f"{file.name}: {reason}")
    return found, skipped


def probe(path: Path) -> str | None:
    """Why this file cannot be played, in words, from opening it and decoding its first
    frames (quick: not the whole file, which `check_file` does); None when it can."""
    import numpy as np

    from kapdesk.audio.files import AudioFileError, open_audio

    try:
        with open_audio(path) as handle:
            block = handle.read(out=np.empty((1024, handle.channels), dtype=np.float32))
    except AudioFileError as exc:
        return exc.reason
    except (RuntimeError, ValueError, OSError) as exc:
        return f"the audio cannot be decoded ({_short(exc)})"
    return None if len(block) else "the file holds no audio"


def _first(tags: object, key: str) -> str:
    try:
        value = tags[key]  # type: ignore[index]
    except (KeyError, ValueError, TypeError, IndexError):
        return ""
    item = value[0] if isinstance(value, list) and value else value
    return str(item).strip() if item else ""


def examine(path: Path) -> TrackInfo:
    """What the file says about itself: its length and title/artist tags. A file that
    cannot be read gives a TrackInfo with `error` set (size and mtime 0 if it is gone)."""
    key = track_key(path)
    try:
        st = os.stat(key)
    except OSError as exc:
        return TrackInfo(key, 0, 0.0, error=f"cannot be read ({exc.strerror or exc})")
    duration: float | None = None
    tags: dict[str, str] = {}
    error: str | None = None
    try:
        import mutagen

        found = mutagen.File(key, easy=True)
    except Exception as exc:  # mutagen raises many kinds on odd files
        found, error = None, f"tags unreadable ({exc})"
    if found is not None:
        length = getattr(found.info, "length", None)
        if isinstance(length, int | float) and math.isfinite(length) and length > 0:
            duration = float(length)
        if found.tags is not None:
            tags = {k: v for k in ("title", "artist", "album") if (v := _first(found.tags, k))}
    if duration is None:
        try:
            import soundfile

            info = soundfile.info(key)
            duration = float(info.frames) / info.samplerate if info.samplerate > 0 else None
            error = None
        except Exception as exc:  # LibsndfileError, RuntimeError, OSError...
            error = error or f"not an audio file KAPdesk can read ({_short(exc)})"
    return TrackInfo(key, st.st_size, st.st_mtime, duration_s=duration, tags=tags, error=error)


def measure(path: Path, known: TrackInfo | None = None) -> TrackInfo:
    """`known` (examined again if it no longer matches the file) with the track's loudness:
    from its ReplayGain tags when it has them, else measured (BS.1770). A file that cannot
    be measured comes back with `error` set."""
    from kapdesk.audio.files import AudioFileError
    from kapdesk.audio.loudness import analyse

    key = track_key(path)
    try:
        st = os.stat(key)
        stamp = (st.st_size, st.st_mtime)
    except OSError:
        stamp = None
    base = known if known is not None and stamp == (known.size, known.mtime) else examine(path)
    try:
        loud = analyse(Path(key))
    except AudioFileError as exc:
        return replace(base, error=f"cannot be measured: {exc.reason}")
    except Exception as exc:  # a broken file must never stop the editor
        return replace(base, error=f"cannot be measured ({_short(exc)})")
    return replace(base, integrated_lufs=loud.integrated_lufs,
                   true_peak_dbfs=loud.true_peak_dbfs, gain_db=loud.gain_db,
                   gain_source=GAIN_SOURCES.get(loud.source, loud.source), error=None)


def check_file(path: Path) -> str | None:
    """Why this file would not play in a session, in words; None when it would: it is
    there, readable, and decodes from start to end as the player decodes it."""
    from kapdesk.audio.files import AudioFileError, open_audio, read_blocks

    if not path.exists():
        return "the file was not found"
    if path.is_dir():
        return "this is a folder, not an audio file"
    if not os.access(path, os.R_OK):
        return "the file cannot be read (no permission)"
    try:
        with open_audio(path) as handle:
            expected, rate = handle.frames, handle.samplerate
            decoded = 0
            try:
                for block in read_blocks(handle, rate):
                    decoded += len(block)
            except (RuntimeError, ValueError, OSError) as exc:
                return (f"the audio is damaged after {clock_text(decoded / rate)} "
                        f"({_short(exc)})")
    except AudioFileError as exc:
        return exc.reason
    if decoded == 0:
        return "the file holds no audio"
    if expected > 0 and decoded < expected * 0.98:
        return (f"the audio stops at {clock_text(decoded / rate)} of "
                f"{clock_text(expected / rate)} (damaged or cut short)")
    return None


def check_paths(paths: list[Path], progress: Callable[[int, int], None] | None = None,
                stop: Callable[[], bool] = lambda: False) -> dict[str, str]:
    """Worker side: the reason each failing file would not play, by its path as given.
    Ends early (with what it has) when `stop()` says so."""
    reasons: dict[str, str] = {}
    for number, path in enumerate(paths, start=1):
        if stop():
            break
        try:
            reason = check_file(path)
        except Exception as exc:  # one odd file must not end the check
            reason = f"cannot be checked ({exc})"
        if reason:
            reasons[str(path)] = reason
        if progress is not None:
            progress(number, len(paths))
    return reasons


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.rsplit(": ", 1)[-1].rstrip(".") if len(text) > 80 else text
