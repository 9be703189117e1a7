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

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kapdesk.audio.files import AudioFileError, open_audio, read_blocks, to_stereo

TARGET_LUFS = -18.0  # ReplayGain 2.0 reference
PEAK_CEILING_DBTP = -1.0
SILENCE_LUFS = -70.0  # BS.1770's absolute gate: quieter than this is silence
R128_TO_RG2_DB = 5.0  # Opus R128_TRACK_GAIN is relative to -23 LUFS
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float | None  # None: silent, or the tags do not say
    true_peak_dbfs: float | None  # None: unknown (tags without a peak) or silent
    gain_db: float  # to apply on playback
    source: str  # "tags" or "measured"


def analyse(path: Path) -> Loudness:
    """Loudness from the file's ReplayGain tags, else measured. Raises AudioFileError."""
    path = Path(path)
    tagged = read_tags(path)
    return tagged if tagged is not None else measure(path)


def limited_gain(lufs: float, peak_dbfs: float | None) -> float:
    """The gain to TARGET_LUFS, lowered where needed so the peak stays at -1 dBTP."""
    gain = TARGET_LUFS - lufs
    if peak_dbfs is not None:
        gain = min(gain, PEAK_CEILING_DBTP - peak_dbfs)
    return round(gain, 2)


def measure(path: Path) -> Loudness:
    """Measure integrated loudness and true peak by decoding the whole file in blocks."""
    import pyebur128

    path = Path(path)
    with open_audio(path) as handle:
        mode = pyebur128.MeasurementMode
        state = pyebur128.R128State(2, handle.samplerate, mode.MODE_I | mode.MODE_TRUE_PEAK)
        try:
            for block in read_blocks(handle, handle.samplerate):
                stereo = to_stereo(block)
                state.add_frames(stereo.reshape(-1), len(stereo))
        except (RuntimeError, ValueError) as exc:  # damaged data part-way through
            raise AudioFileError(path, f"cannot decode the file ({exc})") from None
    lufs = pyebur128.get_loudness_global(state)
    peak = max(pyebur128.get_true_peak(state, 0), pyebur128.get_true_peak(state, 1))
    peak_db = 20 * math.log10(peak) if peak > 0 else None
    if not math.isfinite(lufs) or lufs < SILENCE_LUFS:
        return Loudness(None, peak_db, 0.0, "measured")
    return Loudness(round(lufs, 2), _round(peak_db), limited_gain(lufs, peak_db), "measured")


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

