"""The child process of the benchmarks: opens a window and reports on stdout, one JSON line.

    python -m bench.driver bare           a bare PySide6 QMainWindow, 1366x768
    python -m bench.driver app DATA_DIR   the app exactly as `main.py --demo --data-dir DATA_DIR`
    python -m bench.driver idle DATA_DIR  the same, then doses the demo's planned session on the
                                          room screen, settles, says it is ready, runs on until
                                          it is stopped
    python -m bench.driver signed DATA_DIR USERNAME PASSWORD
                                          the app as `main.py --data-dir DATA_DIR` on a clinic's
                                          own data (not the demo), USERNAME signing in with
                                          PASSWORD as the demo's clinician does (no dialog)

bare prints {"painted": time.monotonic()} once its window's first frame is painted, then
quits. app and signed print {"painted": ..., "ready": ...} once the room is painted, then
quit: `painted` when the app's window first painted a frame (the shell, kapdesk/ui/shell.py,
before the room's code is loaded), `ready` when the room built into it (data folder open
and locked, someone signed in, the session shown) painted its first. The parent subtracts
its own time.monotonic() taken before it started the process (one system-wide clock).
The app's path is kapdesk.app.run itself: the driver only wraps kapdesk.app.show_shell and
kapdesk.app.build_room to watch the windows they return, so the app needs no flag.
Qt is imported where the app imports it: this module imports kapdesk.app before any Qt of
its own (bench/paint_watch.py), as main.py does, so the app's modules load in the app's
own order (PySide6 reads the source of each module imported after it).
The driver ends itself when its stdin closes (give it one that stays open when run by hand,
e.g. `sleep infinity | python -m bench.driver idle /tmp/d`).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

SETTLE_MS = 3000  # idle: let the dosed room screen settle before the parent measures


def say(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def watch_paint(window: Any, then: Callable[[float], None] | None = None) -> None:
    """`then(painted)` once the window's first frame is painted (default: report, quit).
    Called once the app has built its window, so Qt is loaded by then, by the app."""
    from bench.paint_watch import FirstPaint, report_and_quit

    FirstPaint(window, then or report_and_quit)


def run_bare() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    from bench.paint_watch import FirstPaint, report_and_quit

    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    FirstPaint(window, report_and_quit)
    window.resize(1366, 768)
    window.show()
    return int(app.exec())


def run_app(data_dir: str, on_window: Callable[[Any], object], demo: bool = True,
            on_shell: Callable[[float], object] | None = None) -> int:
    """`main.py --demo --data-dir DATA_DIR` (without --demo if not `demo`), with `on_window`
    called on the room window as soon as it is built (before it is shown), and `on_shell`
    with the time the app's window first painted a frame."""
    import kapdesk.app

    show, build = kapdesk.app.show_shell, kapdesk.app.build_room

    def show_and_watch(*args: Any, **kwargs: Any) -> Any:
        shell = show(*args, **kwargs)
        if on_shell is not None:  # before the opening: it runs after the first frame too
            shell.after_paint.add(lambda: on_shell(time.monotonic()))
        return shell

    def build_and_watch(*args: Any, **kwargs: Any) -> Any:
        window = build(*args, **kwargs)
        on_window(window)
        return window

    kapdesk.app.show_shell = show_and_watch
    kapdesk.app.build_room = build_and_watch
    return kapdesk.app.run(["--demo", "--data-dir", data_dir] if demo else
                           ["--data-dir", data_dir])


def run_timed(data_dir: str, demo: bool = True) -> int:
    """The app, reporting when its window first painted, and when the room did."""
    seen: dict[str, float] = {}

    def ready(painted: float) -> None:
        from bench.paint_watch import report_and_quit

        report_and_quit({"painted": seen.get("painted", painted), "ready": painted})

    return run_app(data_dir, lambda window: watch_paint(window, ready), demo=demo,
                   on_shell=lambda painted: seen.setdefault("painted", painted))


def run_signed(data_dir: str, username: str, password: str) -> int:
    """The app on DATA_DIR as it is (not the demo); `username` signs in, as the demo's
    clinician does, through AccountStore.login (the password check included)."""
    import kapdesk.app

    def sign_in_as(services: Any, demo: bool, parent: Any = None) -> Any:
        from kapdesk.store.accounts import AccountStore
        from kapdesk.store.audit import AuditTrail

        audit = AuditTrail(services.db, services.clock)
        return AccountStore(services.db, services.clock, audit).login(username, password)

    kapdesk.app.sign_in = sign_in_as
    return run_timed(data_dir, demo=False)


def dose(window: Any) -> None:
    """Dose a session as the clinician would: open the planned one, prepare, dose."""
    from kapdesk.core.session import State

    room = window.room
    if room.session is None or not room.session.is_running:
        planned = room.planned()
        if not planned:
            raise RuntimeError("the demo data has no planned session to dose")
        room.open_planned(planned[-1].id)
    window.act_prepare.trigger()
    # the demo's preparation is not ticked: the dose asks why; the benchmark answers
    window.ask_text = lambda _title, _label: "Benchmark run: preparation not measured"
    window.act_dose.trigger()
    if room.session is None or room.session.state is not State.DOSED:
        raise RuntimeError(f"could not dose the session (state: {room.session})")


def run_idle(data_dir: str) -> int:
    def dose_then_ready(window: Any) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        try:
            dose(window)
        except RuntimeError as exc:
            say(error=str(exc))
            QApplication.exit(1)
            return
        QTimer.singleShot(SETTLE_MS, lambda: say(ready=True, pid=os.getpid()))

    return run_app(data_dir, lambda window: watch_paint(
        window, lambda _painted: dose_then_ready(window)))


def exit_when_orphaned() -> None:
    """End this process when stdin closes: the bench stopped it, or died without doing so."""
    def wait_for_eof() -> None:
        while os.read(0, 4096):  # whatever comes is dropped; EOF (b"") ends the loop
            pass
        os._exit(0)

    threading.Thread(target=wait_for_eof, daemon=True, name="stdin watch").start()


def main(argv: list[str]) -> int:
    exit_when_orphaned()
    mode, *rest = argv or ["?"]
    if mode == "bare" and not rest:
        return run_bare()
    if mode == "app" and len(rest) == 1:
        return run_timed(rest[0])
    if mode == "idle" and len(rest) == 1:
        return run_idle(rest[0])
    if mode == "signed" and len(rest) == 3:
        return run_signed(*rest)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
