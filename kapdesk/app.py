"""The entry point: arguments, the QApplication, the first frame, the opening, exec.

The first frame comes before the room's code: `run` shows the app's top-level window
(kapdesk/ui/shell.py: PySide6 and the standard library only) and enters the event loop,
the room's code loading meanwhile in a background thread. On the loop's turn after that
frame is painted, `Opening` imports kapdesk.wiring (the one composition root, which
builds everything the window is made of), opens the data folder (taking its lock), signs
someone in over the shell, builds the room and puts it into the same window. A folder that
cannot be opened (another instance holds it, a damaged or newer database, a read-only
folder) is said in words over the shell, and the app exits 2; closing the shell while it
opens exits 0, the folder let go.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING

from kapdesk import APP_ID, APP_NAME, __version__
from kapdesk.paths import Paths, default_data_dir

if TYPE_CHECKING:  # what the opening imports once the first frame is on screen
    from PySide6.QtWidgets import QApplication, QWidget

    from kapdesk.store.users import User
    from kapdesk.ui.main_window import MainWindow
    from kapdesk.ui.shell import Shell
    from kapdesk.wiring import AppContext

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]
LOGGER = "kapdesk"


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
    import logging

    handler = logging.FileHandler(paths.log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in root.handlers:  # a second start in one process (tests): the first's file shut
        old.close()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    if hasattr(os, "chmod"):
        os.chmod(paths.log_file, 0o600)


def sign_in(services: AppContext, demo: bool, parent: QWidget | None = None) -> User | None:
    """First run: create the admin account. Then the day's sign-in (the demo signs in its
    invented clinician), over `parent`. None when the person closes the dialog."""
    accounts = services.ops.accounts
    if demo:  # the demo signs in its invented clinician without asking
        from kapdesk.demo import DEMO_LOGIN

        return accounts.by_username(DEMO_LOGIN[0])
    from kapdesk.ui.auth_dialogs import LoginDialog, NewAccountDialog

    if accounts.needs_first_admin():
        first = NewAccountDialog(accounts, None, first_run=True, parent=parent)
        if first.exec() != NewAccountDialog.DialogCode.Accepted:
            return None
    login = LoginDialog(accounts, parent)
    if login.exec() != LoginDialog.DialogCode.Accepted:
        return None
    return login.user


def demo_paths(data_dir: str | None) -> Paths:
    return Paths.resolve(data_dir or default_data_dir().with_name(f"{APP_NAME}-demo"))


def show_shell(paths: Paths) -> Shell:
    """The app's window, shown at once: the time, and which folder it is opening."""
    from kapdesk.ui.screen_fit import fit_to_screen
    from kapdesk.ui.shell import Shell
    from kapdesk.ui.theme import DARK

    shell = Shell(f"{APP_NAME} {__version__}", f"Opening the records in {paths.data_dir}…",
                  (DARK.window, DARK.text, DARK.muted), lambda: datetime.now(UTC))
    fit_to_screen(shell)  # never larger than the screen it opens on
    return shell


def build_room(services: AppContext, user: User) -> MainWindow:
    """The room for the signed-in user, built through the one composition root."""
    from kapdesk.wiring import build_window

    return build_window(services, user)


def preload_the_room() -> threading.Thread:
    """Import kapdesk.wiring and the room's code in a background thread while the first
    frame is drawn (in Qt's C++, without the GIL), the folder opens and the person signs
    in (SQLite and the password check run without it too). Nothing is built: the opening's
    own imports then find the modules loaded, or wait for the one being loaded. An import
    that fails here fails again, in words, where the opening imports it."""
    def load() -> None:
        try:
            wiring = importlib.import_module("kapdesk.wiring")
            for name in wiring.WINDOW_MODULES:
                importlib.import_module(name)
        except Exception:  # raised again, in words, by the opening's own import
            return

    thread = threading.Thread(target=load, name="preload the room", daemon=True)
    thread.start()
    return thread


def _excepthook(window_getter: Callable[[], QWidget]) -> ExceptHook:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        import logging
        import traceback

        from PySide6.QtWidgets import QMessageBox

        from kapdesk.core.errors import KapdeskError

        logging.getLogger(LOGGER).error(
            "unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        text = (str(value) if isinstance(value, KapdeskError) else
                "Something went wrong. Your notes are safe: everything shown as saved is on "
                "disk. Details are in the log file in the data folder.")
        QMessageBox.warning(window_getter(), APP_NAME, text)
    return hook


class Opening:
    """What runs once the shell's first frame is painted: the wiring imported, the data
    folder opened and locked, someone signed in, the room built into the shell. `code`:
    the exit status it decided (None: the event loop's own); `error`: a bug it met, raised
    again by `run` once the loop has ended."""

    def __init__(self, app: QApplication, shell: Shell, paths: Paths, demo: bool) -> None:
        self.app = app
        self.shell = shell
        self.paths = paths
        self.demo = demo
        self.code: int | None = None
        self.error: BaseException | None = None
        self.window: MainWindow | None = None
        self.services: AppContext | None = None  # the open folder, until let go

    def run(self) -> None:
        if self.shell.closed_early:  # closed before its first frame's turn came
            return
        try:
            self.code = self._open()
        except Exception as exc:  # a bug, not a refusal: said, then raised again out of `run`
            self.error = exc
            self.code = 1
            self._say_unexpected(exc)
        if self.code is not None:  # the shell is closed once the loop has ended (`run`)
            self.app.exit(self.code)

    def _open(self) -> int | None:
        from kapdesk import wiring
        from kapdesk.core.clock import SystemClock
        from kapdesk.core.errors import KapdeskError
        from kapdesk.ui.theme import THEMES, apply_theme

        apply_theme(self.app, THEMES["dark"])  # dark before anything more can show
        try:
            services = wiring.build_services(self.paths, SystemClock(), check=False)
        except KapdeskError as exc:
            return self._refuse(exc)
        self.services = services
        try:
            configure_logging(self.paths)
            if self.demo:
                wiring.ensure_demo(services)
            code = self._enter(services)
        except KapdeskError as exc:
            self.let_go()
            return self._refuse(exc)
        except BaseException:
            if self.window is None:  # a bug before the room held the folder: let it go
                self.let_go()
            raise
        if code is not None:
            self.let_go()
        return code

    def _enter(self, services: AppContext) -> int | None:
        """Someone signed in over the shell, and the room built into it (None); 0 when the
        sign-in is closed, or the shell is."""
        import logging

        from PySide6.QtWidgets import QMessageBox

        from kapdesk.ui.theme import THEMES, apply_theme

        paths, shell = self.paths, self.shell
        log = logging.getLogger(LOGGER)
        log.info("started %s %s", APP_NAME, __version__)
        # Dark from the first dialog on: a sign-in box must not light the room either.
        theme = THEMES.get(str(services.stores.settings.get("theme_level")), THEMES["dark"])
        apply_theme(self.app, theme)
        shell.set_colours((theme.window, theme.text, theme.muted))
        for notice in services.notices:  # e.g. an interrupted restore finished or undone
            QMessageBox.information(shell, APP_NAME, notice)
        shell.say("Opening the room…" if self.demo else
                  "Waiting for the first account, the admin's, to be made…"
                  if services.ops.accounts.needs_first_admin() else
                  "Waiting for someone to sign in…")
        user = None if shell.closed_early else sign_in(services, self.demo, shell)
        if user is None or shell.closed_early:
            return 0
        log.info("signed in user %s", user.id)
        shell.say("Opening the room…")
        window = build_room(services, user)
        self.window = window
        sys.excepthook = _excepthook(lambda: window)
        shell.host(window)
        # integrity_check and the day's first backup once the room is on screen, off the
        # first frame's path; damage stops every later write
        window.after_paint.add(lambda: window.check_database_soon(paths.database,
                                                                  services.db.stop_writes))
        window.after_paint.add(window.start_backups)
        return None

    def let_go(self) -> None:
        """The database closed (SQLite checkpoints and removes its -wal: the next start
        finds a clean folder), the folder's lock released; once."""
        services, self.services = self.services, None
        if services is not None:
            services.db.close()
            if services.lock is not None:
                services.lock.release()

    def _say_unexpected(self, exc: Exception) -> None:
        """Words for what no refusal names, over the shell (the traceback follows on
        stderr, raised out of `run`): the window never just vanishes."""
        from PySide6.QtWidgets import QMessageBox

        self.shell.say("KAPdesk could not open the records.")
        QMessageBox.critical(
            self.shell, APP_NAME,
            f"Something went wrong while opening the records in {self.paths.data_dir} "
            f"({type(exc).__name__}: {exc}). Your notes are safe: everything shown as saved "
            "is on disk. KAPdesk will close; ask the admin to run 'kapdesk check' on this "
            "folder.")

    def _refuse(self, exc: Exception) -> int:
        """The folder cannot be opened: said in words over the shell, and on stderr."""
        from PySide6.QtWidgets import QMessageBox

        self.shell.say("KAPdesk could not open the records.")
        QMessageBox.critical(self.shell, APP_NAME, str(exc))
        print(f"kapdesk: {exc}", file=sys.stderr)
        return 2


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # no banner on stdout
    if argv and not argv[0].startswith("-"):  # a command (else argparse names the mistake)
        from kapdesk import cli

        if argv[0] in cli.COMMANDS:
            return cli.main(argv)
    args = _parser().parse_args(argv)
    if args.self_test:
        from kapdesk.selftest import run_self_test

        return run_self_test()

    from PySide6.QtWidgets import QApplication

    os.umask(0o077)  # everything KAPdesk writes is the user's alone
    found = QApplication.instance()
    app = found if isinstance(found, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    paths = demo_paths(args.data_dir) if args.demo else Paths.resolve(args.data_dir)
    shell = show_shell(paths)
    opening = Opening(app, shell, paths, args.demo)
    shell.after_paint.add(opening.run)
    shell.show()
    preload_the_room()  # from here on, beside the first frame and the opening
    code = app.exec()
    if shell.isVisible():  # closed here, not from the loop: no quit is left queued for later
        shell.close()  # the room's own close first: its note saved, its timers stopped
    opening.let_go()  # a clean exit: nothing left for the next start to check
    shell.deleteLater()
    if opening.error is not None:
        raise opening.error
    return code if opening.code is None else opening.code
