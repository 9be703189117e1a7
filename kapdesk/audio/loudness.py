"""Track loudness for normalisation: ReplayGain 2.0 track gain, to -18 LUFS, never clipping.

`analyse(path)` reads the gain from ReplayGain tags when the file has them (Vorbis
comments in OGG/FLAC/Opus, ID3 TXXX frames in MP3/WAV/AIFF, MP4 freeform atoms, APEv2),
and otherwise measures the file (ITU-R BS.1770 / EBU R128 with libebur128: integrated
loudness and true peak), streaming it block by block so long files cost little memory.
The gain brings the track to -18 LUFS but never lifts its peak above -1 dBTP.

Measurement sees exactly what the player plays: stereo, a mono file counted on both
sides (as it is heard), files of more than two channels by their first two.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kapdesk.audio.files import AudioFileError, open_audio, read_blocks, to_stereo

TARGET_LUFS = -18.0  # ReplayGain 2.0 reference
PEAK_CEILING_DBTP = -1.0
SILENCE_LUFS = -70.0  # BS.1770's absolute gate: quieter than this is silence
R128_TO_RG2_DB = 5.0  # Opus R128_TRACK_GAIN is relative to -23 LUFS
TRUE_PEAK_BLOCKS = 12  # one-second blocks oversampled for the true peak: the loudest ones
PRIME_FRAMES = 64  # frames before a block fed to the oversampling filter first
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float | None  # None: silent, or the tags do not say
    true_peak_dbfs: float | None  # None: unknown (tags without a peak) or silent
    gain_db: float  # to apply on playback
    source: str  # "tags" or "measured"


def analyse(path: Path, pace: Callable[[float], None] | None = None) -> Loudness:
    """Loudness from the file's ReplayGain tags, else measured. Raises AudioFileError."""
    path = Path(path)
    tagged = read_tags(path)
    return tagged if tagged is not None else measure(path, pace)


def limited_gain(lufs: float, peak_dbfs: float | None) -> float:
    """The gain to TARGET_LUFS, lowered where needed so the peak stays at -1 dBTP."""
    gain = TARGET_LUFS - lufs
    if peak_dbfs is not None:
        gain = min(gain, PEAK_CEILING_DBTP - peak_dbfs)
    return round(gain, 2)


def measure(path: Path, pace: Callable[[float], None] | None = None) -> Loudness:
    """Measure integrated loudness and true peak by decoding the whole file in blocks.

    Integrated loudness by libebur128 on every block; the true peak (4x oversampled) only
    on the TRUE_PEAK_BLOCKS blocks with the highest sample peaks, with some frames before
    each so the filter is primed: the true peak cannot exceed a block's sample peak by
    more than the inter-sample overshoot, so the loudest blocks hold it, and oversampling
    all of a file would cost more than decoding it. `pace(seconds)` is called after each
    block with the seconds of audio it held (the background measurer sleeps there);
    raising from it abandons the measurement."""
    import numpy as np
    import pyebur128

    path = Path(path)
    candidates: list[tuple[float, int, np.ndarray]] = []  # (sample peak, order, frames)
    with open_audio(path) as handle:
        rate = handle.samplerate
        state = pyebur128.R128State(2, rate, pyebur128.MeasurementMode.MODE_I)
        tail = np.zeros((0, 2), dtype=np.float32)
        try:
            for order, block in enumerate(read_blocks(handle, rate)):
                stereo = to_stereo(block)
                state.add_frames(stereo.reshape(-1), len(stereo))
                peak = float(np.abs(stereo).max(initial=0.0))
                if len(candidates) < TRUE_PEAK_BLOCKS or peak > candidates[0][0]:
                    primed = np.concatenate([tail, stereo])
                    heapq.heappush(candidates, (peak, order, primed))
                    if len(candidates) > TRUE_PEAK_BLOCKS:
                        heapq.heappop(candidates)
                tail = stereo[-PRIME_FRAMES:]
                if pace is not None:
                    pace(len(stereo) / rate)
        except (RuntimeError, ValueError) as exc:  # damaged data part-way through
            raise AudioFileError(path, f"cannot decode the file ({exc})") from None
    lufs = pyebur128.get_loudness_global(state)
    peak = max((_true_peak(frames, rate) for _p, _o, frames in candidates), default=0.0)
    peak_db = 20 * math.log10(peak) if peak > 0 else None
    if not math.isfinite(lufs) or lufs < SILENCE_LUFS:
        return Loudness(None, peak_db, 0.0, "measured")
    return Loudness(round(lufs, 2), _round(peak_db), limited_gain(lufs, peak_db), "measured")


def _true_peak(frames: Any, rate: int) -> float:
    import pyebur128

    state = pyebur128.R128State(2, rate, pyebur128.MeasurementMode.MODE_TRUE_PEAK)
    state.add_frames(frames.reshape(-1), len(frames))
    return float(max(pyebur128.get_true_peak(state, 0), pyebur128.get_true_peak(state, 1)))


def read_tags(path: Path) -> Loudness | None:
    """Loudness from ReplayGain (or Opus R128) track tags; None when there are none."""
    try:
        import mutagen

        found = mutagen.File(str(path))
    except Exception:  # mutagen raises many kinds on odd files; tags are optional
        return None
    tags = getattr(found, "tags", None)
    if tags is None:
        return None
    gain = _number(_tag(tags, "replaygain_track_gain"))
    if gain is None:
        r128 = _number(_tag(tags, "r128_track_gain"))
        if r128 is None:
            return None
        gain = r128 / 256 + R128_TO_RG2_DB
    peak = _number(_tag(tags, "replaygain_track_peak"))
    peak_db = 20 * math.log10(peak) if peak is not None and peak > 0 else None
    lufs = TARGET_LUFS - gain
    return Loudness(round(lufs, 2), _round(peak_db), limited_gain(lufs, peak_db), "tags")


def _tag(tags: Any, key: str) -> str | None:
    """The first value of tag `key` (case-insensitive) in whatever tag format mutagen read."""
    if hasattr(tags, "getall"):  # ID3: user text frames
        for frame in tags.getall("TXXX"):
            if str(frame.desc).lower() == key and frame.text:
                return str(frame.text[0])
        return None
    itunes = "----:com.apple.iTunes:"
    for name in (key, key.upper(), itunes + key, itunes + key.upper()):
        try:
            value = tags[name]
        except (KeyError, ValueError, TypeError):
            continue
        item = value[0] if isinstance(value, list) and value else value
        return item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
    return None


def _number(text: str | None) -> float | None:
    match = _NUMBER.search(text) if text else None
    if match is None:
        return None
    value = float(match.group().replace(",", "."))
    return value if math.isfinite(value) else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)

