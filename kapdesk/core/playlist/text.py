"""The playlist editor's words for lengths, totals and loudness (plain functions)."""

from __future__ import annotations

from kapdesk.core.playlist.model import TrackInfo, phase_name
from kapdesk.core.playlist.rules import PhaseTotal

NOT_MEASURED = "not measured"
# What the editor is doing with a file: reading its tags and length, measuring its loudness.
INSPECTING = "inspecting"
MEASURING = "measuring"


def clock_text(seconds: float) -> str:
    """Minutes and seconds, "4:05"; hours as minutes too ("125:00"), as on a player."""
    whole = round(max(0.0, seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def total_text(total: PhaseTotal) -> str:
    """"38:40 of 35:00 — enough", "30:40 of 35:00 — short by 4:20", "12:00 (no target)"."""
    have = clock_text(total.total_s)
    if total.target_s <= 0:
        text = f"{have} (no target)"
    elif total.meets_target:
        text = f"{have} of {clock_text(total.target_s)} — enough"
    else:
        text = f"{have} of {clock_text(total.target_s)} — short by {clock_text(total.short_s)}"
    if total.unknown:
        text += f" · {total.unknown} track{'s' if total.unknown > 1 else ''} of unknown length"
    return text


def tab_text(total: PhaseTotal) -> str:
    """The phase's tab: its name, and its length against the target in brief."""
    have = clock_text(total.total_s)
    if total.target_s <= 0:
        return f"{phase_name(total.phase)}  {have}"
    mark = "" if total.meets_target else " ⚠"
    return f"{phase_name(total.phase)}  {have} / {clock_text(total.target_s)}{mark}"


def length_text(seconds: float | None, from_playlist: bool = False) -> str:
    if seconds is None:
        return "unknown"
    return f"~{clock_text(seconds)}" if from_playlist else clock_text(seconds)


def loudness_text(info: TrackInfo | None, state: str | None = None) -> str:
    """"-16.2 LUFS, -1.8 dB" (loudness, and the gain to -18 LUFS), "not measured"..."""
    if state == MEASURING:
        return "measuring…"
    if info is None or info.gain_db is None:
        if state == INSPECTING:
            return "reading…"
        if info is not None and info.error and "measured" in info.error:
            return "cannot measure"
        return NOT_MEASURED
    gain = f"{info.gain_db:+.1f} dB"
    if info.integrated_lufs is None:
        return f"silent, {gain}" if info.gain_source == "measured" else f"tags, {gain}"
    return f"{info.integrated_lufs:.1f} LUFS, {gain}"


def loudness_detail(info: TrackInfo | None) -> str:
    """A sentence for the tooltip and the track panel."""
    if info is None or info.gain_db is None:
        reason = f" ({info.error})" if info is not None and info.error else ""
        return f"Loudness not measured{reason}. 'Measure loudness' measures it."
    source = "from its ReplayGain tags" if info.gain_source == "replaygain" else "measured"
    parts = [f"Loudness {source}"]
    if info.integrated_lufs is not None:
        parts.append(f"{info.integrated_lufs:.1f} LUFS")
    if info.true_peak_dbfs is not None:
        parts.append(f"peak {info.true_peak_dbfs:.1f} dBTP")
    parts.append(f"played with {info.gain_db:+.1f} dB to reach -18 LUFS")
    return ", ".join(parts) + "."


def tags_text(tags: frozenset[str] | tuple[str, ...]) -> str:
    return ", ".join(sorted(tags, key=str.casefold)) if isinstance(tags, frozenset) \
        else ", ".join(tags)


def parse_tags(text: str) -> tuple[str, ...]:
    """"ambient, Ocean ,, drone" -> ("ambient", "Ocean", "drone"): in order, once each."""
    return tuple(dict.fromkeys(t.strip() for t in text.replace(";", ",").split(",")
                               if t.strip()))
