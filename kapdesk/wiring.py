"""The one composition root: a typed application context, and the whole window built from it.

`build_services` opens the data folder (database, clinic protocols) and every store over
it; `build_window` builds the room for a signed-in user: controllers, sound device, music,
the main window and what it opens (History, the playlist editor), each handed what it
needs through its constructor. The app, the self-test, the benchmarks and the tests all
build through here, so a feature that the tests reach is a feature the app has.

Qt and pygame are imported inside `build_window`: `kapdesk --version`, the CLI and a
failed start never load them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kapdesk.core.alerts import Thresholds
from kapdesk.core.clock import Clock
from kapdesk.core.protocol import Protocol, ProtocolError, load_protocols
from kapdesk.paths import Paths
from kapdesk.services.bundle import Folders, Operations
from kapdesk.store.accounts import AccountStore
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.instance import InstanceLock
from kapdesk.store.music import MusicStore
from kapdesk.store.outcomes import OutcomeStore
from kapdesk.store.patients import PatientStore
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.settings import SettingsStore
from kapdesk.store.users import User, UserStore

if TYPE_CHECKING:
    from kapdesk.audio.device import SoundDevice
    from kapdesk.audio.output import MixerOutput
    from kapdesk.ui.history.launcher import HistoryLauncher
    from kapdesk.ui.history.window import HistoryWindow
    from kapdesk.ui.main_window import MainWindow, WindowHooks
    from kapdesk.ui.music_controller import MusicController
    from kapdesk.ui.playlist_editor import PlaylistEditorLauncher
    from kapdesk.ui.prompts import Prompts

log = logging.getLogger("kapdesk")
QUIT_FADE_WAIT_S = 1.2  # the music's fade on quit is 1 s (MusicController.close)


@dataclass(frozen=True)
class Stores:
    """Every repository over the one database, sharing one audit trail."""

    settings: SettingsStore
    audit: AuditTrail
    sessions: SessionStore
    patients: PatientStore
    accounts: AccountStore
    users: UserStore
    music: MusicStore
    outcomes: OutcomeStore
    records: RecordStore

    @classmethod
    def over(cls, db: Database, clock: Clock) -> Stores:
        audit = AuditTrail(db, clock)
        settings = SettingsStore(db)
        sessions = SessionStore(db, clock, audit)
        records = RecordStore(db, clock, sessions, audit,
                              Thresholds.from_dict(settings.get("alert_thresholds")))
        return cls(settings=settings, audit=audit, sessions=sessions,
                   patients=PatientStore(db, clock, audit),
                   accounts=AccountStore(db, clock, audit), users=UserStore(db, clock),
                   music=MusicStore(db, clock, audit), outcomes=OutcomeStore(db, clock, audit),
                   records=records)


@dataclass
class AppContext:
    """Everything the window needs, built once, handed on through constructors."""

    paths: Paths
    clock: Clock
    protocols: list[Protocol]
    protocol_errors: list[ProtocolError]
    db: Database
    stores: Stores
    ops: Operations
    lock: InstanceLock | None = None  # the data folder's instance lock, held while it runs
    notices: tuple[str, ...] = ()  # what opening the folder did (a restore finished...)


def build_services(paths: Paths, clock: Clock, check: bool = True,
                   holder: str | None = "the room window") -> AppContext:
    """`check=False`: the caller runs the database's integrity check in the background.
    `holder`: who takes the data folder's instance lock (None: none is taken)."""
    from kapdesk.store.opening import open_data_folder

    paths.ensure()
    opened = open_data_folder(paths.database, clock, holder, check=check,
                              extra_folders=[paths.backups_dir])
    for notice in opened.notices:
        log.warning("on opening the data folder: %s", notice)
    db = opened.db
    protocols, errors = load_protocols(paths.protocol_dirs())
    for error in errors:
        log.warning("protocol not loaded: %s", error)
    stores = Stores.over(db, clock)
    ops = operations_over(db, clock, paths, stores)
    return AppContext(paths, clock, sorted(protocols, key=lambda p: p.name), errors, db,
                      stores, ops, opened.lock, tuple(opened.notices))


def operations_over(db: Database, clock: Clock, paths: Paths,
                    stores: Stores | None = None) -> Operations:
    """Every operation over an open database (the CLI's commands build theirs here)."""
    s = stores or Stores.over(db, clock)
    return Operations.over(db, clock, Folders(paths.database, paths.backups_dir,
                                              paths.playlists_dir),
                           sessions=s.sessions, patients=s.patients, records=s.records,
                           accounts=s.accounts, settings=s.settings, audit=s.audit,
                           outcomes=s.outcomes, music=s.music)


def create_account(ctx: AppContext, name: str, username: str, role: str,
                   password: str) -> User:
    """An account made without a dialog (self-test, tests, benchmarks)."""
    return ctx.stores.accounts.create(name, username, role, password, None)


def ensure_demo(ctx: AppContext) -> None:
    if ctx.stores.sessions.count() == 0:
        from kapdesk.demo import write_demo

        write_demo(ctx.db, {p.id: p for p in ctx.protocols}, ctx.clock.now())


# What build_window imports: loaded in the background by kapdesk.app.preload_the_room
# while the first frame is drawn, the folder opens and the person signs in.
WINDOW_MODULES = ("kapdesk.audio.device", "kapdesk.audio.output", "kapdesk.audio.player",
                  "kapdesk.ui.main_window", "kapdesk.ui.music_controller",
                  "kapdesk.ui.prompts", "kapdesk.ui.record_controller",
                  "kapdesk.ui.room_controller", "kapdesk.ui.screen_fit")


def build_window(ctx: AppContext, user: User, prompts: Prompts | None = None) -> MainWindow:
    """The main window over the context, for a signed-in user (QApplication must exist).
    `prompts`: how the window asks (dialogs run modally, a line of text); the tests give
    their own answers here."""
    from kapdesk.audio.device import SoundDevice
    from kapdesk.audio.output import MixerOutput
    from kapdesk.audio.player import MusicPlayer
    from kapdesk.core.playlist import load_sets
    from kapdesk.paths import resource_root
    from kapdesk.ui.main_window import MainWindow
    from kapdesk.ui.music_controller import MusicController
    from kapdesk.ui.prompts import DialogPrompts
    from kapdesk.ui.record_controller import RecordController
    from kapdesk.ui.room_controller import RoomController

    stores, clock = ctx.stores, ctx.clock
    asks: Prompts = prompts or DialogPrompts()  # the room's and History's questions
    room = RoomController(ctx.ops.room, ctx.ops.sessions, clock, user)
    record = RecordController(ctx.ops.records, ctx.ops.patients, room)
    device = SoundDevice()  # one output for music and chime, opened when first wanted
    output = MixerOutput(device)
    set_dirs = [resource_root() / "playlists", ctx.paths.playlists_dir]
    sets, problems = load_sets(set_dirs)
    for problem in problems:
        log.warning("playlist set not loaded: %s", problem)
    music = MusicController(MusicPlayer(device), ctx.ops.music, sets, room,
                            stores.settings.get)

    def history(hooks: WindowHooks) -> HistoryLauncher:
        return _history_launcher(ctx, lambda: room.user, hooks, asks)

    def playlists(hooks: WindowHooks) -> PlaylistEditorLauncher:
        return _playlist_launcher(ctx, lambda: room.user, hooks, music, device,
                                  lambda: _reload_sets(music, set_dirs))

    window = MainWindow(room, record, ctx.protocols, ctx.protocol_errors,
                        asks, ctx.ops,
                        history=history, playlists=playlists, chime=output.chime,
                        music=music, release_audio=lambda: _release_audio(music, output, device))
    music.setParent(window)
    record.setParent(window)
    room.setParent(window)
    return window


def _reload_sets(music: MusicController, set_dirs: list[Path]) -> None:
    """A set saved in the editor reaches the room at once."""
    from kapdesk.core.playlist import load_sets

    found, _problems = load_sets(set_dirs)
    music.sets = {s.id: s for s in found}


def _release_audio(music: MusicController, output: MixerOutput, device: SoundDevice) -> None:
    """The window is closing: fade the music out (MusicController.close asks the player
    for a 1 s fade, which the player's thread plays out while this waits), stop the
    player's threads, close the sound device (pygame's mixer is quit)."""
    from kapdesk.audio.model import PlayerState

    playing = music.player.state is PlayerState.PLAYING
    music.close()
    if playing:
        time.sleep(QUIT_FADE_WAIT_S)
    music.player.close()
    output.close()
    device.close()


def _history_launcher(ctx: AppContext, user: Callable[[], User], hooks: WindowHooks,
                      prompts: Prompts) -> HistoryLauncher:
    from kapdesk.ui.history.launcher import HistoryLauncher

    settings = ctx.stores.settings

    def build() -> HistoryWindow:
        # The window's modules load when it is first opened: not needed to show the room.
        from kapdesk.core.outcomes import SPECS, wording_from_setting
        from kapdesk.ui.history.controller import HistoryController
        from kapdesk.ui.history.window import HistoryWindow

        controller = HistoryController(ctx.ops.history, ctx.ops.exports, user)
        setting = settings.get("outcome_item_text")
        wording = {i: wording_from_setting(setting, i) for i in SPECS}
        window = HistoryWindow(controller, prompts, sign=hooks.sign, wording=wording)
        controller.setParent(window)
        return window

    return HistoryLauncher(build, user, hooks.report, hooks.parent)


def _playlist_launcher(ctx: AppContext, user: Callable[[], User], hooks: WindowHooks,
                       music: MusicController, device: SoundDevice,
                       on_saved: Callable[[], None]) -> PlaylistEditorLauncher:
    from kapdesk.audio.model import PlayerState
    from kapdesk.audio.player import MusicPlayer
    from kapdesk.ui.playlist_editor import PlaylistEditorLauncher

    def busy() -> str | None:
        if music.player.state is PlayerState.STOPPED:
            return None
        return "The room's music is playing: preview once it has stopped."

    return PlaylistEditorLauncher(
        ctx.ops.music, ctx.ops.patients, ctx.paths, user=user, report=hooks.report,
        parent=hooks.parent, player=lambda: MusicPlayer(device), music_busy=busy,
        on_saved=on_saved, playlists=ctx.ops.playlists)
