"""The history window on a real X server (Xvfb) at 1366x768, dark theme, with the
invented sample clinic. The screenshots go to tests/artifacts/: open them and look."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.mark.gui
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (apt: xvfb)")
def test_the_history_window_on_a_real_x_server_is_dark_and_fits_a_laptop():
    ARTIFACTS.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable,
         str(ROOT / "tests" / "ui" / "history_screen.py"), str(ARTIFACTS)],
        capture_output=True, text=True, timeout=180, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["screen"] == [1366, 768]
    assert seen["window"][0] <= 1366 and seen["window"][1] <= 768
    assert seen["chart"][0] >= 500 and seen["chart"][1] >= 250, "the chart must be readable"
    assert seen["painted"] > 0
    for name, shot in seen["shots"].items():
        assert (ARTIFACTS / f"history_{name}.png").stat().st_size > 10_000
        assert shot["mean_lightness"] < 50, f"the {name} view should be dark"
        assert shot["bright_share"] < 0.02, f"the {name} view should not light the room"
