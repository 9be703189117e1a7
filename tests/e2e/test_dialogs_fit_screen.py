"""The plan, correct-dose, sign, integration and accounts dialogs on a real 1366x768 screen
under a window manager (openbox) in Xvfb, at 100 % and 150 %: each shows a refusal inside
it, in words, and sizes to its content: the message whole, no field squeezed or cut off,
the dialog on the screen.

Screenshots go to tests/artifacts/dialog_fit_*.png: open them and look.
Set KAPDESK_GUI_DISPLAY=N to run the X server on display :N (else a free one is chosen).
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.test_room_fits_screen import _start_x

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DIALOGS = {  # objectName: a part of the refusal it shows
    "plan_session_dialog": "Date of birth must be written YYYY-MM-DD",
    "correct_dose_dialog": "more than 12 h before the session was planned",
    "sign_dialog": "wrong password",
    "integration_dialog": "needs the patient's code",
    "accounts_dialog": "cannot deactivate your own account",
}


@pytest.fixture
def laptop_screen():
    server, display = _start_x(1366, 768)
    wm = subprocess.Popen(["openbox"], env=dict(os.environ, DISPLAY=display),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # openbox has taken the screen
        probe = subprocess.run(["xprop", "-display", display, "-root",
                                "_NET_SUPPORTING_WM_CHECK"], capture_output=True, text=True)
        if "window id" in probe.stdout:
            break
        time.sleep(0.1)
    time.sleep(0.3)
    yield display
    for process in (wm, server):
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.gui
@pytest.mark.skipif(shutil.which("Xvfb") is None or shutil.which("openbox") is None
                    or shutil.which("xdpyinfo") is None or shutil.which("xprop") is None,
                    reason="needs Xvfb, openbox, xdpyinfo and xprop (apt: xvfb openbox x11-utils)")
@pytest.mark.parametrize("scale", ["1", "1.5"])
def test_each_dialog_shows_its_refusal_whole_and_stays_on_the_screen(laptop_screen, scale):
    ARTIFACTS.mkdir(exist_ok=True)
    label = f"1366x768_{scale.replace('.', '')}x"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=laptop_screen, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=scale,
               SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "e2e" / "dialog_fit_screen.py"),
                             str(ARTIFACTS), label], capture_output=True, text=True,
                            timeout=180, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = {s["dialog"]: s for s in (json.loads(line) for line in result.stdout.splitlines()
                                     if line.startswith("{"))}
    assert sorted(seen) == sorted(DIALOGS)
    for name, words in DIALOGS.items():
        s = seen[name]
        where = f"{label} {name}"
        assert words in s["error"], f"{where}: shows {s['error']!r}"
        shown, needed = s["error_height"]
        assert shown >= needed > 0, f"{where}: the message shows {shown} of {needed} px"
        assert s["problems"] == [], f"{where}: {s['problems']}"
        ax, ay, aw, ah = s["available"]
        fx, fy, fw, fh = s["frame"]
        assert fx >= ax and fy >= ay and fx + fw <= ax + aw and fy + fh <= ay + ah, \
            f"{where}: the dialog {s['frame']} is not on the screen {s['available']}"
        assert Path(str(s["shot"])).stat().st_size > 10_000, where
