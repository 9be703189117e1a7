"""The playlist editor's operations on one set: open, new, edit, add, check, save.

Every edit goes through a phase's PhaseTrackModel (which edits the set's own lists) or
through a method here; the controller keeps the totals, the dirty flag and the findings
and says what happened in words (`message`). Shipped sets are read-only: saving one writes
a clinic copy (same id, so the clinic's copy is the one sessions use) into the data dir.
Saving is the operation kapdesk.services.playlist_ops.PlaylistOps.save (`save`: staff
only, into the clinic's folder only, audited), whose refusal is said in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kapdesk.audio.track_files import PLAYLIST_SUFFIXES, check_paths, collect, probe
from kapdesk.core.errors import KapdeskError
from kapdesk.core.playlist import (
    PHASES,
    PhaseTotal,
    PlaylistError,
    PlaylistSet,
    Track,
    load_set,
    phase_name,
    phase_totals,
    read_playlist,
    track_key,
    write_m3u8,
)
from kapdesk.core.playlist import findings as checking
from kapdesk.core.playlist.findings import Finding
from kapdesk.core.playlist.set_files import (
    NEW_TARGETS,
    SetEntry,
    available_sets,
    new_folder,
)
from kapdesk.services.music_ops import MusicOps
from kapdesk.ui.playlist_editor.catalog import TrackCatalog
from kapdesk.ui.playlist_editor.track_model import PhaseTrackModel


class EditorController(QObject):
    set_opened = Signal(object)  # the PlaylistSet now edited
    dirty_changed = Signal(bool)
    totals_changed = Signal(list)  # [PhaseTotal], in phase order
    findings_changed = Signal(list)  # [Finding]
    checking_changed = Signal(bool)
    check_progress = Signal(int, int)  # files done, files in all
    saved = Signal(object)  # the SetEntry written
    message = Signal(str)

    def __init__(self, music: MusicOps, shipped_dir: Path, clinic_dir: Path,
                 alert: str = "#b0704a", muted: str = "#7d858c", *,
                 save: Callable[[PlaylistSet], object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._save = save  # the save operation, for the signed-in user
        self.shipped_dir = shipped_dir
        self.clinic_dir = clinic_dir
        self.catalog = TrackCatalog(music, parent=self)
        self.catalog.changed.connect(self._on_catalog_changed)
        self.models = {p: PhaseTrackModel(p, self.catalog, make_tracks=self.tracks_for,
                                          alert=alert, muted=muted, parent=self)
                       for p in PHASES}
        for model in self.models.values():
            model.edited.connect(self._on_edited)
            model.meta_edited.connect(self._on_meta_edited)
        self.set = PlaylistSet("", "", clinic_dir)
        self.shipped = False
        self.is_new = True
        self.dirty = False
        self.checking = False
        self.findings: list[Finding] = []

    # -- choosing a set ----------------------------------------------------------------------

    def available(self) -> tuple[list[SetEntry], list[Finding]]:
        """The shipped sets, then the clinic's; and the sets that cannot be opened."""
        return available_sets(self.shipped_dir, self.clinic_dir)

    def open(self, folder: Path) -> bool:
        try:
            playlist_set, problems = load_set(folder)
        except PlaylistError as exc:
            self.message.emit(f"This set cannot be opened: {exc}")
            return False
        shipped = folder.resolve().parent == self.shipped_dir.resolve()
        self._show(playlist_set, shipped, False)
        self._set_findings(checking.from_problems(problems, "When opening"))
        where = "shipped with KAPdesk: saving makes a clinic copy" if shipped else "clinic set"
        self.message.emit(f"Opened '{playlist_set.name}' ({where}).")
        return True

    def new_set(self, name: str = "New playlist set") -> None:
        playlist_set = PlaylistSet("", name, self.clinic_dir, target_minutes=dict(NEW_TARGETS))
        self._show(playlist_set, False, True)
        self._set_findings([])
        self.message.emit("A new set: add tracks to each phase, then save.")

    def _show(self, playlist_set: PlaylistSet, shipped: bool, new: bool) -> None:
        self.set, self.shipped, self.is_new = playlist_set, shipped, new
        for phase, model in self.models.items():
            model.set_tracks(playlist_set.phases[phase])
        self.catalog.ensure(t.path for t in playlist_set.all_tracks())
        self._set_dirty(new)
        self.set_opened.emit(playlist_set)
        self.totals_changed.emit(self.totals())

    # -- editing -----------------------------------------------------------------------------

    def update_details(self, name: str, description: str, curator: str,
                       tags: Iterable[str]) -> None:
        details = (name.strip(), description.strip(), curator.strip(), tuple(tags))
        s = self.set
        if details != (s.name, s.description, s.curator, s.tags):
            s.name, s.description, s.curator, s.tags = details
            self._set_dirty(True)

    def set_target(self, phase: str, minutes: float) -> None:
        if self.set.target_minutes.get(phase) != float(minutes):
            self.set.target_minutes[phase] = float(minutes)
            self._set_dirty(True)
            self.totals_changed.emit(self.totals())

    def tracks_for(self, paths: list[Path]) -> list[Track]:
        """Tracks for dropped or chosen files, folders and playlists, keeping the tags and
        lyrics the set already gives a file. What is left out is said in the findings."""
        known = {t.key: t for t in self.set.all_tracks()}
        tracks: list[Track] = []
        found: list[Finding] = []
        audio: list[Path] = []
        for path in paths:
            if path.suffix.lower() in PLAYLIST_SUFFIXES and path.is_file():
                listed, problems = read_playlist(path)
                found += checking.from_problems(problems, f"Importing {path.name}")
                for track in listed:  # a missing file stays (it may come back); a file
                    why = probe(track.path) if track.path.is_file() else None  # that
                    if why is None:  # cannot play is refused now, not in a session
                        tracks.append(self._with_meta(track, known))
                    else:
                        found.append(Finding(checking.WARNING,
                                             f"Not added: {track.path.name}: {why}"))
            else:
                audio.append(path)
        files, skipped = collect(audio)
        tracks += [self._with_meta(Track(p), known) for p in files]
        found += [Finding(checking.WARNING, f"Not added: {why}") for why in skipped]
        self.catalog.ensure(t.path for t in tracks)
        if found:
            self._set_findings(found + self.findings)
        return tracks

    @staticmethod
    def _with_meta(track: Track, known: dict[str, Track]) -> Track:
        same = known.get(track.key)
        return replace(track, tags=same.tags, lyrics=same.lyrics) if same else track

    def add_paths(self, phase: str, paths: list[Path], row: int = -1) -> int:
        added = self.models[phase].insert_tracks(row, self.tracks_for(paths))
        noun = "track" if added == 1 else "tracks"
        self.message.emit(f"Added {added} {noun} to {phase_name(phase)}." if added else
                          "Nothing was added (see the list below).")
        return added

    def remove(self, phase: str, rows: Iterable[int]) -> int:
        removed = self.models[phase].remove_rows(rows)
        if removed:
            self.message.emit(f"Removed {removed} track{'s' if removed > 1 else ''} from "
                              f"{phase_name(phase)}.")
        return removed

    def _on_meta_edited(self, key: str, tags: frozenset[str], lyrics: str) -> None:
        for model in self.models.values():
            model.apply_meta(key, tags, lyrics)

    def _on_edited(self) -> None:
        self._set_dirty(True)
        self.totals_changed.emit(self.totals())

    def _on_catalog_changed(self, _key: str) -> None:
        self.totals_changed.emit(self.totals())

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirty_changed.emit(dirty)

    def totals(self) -> list[PhaseTotal]:
        return phase_totals(self.set, self.catalog.durations())

    def _set_findings(self, found: list[Finding]) -> None:
        self.findings = found
        self.findings_changed.emit(found)

    # -- the files ---------------------------------------------------------------------------

    def _filled(self, track: Track) -> Track:
        """The track with the title, artist and length read from its file."""
        info = self.catalog.info(track.key)
        if info is None:
            return track
        return replace(track, title=self.catalog.title(track),
                       artist=self.catalog.artist(track),
                       duration_s=info.duration_s if info.duration_s is not None
                       else track.duration_s)

    def measure(self, tracks: Iterable[Track]) -> int:
        queued = self.catalog.measure(t.path for t in tracks)
        self.message.emit(f"Measuring loudness of {queued} file{'s' if queued != 1 else ''}…"
                          if queued else "Already measuring.")
        return queued

    def check(self) -> bool:
        """Start "Check playlist" on a worker; False if one is already running."""
        if self.checking:
            return False
        paths = list(dict.fromkeys(t.path for t in self.set.all_tracks()))
        self.checking = True
        self.checking_changed.emit(True)
        self.message.emit(f"Checking {len(paths)} files…")
        self.catalog.jobs.submit(
            lambda: check_paths(paths, self.check_progress.emit,
                                         self.catalog.jobs.closing),
            lambda reasons, error: self._on_checked(paths, reasons, error))
        return True

    def _on_checked(self, paths: list[Path], reasons: dict[str, str] | None,
                    error: BaseException | None) -> None:
        self.checking = False
        self.checking_changed.emit(False)
        if reasons is None:
            self.message.emit(f"The check could not finish: {error}")
            return
        self.catalog.refresh(p for p in paths if str(p) in reasons or (
            (info := self.catalog.info(track_key(p))) is not None and info.error))
        found = checking.findings(self.set, reasons, self.catalog.durations(),
                                    self.catalog.label)
        self._set_findings(found)
        self.message.emit(checking.summary(found))

    def import_m3u(self, phase: str, path: Path) -> int:
        """Add a playlist's tracks to the end of a phase; its problems go to the list."""
        added = self.models[phase].insert_tracks(-1, self.tracks_for([path]))
        self.message.emit(f"Imported {added} track{'s' if added != 1 else ''} from "
                          f"{path.name} into {phase_name(phase)}.")
        return added

    def export_m3u(self, phase: str, path: Path) -> bool:
        try:
            write_m3u8([self._filled(t) for t in self.set.tracks(phase)], path)
        except OSError as exc:
            self.message.emit(f"Could not export {path.name}: {exc.strerror or exc}")
            return False
        self.message.emit(f"Exported {phase_name(phase)} to {path}.")
        return True

    # -- saving ----------------------------------------------------------------------------

    def save_folder(self) -> Path:
        """Where Save writes: the set's own folder, or a clinic folder for a shipped or
        new set."""
        if self.shipped:
            return self.clinic_dir / self.set.id
        if self.is_new:
            return new_folder(self.clinic_dir, self.set.name)
        return self.set.folder

    def save(self, replace_ok: Callable[[str], bool] = lambda _text: True) -> bool:
        if not self.set.name.strip():
            self.message.emit("The set needs a name before it can be saved.")
            return False
        folder = self.save_folder()
        if self.shipped and (folder / "set.toml").exists() and not replace_ok(
                f"The clinic already has its own copy of '{self.set.name}' in {folder}. "
                "Replace it with this one?"):
            return False
        for model in self.models.values():
            model.fill(self._filled)
        old = (self.set.id, self.set.folder)
        self.set.id, self.set.folder = folder.name, folder
        try:
            self._save(self.set)
        except (OSError, KapdeskError) as exc:
            self.set.id, self.set.folder = old
            why = f"{exc.strerror or exc}." if isinstance(exc, OSError) else str(exc)
            self.message.emit(f"Could not save to {folder}: {why} "
                              "Nothing is lost: the set is still open here.")
            return False
        copy = self.shipped
        self.shipped = self.is_new = False
        self._set_dirty(False)
        self.message.emit(f"Saved as a clinic copy in {folder}." if copy else
                          f"Saved in {folder}.")
        self.saved.emit(SetEntry(self.set.id, self.set.name, folder, False))
        return True

    def shutdown(self) -> None:
        self.catalog.shutdown()
