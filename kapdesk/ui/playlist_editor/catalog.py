"""What is known about each audio file the editor shows: length, tags, loudness.

The database (MusicStore) is the cache: an entry counts while the file's size and
modification time are those it was examined with. A file with no good entry is examined
(mutagen) on a worker thread; a file that is known but has no loudness yet is then
measured on a worker too (ReplayGain tags, else BS.1770), so that everything imported
plays level without anyone asking; "Measure" measures again. Results are stored on the
UI thread and announced with `changed(key)`, so the UI never waits for a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kapdesk.audio import track_files as files
from kapdesk.core.playlist import Track, TrackInfo, track_key
from kapdesk.core.playlist.text import INSPECTING, MEASURING
from kapdesk.services.music_ops import MusicOps
from kapdesk.ui.playlist_editor.jobs import Jobs


class TrackCatalog(QObject):
    changed = Signal(str)  # a track key whose info (or state) changed
    measured = Signal(str, str)  # key, and "" or why it could not be measured
    idle_changed = Signal(bool)

    def __init__(self, store: MusicOps, threads: int = 2,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._infos: dict[str, TrackInfo] = {}
        self._state: dict[str, str] = {}
        self._measured: set[str] = set()  # keys a measurement has answered for
        self._asked: set[str] = set()  # keys staff asked to measure, not answered yet
        self.jobs = Jobs(threads, self)
        self.jobs.idle_changed.connect(self.idle_changed)

    # -- reading (memory only: cheap enough for a model's data()) ------------------------

    def info(self, key: str) -> TrackInfo | None:
        return self._infos.get(key)

    def state(self, key: str) -> str | None:
        """"inspecting" or "measuring" while a worker has the file, else None."""
        return self._state.get(key)

    def duration(self, key: str) -> float | None:
        info = self._infos.get(key)
        return info.duration_s if info is not None else None

    def durations(self) -> dict[str, float]:
        """Measured lengths by track key, for core.playlist.phase_totals."""
        return {k: i.duration_s for k, i in self._infos.items() if i.duration_s is not None}

    def title(self, track: Track) -> str:
        """The playlist's title, else the file's title tag, else the file's name. (A
        playlist without #EXTINF names a track by its file: the tag is better.)"""
        given = track.title if track.title != track.path.stem else ""
        info = self._infos.get(track.key)
        artist = self.artist(track)
        if given and artist and given.startswith(f"{artist} - "):  # "#EXTINF:,A - T"
            given = given[len(artist) + 3:].strip()
        return given or (info.tags.get("title", "") if info else "") or track.path.stem

    def artist(self, track: Track) -> str:
        info = self._infos.get(track.key)
        return track.artist or (info.tags.get("artist", "") if info else "")

    def label(self, track: Track) -> str:
        """"Artist - Title", or the title."""
        artist = self.artist(track)
        return f"{artist} - {self.title(track)}" if artist else self.title(track)

    @property
    def idle(self) -> bool:
        return self.jobs.pending == 0

    # -- learning ------------------------------------------------------------------------

    def ensure(self, paths: Iterable[Path]) -> None:
        """Make sure each file is known: from memory, else the database, else examined on
        a worker (the answer arrives through `changed`)."""
        for path in paths:
            key = track_key(path)
            if key in self._infos or key in self._state:
                continue
            cached = self._store.track_info(key)
            if cached is not None:
                self._infos[key] = cached
                self._measure_if_unknown(key, cached)
                continue
            self._state[key] = INSPECTING
            self.jobs.submit(partial(files.examine, Path(key)), partial(self._on_inspected, key))

    def refresh(self, paths: Iterable[Path]) -> None:
        """Forget what memory holds about these files and learn them again (after a check
        found a file changed or gone)."""
        keys = [track_key(p) for p in paths]
        for key in keys:
            if key not in self._state:
                self._infos.pop(key, None)
                self._measured.discard(key)
        self.ensure(Path(k) for k in keys)
        for key in keys:
            self.changed.emit(key)

    def measure(self, paths: Iterable[Path], asked: bool = True) -> int:
        """Measure loudness on a worker; the number of files queued (not already busy).
        `measured` is emitted for what was `asked` for (not for background measuring)."""
        queued = 0
        for path in paths:
            key = track_key(path)
            if asked:
                self._asked.add(key)
            if self._state.get(key) == MEASURING:
                continue
            known = self._infos.get(key)
            self._state[key] = MEASURING
            self.jobs.submit(partial(files.measure, Path(key), known),
                             partial(self._on_measured, key))
            self.changed.emit(key)
            queued += 1
        return queued

    def _keep(self, key: str, info: TrackInfo) -> None:
        if info.size or info.mtime:  # a file that exists: cache it
            info = self._store.put_track_info(info)
        self._infos[key] = info

    def _on_inspected(self, key: str, result: TrackInfo | None,
                      error: BaseException | None) -> None:
        # A measurement queued while the file was still being read may answer first, or
        # may still run: the reading must neither hide it nor overwrite what it found.
        if self._state.get(key) == INSPECTING:
            self._state.pop(key)
        if key in self._measured:
            return
        if result is None:
            result = TrackInfo(key, 0, 0.0, error=f"cannot be read ({error})")
        self._keep(key, result)
        self.changed.emit(key)
        self._measure_if_unknown(key, result)

    def _measure_if_unknown(self, key: str, info: TrackInfo) -> None:
        """A readable file without a loudness yet is measured in the background."""
        if info.gain_db is None and info.error is None and (info.size or info.mtime) \
                and key not in self._measured and key not in self._state:
            self.measure([Path(key)], asked=False)

    def _on_measured(self, key: str, result: TrackInfo | None,
                     error: BaseException | None) -> None:
        self._state.pop(key, None)
        self._measured.add(key)
        if result is None:
            reason = f"cannot be measured ({error})"
            known = self._infos.get(key)
            self._infos[key] = (replace(known, error=reason) if known is not None
                                else TrackInfo(key, 0, 0.0, error=reason))
        else:
            self._keep(key, result)
            reason = (result.error or "not measured") if result.gain_db is None else ""
        self.changed.emit(key)
        if key in self._asked:
            self._asked.discard(key)
            self.measured.emit(key, reason)

    def shutdown(self) -> None:
        self.jobs.shutdown()
        self._state.clear()
