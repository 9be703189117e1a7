"""What the music engine is told and what it reports: track specs, player states, events.

Plain frozen values, safe to hand between threads. No pygame, numpy or Qt here, so the UI
can import this module without paying for the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

TrackId = int | str


@dataclass(frozen=True)
class TrackSpec:
    """One track to play: where it is, its loudness gain (dB, None if not analysed), an id.

    `gain_db` is what `kapdesk.audio.loudness.analyse` returned when the track was added;
    with None the engine reads ReplayGain tags, or else has the file measured (see
    `kapdesk.audio.decoder`: it is never played at a guessed level).
    """

    id: TrackId
    path: Path
    gain_db: float | None = None


class PlayerState(StrEnum):
    """What the clinician asked for last; a fade towards it may still be running."""

    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


@dataclass(frozen=True)
class Started:
    """A track's first sound reached the output."""

    track_id: TrackId


@dataclass(frozen=True)
class Ended:
    """A track stopped sounding: natural=True at its own end, False when cut short (stop,
    next, previous, a new list)."""

    track_id: TrackId
    natural: bool


@dataclass(frozen=True)
class Skipped:
    """A track could not be played (missing, empty, damaged, unsupported, unreadable)."""

    track_id: TrackId
    reason: str


@dataclass(frozen=True)
class PlaylistEnded:
    """The list played out (or every remaining track was skipped); the player stopped."""


@dataclass(frozen=True)
class DeviceLost:
    """The sound output failed while playing; `retry()` reopens it."""

    reason: str


@dataclass(frozen=True)
class Measured:
    """A file's loudness, found in the background: from its ReplayGain tags or measured
    (BS.1770). `stamp` is the (size, modification time) of the version measured; with
    `gain_db` None it could not be measured and `error` says why."""

    path: Path
    stamp: tuple[int, float]
    gain_db: float | None = None
    integrated_lufs: float | None = None
    true_peak_dbfs: float | None = None
    source: str = ""  # "tags" or "measured"
    duration_s: float | None = None
    error: str | None = None


PlayerEvent = Started | Ended | Skipped | PlaylistEnded | DeviceLost | Measured


class MusicBackend(Protocol):
    """What the UI needs of a music player: `player.MusicPlayer` is the real one; a UI test
    that is not about sound can hand its controller a fake with these members."""

    available: bool
    reason: str

    def start(self) -> bool: ...
    def retry(self) -> bool: ...
    def close(self) -> None: ...
    def load(self, tracks: list[TrackSpec]) -> None: ...
    def crossfade_to(self, tracks: list[TrackSpec]) -> None: ...
    def play(self, fade_s: float | None = None) -> None: ...
    def pause(self) -> None: ...
    def stop(self, fade_s: float = 3.0) -> None: ...
    def next(self) -> None: ...
    def previous(self) -> None: ...
    def set_crossfade(self, seconds: float) -> None: ...
    def set_volume(self, level: float) -> None: ...
    def measure(self, paths: list[Path]) -> int: ...
    def measuring(self) -> int: ...
    @property
    def state(self) -> PlayerState: ...
    def current(self) -> TrackSpec | None: ...
    def position(self) -> float: ...
    def events(self) -> list[PlayerEvent]: ...
