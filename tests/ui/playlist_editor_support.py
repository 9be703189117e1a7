"""Helpers for the playlist editor tests: real stores on a real SQLite file, real audio
files (short Ogg Vorbis tones), and a person's answers to the editor's questions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf
from mutagen.oggvorbis import OggVorbis

from kapdesk.core.clock import FakeClock
from kapdesk.paths import Paths
from kapdesk.services.music_ops import MusicOps
from kapdesk.services.playlist_ops import PlaylistOps
from kapdesk.services.reads import PatientReads
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.database import open_database
from kapdesk.store.music import MusicStore
from kapdesk.store.patients import PatientStore
from kapdesk.store.users import User, UserStore
from kapdesk.ui.playlist_editor.launcher import PlaylistEditorLauncher
from kapdesk.ui.playlist_editor.window import PlaylistEditorWindow

RATE = 48_000


def tone(path: Path, seconds: float, freq: float = 440.0, level: float = 0.2,
         title: str = "", artist: str = "") -> Path:
    """A real Ogg Vorbis file: a sine of `seconds`, tagged with title and artist if given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(RATE * seconds)) / RATE
    mono = (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    sf.write(path, np.column_stack([mono, mono]), RATE, format="OGG", subtype="VORBIS")
    if title or artist:
        tags = OggVorbis(path)
        if title:
            tags["title"] = title
        if artist:
            tags["artist"] = artist
        tags.save()
    return path


def corrupt(path: Path) -> Path:
    """An .ogg that is not audio: the Ogg magic, then rubbish."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"OggS" + bytes(range(256)) * 16)
    return path


@dataclass
class Stores:
    db: Database
    clock: FakeClock
    paths: Paths
    audit: AuditTrail
    music: MusicStore
    patients: PatientStore
    users: UserStore
    staff: User
    clinician: User
    admin: User


def make_stores(data_dir: Path, clock: FakeClock) -> Stores:
    """The stores the app builds (kapdesk.app.build_window), on a real SQLite file."""
    paths = Paths(data_dir)
    paths.ensure()
    db = open_database(paths.database)
    audit = AuditTrail(db, clock)
    users = UserStore(db, clock)
    return Stores(db, clock, paths, audit, MusicStore(db, clock, audit),
                  PatientStore(db, clock, audit), users,
                  users.add("Sam Staff", "staff", username="sam"),
                  users.add("Cleo Clinician", "clinician", username="cleo"),
                  users.add("Ada Admin", "admin", username="ada"))


@dataclass
class Answers:
    """What the person answers when the editor asks (file dialogs, "are you sure")."""

    files: list[Path] = field(default_factory=list)
    folder: Path | None = None
    to_import: Path | None = None
    to_export: Path | None = None
    yes: bool = True
    asked: list[str] = field(default_factory=list)

    def audio_files(self, folder: Path) -> list[Path]:
        return list(self.files)

    def audio_folder(self, folder: Path) -> Path | None:
        return self.folder

    def playlist_to_import(self, folder: Path) -> Path | None:
        return self.to_import

    def playlist_to_export(self, suggested: Path) -> Path | None:
        return self.to_export

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(text)
        return self.yes


def open_editor(qtbot, stores: Stores, shipped_dir: Path, answers: Answers | None = None,
                user: User | None = None, reports: list[str] | None = None,
                **launcher_args: object) -> PlaylistEditorWindow:
    """The editor opened the way the main window's action opens it, for `user` (staff)."""
    said: list[str] = reports if reports is not None else []
    who = user or stores.staff
    launcher = PlaylistEditorLauncher(
        MusicOps(stores.db, stores.music), PatientReads(stores.patients), stores.paths,
        lambda: who, said.append, None,
        shipped_dir=shipped_dir, prompts=lambda _w: answers or Answers(),
        playlists=PlaylistOps(stores.db, stores.audit, stores.paths.playlists_dir),
        **launcher_args)  # type: ignore[arg-type]
    window = launcher.open()
    assert window is not None, said
    window.launcher = launcher  # type: ignore[attr-defined]  # kept alive with the window
    qtbot.addWidget(window)
    window.resize(1366, 768)
    wait_idle(qtbot, window)
    return window


def wait_idle(qtbot, window: PlaylistEditorWindow, timeout: float = 10.0) -> None:
    """Until the workers have answered (files read, loudness measured, check done)."""
    controller = window.controller
    qtbot.waitUntil(lambda: controller.catalog.idle and not controller.checking,
                    timeout=int(timeout * 1000))


def settle(qtbot, ms: int = 50) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        qtbot.wait(10)
