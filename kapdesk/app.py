"""The entry point: arguments, logging, the QApplication, sign-in, the event loop.

Everything the window is made of is built in kapdesk.wiring, the one composition root.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from kapdesk import APP_ID, APP_NAME, __version__
from kapdesk.core.clock import SystemClock
from kapdesk.core.errors import KapdeskError
from kapdesk.paths import Paths, default_data_dir
from kapdesk.store.users import User
from kapdesk.wiring import (
    AppContext,
    build_services,
    build_window,
    ensure_demo,
    preload_window_code,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]

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


def sign_in(services: AppContext, demo: bool) -> User | None:
    """First run: create the admin account. Then the day's sign-in (the demo signs in its
    invented clinician). None when the person closes the dialog."""
    accounts = services.ops.accounts
    if demo:  # the demo signs in its invented clinician without asking
        from kapdesk.demo import DEMO_LOGIN

        return accounts.by_username(DEMO_LOGIN[0])
    from kapdesk.ui.auth_dialogs import LoginDialog, NewAccountDialog

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


def _excepthook(window_getter: Callable[[], QWidget]) -> ExceptHook:
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

    # The room's code loads in the background while this thread opens the data folder and
    # the person signs in (SQLite and the password check run without the GIL).
    preload_window_code()
    os.umask(0o077)  # everything KAPdesk writes is the user's alone
    found = QApplication.instance()
    app = found if isinstance(found, QApplication) else QApplication([sys.argv[0]])
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

    # Dark from the first dialog on: a sign-in box must not light the room either.
    level = str(services.stores.settings.get("theme_level"))
    apply_theme(app, THEMES.get(level, THEMES["dark"]))
    for notice in services.notices:  # e.g. an interrupted restore finished or undone
        QMessageBox.information(None, APP_NAME, notice)
    user = sign_in(services, args.demo)
    if user is None:
        services.db.close()
        return 0
    log.info("signed in user %s", user.id)
    window = build_window(services, user)
    sys.excepthook = _excepthook(lambda: window)
    from kapdesk.ui.screen_fit import fit_to_screen

    fit_to_screen(window)  # never larger than the screen it opens on
    window.show()
    # integrity_check and the day's first backup once the room is on screen, off the first
    # frame's path; damage stops every later write
    window.after_paint.add(lambda: window.check_database_soon(paths.database,
                                                              services.db.stop_writes))
    window.after_paint.add(window.start_backups)
    try:
        return int(app.exec())
    finally:
        # flushed and marked closed cleanly: rows after it are then never taken for the
        # last moments before a power cut (store/seal_writing.py)
        services.db.close()
