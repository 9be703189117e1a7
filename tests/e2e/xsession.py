"""A real X session for end-to-end tests: Xvfb with openbox, xdotool for real key and mouse
events, ImageMagick's `import` for screenshots, and the app's database read through SQLite,
read-only, to wait for what a step wrote (never a fixed long sleep).

KAPDESK_GUI_DISPLAY=N runs the X server on display :N (else a free one is chosen).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage

TOOLS = ("Xvfb", "openbox", "xdotool", "xdpyinfo", "xprop", "import")


class XSessionError(AssertionError):
    """A step of the session did not happen in time: the message says which."""


@contextmanager
def x_server(width: int = 1366, height: int = 768) -> Iterator[str]:
    """Xvfb at width x height with openbox on it; yields the display (":N")."""
    wanted = os.environ.get("KAPDESK_GUI_DISPLAY")
    # -noreset: else the server resets when its first client (xdpyinfo) leaves, and a
    # client connecting meanwhile (openbox) is turned away
    screen = ["-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"]
    if wanted:
        server = subprocess.Popen(["Xvfb", f":{wanted}", *screen], stderr=subprocess.DEVNULL)
        display = f":{wanted}"
    else:
        read, write = os.pipe()
        server = subprocess.Popen(["Xvfb", "-displayfd", str(write), *screen],
                                  pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as pipe:
            display = ":" + pipe.readline().strip()
    wm: subprocess.Popen[bytes] | None = None
    try:
        _until(lambda: subprocess.run(["xdpyinfo", "-display", display],
                                      capture_output=True).returncode == 0,
               10, f"the X server {display} did not start")
        if server.poll() is not None:  # another server answered: never drive its screen
            raise XSessionError(f"the display {display} is taken by another X server")
        wm = subprocess.Popen(["openbox"], env=dict(os.environ, DISPLAY=display),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _until(lambda: "window id" in subprocess.run(
            ["xprop", "-display", display, "-root", "_NET_SUPPORTING_WM_CHECK"],
            capture_output=True, text=True).stdout or wm.poll() is not None, 10,
            "openbox did not take the screen")
        if wm.poll() is not None:
            raise XSessionError(f"openbox stopped ({wm.returncode}) on {display}")
        yield display
    finally:
        for process in (wm, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


def _until(check: Any, timeout: float, what: str, every: float = 0.1) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise XSessionError(f"{what} (waited {timeout:g} s)")


class Desk:
    """The keyboard, the mouse and the screen of one X display, and a read-only look at
    the app's database."""

    def __init__(self, display: str, database: Path, shots: Path) -> None:
        self.display = display
        self.database = database
        self.shots = shots

    def xdotool(self, *args: str, timeout: float = 15) -> str:
        try:
            done = subprocess.run(["xdotool", *args], capture_output=True, text=True,
                                  timeout=timeout, env=dict(os.environ, DISPLAY=self.display))
        except subprocess.TimeoutExpired as exc:
            raise XSessionError(f"xdotool {' '.join(args)} did not finish") from exc
        if done.returncode and args[0] != "search":
            raise XSessionError(f"xdotool {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def window(self, title: str, timeout: float = 15) -> str:
        """The id of the window titled exactly `title`, once it is mapped; it gets the
        keyboard."""
        # xdotool's own --sync gives up, empty-handed, when a window it is looking at is
        # destroyed meanwhile (a dialog closing): so ask again until the time is up
        try:
            found = _until(lambda: self.xdotool("search", "--onlyvisible", "--name",
                                                f"^{title}$"), timeout, "", every=0.2)
        except XSessionError:
            names = self.xdotool("search", "--onlyvisible", "--name", ".", "getwindowname",
                                 "%@")
            raise XSessionError(f"no window titled {title!r} appeared in {timeout:g} s; "
                                f"shown: {names!r}") from None
        wid = found.splitlines()[-1]
        self.xdotool("windowactivate", "--sync", wid)
        time.sleep(0.2)  # Qt gives the dialog's first field the focus
        return wid

    def gone(self, title: str, timeout: float = 10) -> None:
        _until(lambda: not self.xdotool("search", "--onlyvisible", "--name", f"^{title}$"),
               timeout, f"the window {title!r} stayed open")

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "15", text)

    def key(self, *keys: str) -> None:
        for key in keys:
            self.xdotool("key", key)
            time.sleep(0.05)

    def click(self, wid: str, x: int, y: int) -> None:
        """A left click at (x, y) inside the window `wid`."""
        self.xdotool("mousemove", "--window", wid, str(x), str(y), "click", "1")
        time.sleep(0.3)

    def park_mouse(self) -> None:
        self.xdotool("mousemove", "5", "760")

    def shot(self, name: str, wid: str = "root") -> Path:
        out = self.shots / name
        subprocess.run(["import", "-display", self.display, "-window", wid, str(out)],
                       check=True, timeout=30)
        return out

    def edges(self, wid: str, y: int, image: QImage | None = None) -> list[tuple[int, int]]:
        """The bright runs of pixels (x from, x to) on row `y` of window `wid`: on a row
        that crosses bordered controls below their text, their vertical borders."""
        image = image or QImage(str(self.shot("_probe.png", wid)))
        runs, start = [], None
        for x in range(image.width()):
            bright = QColor(image.pixel(x, y)).lightness() > 70
            if bright and start is None:
                start = x
            elif not bright and start is not None:
                runs.append((start, x - 1))
                start = None
        return runs

    def boxes(self, wid: str, top: int = 0, bottom: int = 80) -> list[tuple[int, int]]:
        """The bordered enabled controls in a row of window `wid` (a toolbar), left to
        right, as (left, right) x: found on the first row between `top` and `bottom` that
        crosses only the controls' vertical borders (bright 1-2 px lines)."""
        image = QImage(str(self.shot("_probe.png", wid)))
        for y in range(top, min(bottom, image.height())):
            runs = self.edges(wid, y, image)
            inner = [r for r in runs if r[0] > 2 and r[1] < image.width() - 3]
            if len(inner) >= 4 and len(inner) % 2 == 0 and \
                    all(r[1] - r[0] <= 2 for r in inner):
                return [(inner[i][0], inner[i + 1][1]) for i in range(0, len(inner), 2)]
        raise XSessionError(f"no row of bordered controls in window {wid} "
                            f"between y={top} and y={bottom}")

    def column_boxes(self, wid: str, x: int) -> list[tuple[int, int]]:
        """The bordered boxes (lists, text fields) that column `x` of window `wid` crosses,
        top to bottom, as (top, bottom) y: pairs of thin bright horizontal borders."""
        image = QImage(str(self.shot("_probe.png", wid)))
        lines, start = [], None
        for y in range(image.height()):
            bright = QColor(image.pixel(x, y)).lightness() > 60
            if bright and start is None:
                start = y
            elif not bright and start is not None:
                if y - start <= 2:
                    lines.append(start)
                start = None
        return [(lines[i], lines[i + 1]) for i in range(0, len(lines) - 1, 2)]

    def query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        """Rows from the app's database, opened read-only through SQLite."""
        con = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def wait_for(self, what: str, sql: str, *args: object, timeout: float = 20) -> Any:
        """The first row of `sql` once there is one (the step that writes it is done)."""
        return _until(lambda: next(iter(self.query(sql, *args)), None) if
                      self.database.exists() else None, timeout,
                      f"{what}: nothing in the database", every=0.2)
