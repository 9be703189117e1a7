"""Composition root: arguments -> paths -> store -> services -> MainWindow."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from kapdesk import APP_ID, APP_NAME, __version__
from kapdesk.core.clock import Clock, SystemClock
from kapdesk.core.errors import KapdeskError
from kapdesk.core.protocol import Protocol, ProtocolError, load_protocols
from kapdesk.paths import Paths, default_data_dir

if TYPE_CHECKING:
    from kapdesk.store.users import User

log = logging.getLogger("kapdesk")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kapdesk", description=f"{APP_NAME}: the treatment-room companion.",
        epilog="Commands without a window: kapdesk demo|check --help")
    parser.add_argument("--data-dir", help="folder for the database, logs and backups "
                        "(default: $KAPDESK_DATA_DIR, else the user data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="open on a demo data folder with invented patients")
    parser.add_argument("--self-test", action="store_true",
                        help="run a scripted session offscreen, print one line, exit 0 or 1")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser


def configure_logging(paths: Paths) -> None:
    handler = logging.FileHandler(paths.log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    if hasattr(os, "chmod"):
        os.chmod(paths.log_file, 0o600)


@dataclass
class Services:
    """Everything the window needs, built once, handed on through constructors."""

    paths: Paths
    clock: Clock
    protocols: list[Protocol]
    protocol_errors: list[ProtocolError]
    db: object
    lock: object = None  # the data folder's instance lock, held while the window runs
    notices: tuple[str, ...] = ()  # what opening the folder did (a restore finished...)


def build_services(paths: Paths, clock: Clock, check: bool = True,
                   holder: str | None = "the room window") -> Services:
    """`check=False`: the caller runs the database's integrity check in the background.
    `holder`: who takes the data folder's instance lock (None: none is taken)."""
    from kapdesk.store.opening import open_data_folder

    paths.ensure()
    opened = open_data_folder(paths.database, clock, holder, check=check,
                              extra_folders=[paths.backups_dir])
    for notice in opened.notices:
        log.warning("on opening the data folder: %s", notice)
    protocols, errors = load_protocols(paths.protocol_dirs())
    for error in errors:
        log.warning("protocol not loaded: %s", error)
    return Services(paths, clock, sorted(protocols, key=lambda p: p.name), errors, opened.db,
                    opened.lock, tuple(opened.notices))


def build_window(services: Services, user: User):  # type: ignore[no-untyped-def]
    """The main window over the services, for a signed-in user (QApplication must exist)."""
    from kapdesk.audio.device import SoundDevice
    from kapdesk.audio.output import MixerOutput
    from kapdesk.audio.player import MusicPlayer
    from kapdesk.core.alerts import Thresholds
    from kapdesk.core.playlist import load_sets
    from kapdesk.paths import resource_root
    from kapdesk.store.accounts import AccountStore
    from kapdesk.store.audit import AuditTrail
    from kapdesk.store.music import MusicStore
    from kapdesk.store.patients import PatientStore
    from kapdesk.store.records import RecordStore
    from kapdesk.store.sessions import SessionStore
    from kapdesk.store.settings import SettingsStore
    from kapdesk.store.users import UserStore
    from kapdesk.ui.main_window import MainWindow
    from kapdesk.ui.music_controller import MusicController
    from kapdesk.ui.record_controller import RecordController
    from kapdesk.ui.room_controller import RoomController

    db, clock = services.db, services.clock
    settings = SettingsStore(db)  # type: ignore[arg-type]
    audit = AuditTrail(db, clock)  # type: ignore[arg-type]
    sessions = SessionStore(db, clock, audit)  # type: ignore[arg-type]
    records = RecordStore(db, clock, sessions, audit,  # type: ignore[arg-type]
                          Thresholds.from_dict(settings.get("alert_thresholds")))
    room = RoomController(sessions, clock, user)
    record = RecordController(records, PatientStore(db, clock, audit), room)  # type: ignore[arg-type]
    device = SoundDevice()  # one output for music and chime, opened when first wanted
    output = MixerOutput(device)
    sets, problems = load_sets([resource_root() / "playlists", services.paths.playlists_dir])
    for problem in problems:
        log.warning("playlist set not loaded: %s", problem)
    music = MusicController(MusicPlayer(device), MusicStore(db, clock, audit),  # type: ignore[arg-type]
                            sets, room, settings.get)
    window = MainWindow(room, record, AccountStore(db, clock, audit),  # type: ignore[arg-type]
                        services.protocols, services.protocol_errors,
                        UserStore(db, clock), settings, chime=output.chime,  # type: ignore[arg-type]
                        music=music)
    music.setParent(window)
    from kapdesk.audio.model import PlayerState
    from kapdesk.ui.playlist_editor import PlaylistEditorLauncher

    def reload_music_sets() -> None:  # a set saved in the editor reaches the room at once
        found, _problems = load_sets([resource_root() / "playlists",
                                      services.paths.playlists_dir])
        music.sets = {s.id: s for s in found}

    window.playlists = PlaylistEditorLauncher(
        music.store, record.patients, services.paths, user=lambda: room.user,
        report=window.show_error, parent=window, player=lambda: MusicPlayer(device),
        music_busy=lambda: None if music.player.state is PlayerState.STOPPED else
        "The room's music is playing: preview once it has stopped.",
        on_saved=reload_music_sets)
    record.setParent(window)
    return window


def create_account(services: Services, name: str, username: str, role: str,
                   password: str) -> User:
    """An account made without a dialog (self-test, tests, benchmarks)."""
    from kapdesk.store.accounts import AccountStore
    from kapdesk.store.audit import AuditTrail

    db, clock = services.db, services.clock
    return AccountStore(db, clock, AuditTrail(db, clock)).create(  # type: ignore[arg-type]
        name, username, role, password, None)


def sign_in(services: Services, demo: bool) -> User | None:
    """First run: create the admin account. Then the day's sign-in (the demo signs in its
    invented clinician). None when the person closes the dialog."""
    from kapdesk.store.accounts import AccountStore
    from kapdesk.store.audit import AuditTrail
    from kapdesk.ui.auth_dialogs import LoginDialog, NewAccountDialog

    accounts = AccountStore(services.db, services.clock,  # type: ignore[arg-type]
                            AuditTrail(services.db, services.clock))  # type: ignore[arg-type]
    if demo:  # the demo signs in its invented clinician without asking
        from kapdesk.demo import DEMO_LOGIN

        return accounts.by_username(DEMO_LOGIN[0])
    if accounts.needs_first_admin():
        first = NewAccountDialog(accounts, None, first_run=True)
        if first.exec() != NewAccountDialog.DialogCode.Accepted:
            return None
    login = LoginDialog(accounts)
    if login.exec() != LoginDialog.DialogCode.Accepted:
        return None
    return login.user


def demo_paths(data_dir: str | None) -> Paths:
    return Paths.resolve(data_dir or default_data_dir().with_name(f"{APP_NAME}-demo"))


def ensure_demo(services: Services) -> None:
    from kapdesk.store.sessions import SessionStore

    if SessionStore(services.db, services.clock).count() == 0:  # type: ignore[arg-type]
        from kapdesk.demo import write_demo

        write_demo(services.db, {p.id: p for p in services.protocols},  # type: ignore[arg-type]
                   services.clock.now())


def _excepthook(window_getter):  # type: ignore[no-untyped-def]
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        from PySide6.QtWidgets import QMessageBox

        text = (str(value) if isinstance(value, KapdeskError) else
                "Something went wrong. Your notes are safe: everything shown as saved is on "
                "disk. Details are in the log file in the data folder.")
        QMessageBox.warning(window_getter(), APP_NAME, text)
    return hook


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # no banner on stdout
    from kapdesk import cli

    if argv and argv[0] in cli.COMMANDS:
        return cli.main(argv)
    args = _parser().parse_args(argv)
    if args.self_test:
        from kapdesk.selftest import run_self_test

        return run_self_test()

    from PySide6.QtWidgets import QApplication, QMessageBox

    os.umask(0o077)  # everything KAPdesk writes is the user's alone
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    from kapdesk.ui.theme import THEMES, apply_theme

    apply_theme(app, THEMES["dark"])  # dark before anything can show, a refusal included
    paths = demo_paths(args.data_dir) if args.demo else Paths.resolve(args.data_dir)
    try:
        services = build_services(paths, SystemClock(), check=False)
        configure_logging(paths)
        if args.demo:
            ensure_demo(services)
    except KapdeskError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        print(f"kapdesk: {exc}", file=sys.stderr)
        return 2
    log.info("started %s %s", APP_NAME, __version__)
    from kapdesk.store.settings import SettingsStore

    # Dark from the first dialog on: a sign-in box must not light the room either.
    level = str(SettingsStore(services.db).get("theme_level"))  # type: ignore[arg-type]
    apply_theme(app, THEMES.get(level, THEMES["dark"]))
    for notice in services.notices:  # e.g. an interrupted restore finished or undone
        QMessageBox.information(None, APP_NAME, notice)
    user = sign_in(services, args.demo)
    if user is None:
        return 0
    log.info("signed in user %s", user.id)
    window = build_window(services, user)
    sys.excepthook = _excepthook(lambda: window)
    from kapdesk.ui.screen_fit import fit_to_screen

    fit_to_screen(window)  # never larger than the screen it opens on
    window.show()
    # integrity_check, off the first frame's path; damage stops every later write
    window.check_database_soon(paths.database, services.db.stop_writes)  # type: ignore[attr-defined]
    window.start_backups(paths.database, paths.backups_dir)
    return int(app.exec())
