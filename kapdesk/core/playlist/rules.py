"""What the room and the editor ask of a set: totals, music left, vetoes, the lyrics rule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kapdesk.core.playlist.model import (
    PHASES,
    Lyrics,
    PlaylistProblem,
    PlaylistSet,
    Track,
    phase_name,
    track_key,
)

# Lyrics in the patient's language pull attention into words: not before the return.
_WORDS_ALLOWED_FROM = PHASES.index("return")


def duration_of(track: Track, durations: Mapping[str, float] | None = None) -> float | None:
    """The track's length: measured (`durations`, keyed by track_key) if given, else the
    playlist's #EXTINF figure, else None (unknown)."""
    if durations is not None and track.key in durations:
        return durations[track.key]
    return track.duration_s


@dataclass(frozen=True)
class PhaseTotal:
    phase: str
    total_s: float  # the tracks whose length is known
    target_s: float
    unknown: int  # tracks whose length is not known

    @property
    def short_s(self) -> float:
        """How much music is missing to reach the target (0 when it is reached)."""
        return max(0.0, self.target_s - self.total_s)

    @property
    def meets_target(self) -> bool:
        return self.total_s >= self.target_s

    def describe(self) -> str:
        text = f"{phase_name(self.phase)}: {_minutes(self.total_s)} of {_minutes(self.target_s)}"
        if self.unknown:
            text += f" ({self.unknown} track{'s' if self.unknown > 1 else ''} of unknown length)"
        return text


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def phase_total(tracks: Iterable[Track], target_min: float = 0.0, phase: str = "",
                durations: Mapping[str, float] | None = None) -> PhaseTotal:
    total, unknown = 0.0, 0
    for track in tracks:
        seconds = duration_of(track, durations)
        if seconds is None:
            unknown += 1
        else:
            total += seconds
    return PhaseTotal(phase, total, target_min * 60.0, unknown)


def phase_totals(playlist_set: PlaylistSet, durations: Mapping[str, float] | None = None,
                 ) -> list[PhaseTotal]:
    """Each phase's length against its target, in phase order."""
    return [phase_total(playlist_set.tracks(p), playlist_set.target_minutes.get(p, 0.0), p,
                        durations) for p in PHASES]


def music_left(tracks: Sequence[Track], position_s: float, index: int = 0,
               durations: Mapping[str, float] | None = None) -> float | None:
    """Seconds of music left: the rest of tracks[index] from `position_s`, then every
    track after it. None when a length is unknown; 0 past the end of the list."""
    rest = tracks[index:] if index >= 0 else []
    total = 0.0
    for number, track in enumerate(rest):
        seconds = duration_of(track, durations)
        if seconds is None:
            return None
        total += max(0.0, seconds - max(0.0, position_s)) if number == 0 else seconds
    return total


def without_vetoed(tracks: Iterable[Track], vetoed: Iterable[Path | str]) -> list[Track]:
    """The tracks less those the patient has vetoed (matched by file, however spelt)."""
    keys = {track_key(path) for path in vetoed}
    return [track for track in tracks if track.key not in keys]


def lyrics_allowed(phase: str, lyrics: Lyrics) -> bool:
    """No lyrics in the patient's language before the return phase."""
    if lyrics != "patient_language" or phase not in PHASES:
        return True
    return PHASES.index(phase) >= _WORDS_ALLOWED_FROM


def lyrics_warnings(playlist_set: PlaylistSet) -> list[PlaylistProblem]:
    """One warning per track with lyrics in the patient's language before the return."""
    warnings: list[PlaylistProblem] = []
    for phase in PHASES:
        for number, track in enumerate(playlist_set.tracks(phase), start=1):
            if not lyrics_allowed(phase, track.lyrics):
                warnings.append(PlaylistProblem(
                    str(playlist_set.phase_file(phase)), None,
                    f"track {number} of {phase_name(phase)}, '{track.label}', has lyrics in "
                    "the patient's language; keep words for the return phase or later",
                    "lyrics", track.path))
    return warnings


def check_files(playlist_set: PlaylistSet) -> list[PlaylistProblem]:
    """Tracks whose file is missing or empty, one problem per phase entry."""
    problems: list[PlaylistProblem] = []
    for phase in PHASES:
        for number, track in enumerate(playlist_set.tracks(phase), start=1):
            try:
                size = track.path.stat().st_size if track.path.is_file() else None
            except OSError:
                size = None
            if size:
                continue
            what = "is empty" if size == 0 else "was not found"
            problems.append(PlaylistProblem(
                str(playlist_set.phase_file(phase)), None,
                f"track {number} of {phase_name(phase)}, '{track.label}', {what} "
                f"({track.path})", "missing" if size is None else "unreadable", track.path))
    return problems
