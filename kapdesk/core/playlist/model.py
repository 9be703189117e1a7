"""The music model: phases, tracks, playlist sets, and the problems found reading them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Literal, get_args

from kapdesk.core.errors import KapdeskError

PHASES: tuple[str, ...] = ("settling", "onset", "peak", "return", "after")
PHASE_NAMES = MappingProxyType({
    "settling": "Settling",
    "onset": "Onset",
    "peak": "Peak",
    "return": "Return",
    "after": "Integration",
})

Lyrics = Literal["none", "other_language", "patient_language"]
LYRICS: tuple[str, ...] = get_args(Lyrics)
LYRICS_NAMES = MappingProxyType({
    "none": "No lyrics",
    "other_language": "Lyrics in another language",
    "patient_language": "Lyrics in the patient's language",
})

ProblemKind = Literal["missing", "url", "unreadable", "invalid", "empty", "lyrics"]


def phase_name(key: str) -> str:
    """The phase's name for people ("after" is shown as "Integration")."""
    return PHASE_NAMES.get(key, key.capitalize())


def track_key(path: Path | str) -> str:
    """One spelling per file: absolute, `..` and `.` folded, case folded where the OS does.

    Caches and vetoes are keyed by it, so a file reached by two spellings is one track.
    """
    return os.path.normcase(os.path.normpath(os.path.abspath(os.fspath(path))))


@dataclass(frozen=True)
class Track:
    path: Path
    title: str = ""
    artist: str = ""
    duration_s: float | None = None
    tags: frozenset[str] = frozenset()
    lyrics: Lyrics = "none"

    @property
    def label(self) -> str:
        """"Artist - Title", or the title, or the file's name without extension."""
        title = self.title or self.path.stem
        return f"{self.artist} - {title}" if self.artist else title

    @property
    def key(self) -> str:
        return track_key(self.path)


@dataclass
class PlaylistSet:
    """A set chosen for a session: an ordered list of tracks for each phase.

    Mutable, so the editor can reorder and add; save it with `save_set`.
    """

    id: str
    name: str
    folder: Path
    description: str = ""
    curator: str = ""
    tags: tuple[str, ...] = ()
    target_minutes: dict[str, float] = field(default_factory=dict)
    phases: dict[str, list[Track]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted((set(self.phases) | set(self.target_minutes)) - set(PHASES))
        if unknown:
            raise ValueError(f"unknown phase '{unknown[0]}' (use one of: {', '.join(PHASES)})")
        # copies, in phase order, every phase present: the caller's dicts are left alone
        self.phases = {p: list(self.phases.get(p, ())) for p in PHASES}
        self.target_minutes = {p: float(self.target_minutes.get(p, 0.0)) for p in PHASES}

    @property
    def set_file(self) -> Path:
        return self.folder / "set.toml"

    def phase_file(self, phase: str) -> Path:
        return self.folder / f"{phase}.m3u8"

    def tracks(self, phase: str) -> list[Track]:
        return self.phases.get(phase, [])

    def all_tracks(self) -> list[Track]:
        """Every track once, in phase order (a track used in two phases counts once)."""
        seen: dict[str, Track] = {}
        for phase in PHASES:
            for track in self.phases[phase]:
                seen.setdefault(track.key, track)
        return list(seen.values())


@dataclass(frozen=True)
class PlaylistProblem:
    """Something wrong in a playlist or set file, with where (file and line) and why."""

    source: str
    line: int | None
    reason: str
    kind: ProblemKind = "invalid"
    path: Path | None = None  # the track file the problem is about, when there is one

    def __str__(self) -> str:
        where = f"{self.source}, line {self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


class PlaylistError(KapdeskError):
    """A playlist set that cannot be used at all (its set.toml is broken)."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.problem = PlaylistProblem(source, line, reason, "invalid")
        super().__init__(str(self.problem))


@dataclass(frozen=True)
class TrackInfo:
    """What was learnt about one audio file (cached in the database by its path).

    `size` and `mtime` identify the version of the file that was examined; a file that
    changed since is examined again. `gain_db` brings the track to the loudness reference
    without clipping; `gain_source` says where it came from ("replaygain" tags or
    "measured"). `tags` holds the file's own tags (title, artist, ReplayGain...).
    """

    path: str
    size: int
    mtime: float
    duration_s: float | None = None
    integrated_lufs: float | None = None
    true_peak_dbfs: float | None = None
    gain_db: float | None = None
    gain_source: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # why the file could not be read, if it could not
    checked_at: datetime | None = None  # set by the store
