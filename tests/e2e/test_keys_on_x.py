"""The keyboard focus model with real X key and mouse events (xdotool), on Xvfb at
1366x768 under openbox, on the window kapdesk.wiring builds. The screenshot (the note
holding the keys, its hint shown) is saved to tests/artifacts/keys_note_focused.png.

KAPDESK_XVFB_DISPLAY picks the X display number (default: the first free one).
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
NEEDS = ("xvfb-run", "openbox", "xdotool")


@pytest.mark.gui
@pytest.mark.skipif(any(shutil.which(t) is None for t in NEEDS),
                    reason="needs xvfb, openbox and xdotool (apt)")
def test_real_keys_go_where_the_room_says(tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "keys_note_focused.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    session = tmp_path / "session.sh"
    session.write_text(f"openbox & sleep 1; exec {sys.executable} "
                       f"{ROOT / 'tests' / 'e2e' / 'keys_driver.py'} {out}\n")
    server = ["-n", os.environ["KAPDESK_XVFB_DISPLAY"]] if "KAPDESK_XVFB_DISPLAY" in env \
        else ["-a"]
    result = subprocess.run(["xvfb-run", *server, "-s", "-screen 0 1366x768x24", "sh",
                             str(session)], capture_output=True, text=True, timeout=180,
                            env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["active"] and seen["room_has_keys"]
    assert seen["note_has_keys"] and seen["hint"]
    assert seen["banner_key"] == "Acknowledge  (Ctrl+Space)"
    assert seen["note_text"] == "calm v "  # letters and Space typed, nothing answered
    assert not seen["space_in_note_acknowledged"]
    assert seen["ctrl_space_acknowledged"] and seen["note_after_ctrl_space"] == "calm v "
    assert seen["room_has_keys_after_esc"]
    assert seen["v_opened"] == ["vitals_dialog"] and seen["note_after_v"] == "calm v "
    assert seen["space_acknowledged"]
    assert seen["locked"] and seen["lock_space_acknowledged"]
    assert seen["lock_field_after_space"] == ""
    assert seen["unlocked"] and seen["room_has_keys_after_unlock"]
    assert out.stat().st_size > 10_000
