"""One real window on a real X server (Xvfb), at laptop size, in the dark theme.

The screenshot is saved to tests/artifacts/: open it and look at what a clinician sees.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"


def _run_on_xvfb(out: Path, level: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable,
           str(ROOT / "tests" / "e2e" / "room_screen.py"), str(out), level]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.gui
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (apt: xvfb)")
@pytest.mark.parametrize("level", ["dark", "night"])
def test_room_screen_on_a_real_x_server_is_calm_and_readable(level):
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / f"room_screen_{level}.png"
    seen = _run_on_xvfb(out, level)
    assert out.stat().st_size > 10_000
    assert seen["screen"] == [1366, 768]
    assert seen["window"][1] <= 768, "the whole room must fit a laptop screen"
    assert seen["clock_text"] == "0:30:40"
    assert seen["clock_digit_px"] >= 72, "the clock must be readable from across the room"
    assert seen["banner_visible"] and seen["banner_text"] == "Rate sedation and dissociation"
    assert seen["phase"].startswith("Peak")
    assert seen["mean_lightness"] < 45, "the room screen must not light the room"
    assert seen["bright_share"] < 0.05
