"""The room's music: the chosen set's phase playlist, steered by the clinician.

Music follows the session's phase only when the clinician says so (a music cue's "go to
the next phase's music"); it never jumps. Every track played, ended or skipped is stored
in the session record. No sound device: the session goes on and the room says why.

Loudness: a track's stored gain goes to the player with it; a track without one is
measured by the player (queued tracks first, by when they are due), and when the music
first starts the rest of the chosen set is measured in the background too. Each answer
(a `Measured` event) is stored, so a file is measured once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from kapdesk.audio.model import (
    DeviceLost,
    Ended,
    Measured,
    PlayerState,
    PlaylistEnded,
    Skipped,
    Started,
    TrackSpec,
)
from kapdesk.audio.model import MusicBackend as Player
from kapdesk.core.playlist import PHASE_NAMES, PHASES, PlaylistSet, Track, music_left
from kapdesk.core.playlist import without_vetoed as drop_vetoed
from kapdesk.core.protocol_music import music_now
from kapdesk.services.music_ops import MusicOps
from kapdesk.ui.naming import named
from kapdesk.ui.room_controller import RoomController

log = logging.getLogger(__name__)

POLL_MS = 300


@dataclass(frozen=True)
class NowPlaying:
    phase: str
    track: Track | None
    state: PlayerState
    music_left_s: float | None


class MusicController(QObject):
    changed = Signal(object)  # NowPlaying
    unavailable = Signal(str)  # the reason, in words
    skipped = Signal(str)

    def __init__(self, player: Player, store: MusicOps, sets: list[PlaylistSet],
                 room: RoomController, setting: Callable[[str], object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.store = store
        self.sets = {s.id: s for s in sets}
        self.room = room
        chosen = str(setting("music_set") or "")
        self.set_id = chosen if chosen in self.sets else next(iter(self.sets), "")
        self.phase = "settling"
        self.tracks: list[Track] = []
        self._plays: dict[str, int] = {}
        self._started = False
        self._set_measured: str | None = None  # the set whose files were sent to measure
        self._poll = named(QTimer(self), "music events")
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.poll)
        self._volume = float(setting("music_volume") or 0.7)  # type: ignore[arg-type]

    # -- what to play ----------------------------------------------------------------

    @property
    def playlist_set(self) -> PlaylistSet | None:
        return self.sets.get(self.set_id)

    def _phase_now(self) -> str:
        snap = self.room.current
        if snap is None:
            return "settling"
        return music_now(snap.phase, snap.session.t0 is not None)

    def _tracks(self, phase: str) -> list[Track]:
        chosen = self.playlist_set
        if chosen is None:
            return []
        tracks = list(chosen.phases.get(phase, []))
        session = self.room.session
        if session is not None:
            tracks = drop_vetoed(tracks, self.store.vetoed_paths(session.patient_code))
        return tracks

    def _specs(self, phase: str) -> list[TrackSpec]:
        self.phase = phase
        self.tracks = self._tracks(phase)
        specs = []
        for number, track in enumerate(self.tracks):
            info = self.store.track_info(track.path)
            specs.append(TrackSpec(f"{phase}:{number}", track.path,
                                   info.gain_db if info else None))
        return specs

    # -- commands --------------------------------------------------------------------

    def _ready(self) -> bool:
        if not self._started:
            self._started = True
            self.player.set_volume(self._volume)
            self.player.set_crossfade(6.0)
            if not self.player.start():
                self.unavailable.emit(self.player.reason)
                return False
        if not self.player.available:
            self.unavailable.emit(self.player.reason)
            return False
        return True

    def _measure_set(self) -> None:
        """Have the chosen set's files without a stored loudness measured (once a set)."""
        chosen = self.playlist_set
        if chosen is None or self._set_measured == chosen.id:
            return
        self._set_measured = chosen.id
        unknown = [t.path for t in chosen.all_tracks()
                   if (info := self.store.track_info(t.path)) is None or info.gain_db is None]
        if unknown:
            self.player.measure(unknown)

    def play(self) -> None:
        """Start the music of the phase the session is in (fade in), or resume."""
        if not self._ready():
            return
        self._measure_set()
        state = self.player.state
        if state is PlayerState.PAUSED:
            self.player.play(0.25)
        elif state is PlayerState.STOPPED:
            self.player.load(self._specs(self._phase_now()))
            self.player.play(3.0)
        self._poll.start()
        self._emit()

    def toggle(self) -> None:
        if self.player.state is PlayerState.PLAYING:
            self.player.pause()
            self._emit()
        else:
            self.play()

    def stop(self) -> None:
        self.player.stop(3.0)
        self._emit()

    def next_track(self) -> None:
        if self.player.state is PlayerState.PLAYING:
            self.player.next()

    def next_phase(self) -> None:
        """The next phase's playlist, crossfaded in; never an abrupt change."""
        if not self._ready():
            return
        index = PHASES.index(self.phase) if self.phase in PHASES else 0
        target = PHASES[min(index + 1, len(PHASES) - 1)]
        specs = self._specs(target)
        if self.player.state is PlayerState.PLAYING:
            self.player.crossfade_to(specs)
        else:
            self.player.load(specs)
            self.player.play(3.0)
        self._poll.start()
        self._emit()

    def set_volume(self, level: float) -> None:
        self._volume = max(0.0, min(1.0, level))
        self.player.set_volume(self._volume)

    @property
    def volume(self) -> float:
        return self._volume

    def retry(self) -> bool:
        ok = self.player.retry() if self._started else self._ready()
        if not ok:
            self.unavailable.emit(self.player.reason)
        return ok

    # -- what happened ---------------------------------------------------------------

    def _track(self, track_id: object) -> tuple[str, Track | None]:
        phase, _, number = str(track_id).partition(":")
        tracks = self.tracks if phase == self.phase else self._tracks(phase)
        index = int(number) if number.isdigit() else -1
        return phase, tracks[index] if 0 <= index < len(tracks) else None

    def poll(self) -> None:
        session = self.room.session
        for event in self.player.events():
            if isinstance(event, Started):
                phase, track = self._track(event.track_id)
                if track is not None and session is not None:
                    self._plays[str(event.track_id)] = self.store.start_play(
                        session.id, phase, track.path)
            elif isinstance(event, Ended):
                play = self._plays.pop(str(event.track_id), None)
                if play is not None:
                    self.store.end_play(play, "played" if event.natural else "stopped")
            elif isinstance(event, Skipped):
                phase, track = self._track(event.track_id)
                if track is not None and session is not None:
                    self.store.record_skip(session.id, phase, track.path, event.reason)
                log.warning("track skipped (%s)", event.track_id)
                self.skipped.emit(f"Skipped {track.label if track else 'a track'}: "
                                  f"{event.reason}")
            elif isinstance(event, PlaylistEnded):
                self.skipped.emit(f"The {PHASE_NAMES.get(self.phase, self.phase)} music "
                                  "has ended.")
            elif isinstance(event, DeviceLost):
                self.unavailable.emit(f"Audio output lost: {event.reason}")
            elif isinstance(event, Measured):
                self.store.put_loudness(event.path, event.stamp, event.gain_db,
                                        event.integrated_lufs, event.true_peak_dbfs,
                                        event.source, event.duration_s, event.error)
        if self.player.state is PlayerState.STOPPED and not self._plays \
                and not self.player.measuring():
            self._poll.stop()
        self._emit()

    def now_playing(self) -> NowPlaying:
        current = self.player.current() if self._started else None
        track = None
        left = None
        if current is not None:
            phase, track = self._track(current.id)
            number = str(current.id).partition(":")[2]
            if phase == self.phase and number.isdigit():
                durations = {t.key: info.duration_s for t in self.tracks
                             if (info := self.store.track_info(t.path)) and info.duration_s}
                left = music_left(self.tracks, self.player.position(), int(number), durations)
        return NowPlaying(self.phase, track, self.player.state, left)

    def _emit(self) -> None:
        self.changed.emit(self.now_playing())

    def close(self) -> None:
        self._poll.stop()
        if self._started:
            self.player.stop(1.0)
