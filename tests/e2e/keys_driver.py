"""Driver for the real-keyboard test: the window kapdesk.wiring builds, under a window
manager on a real X server, typed at with xdotool (real X key and mouse events).

Run inside an X session with openbox: python tests/e2e/keys_driver.py OUT.png
Prints one JSON line of what it saw.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QDialog, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kapdesk.core.clock import FakeClock
from kapdesk.core.cues import CueEventKind
from kapdesk.core.session import State
from kapdesk.paths import Paths
from kapdesk.wiring import build_services, build_window, create_account

PASSWORD = "keys-driver-password"


class Answers:
    """Every dialog is noted and closed unanswered; no reason is asked in this run."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def open_dialog(self, dialog: QDialog) -> None:
        self.seen.append(dialog.objectName())
        dialog.reject()

    def ask_text(self, _parent: QWidget, title: str, _label: str) -> str | None:
        self.seen.append(title)
        return None


def settle(app: QApplication, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def xdotool(app: QApplication, *args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, timeout=10)
    settle(app)


def main(out: Path) -> dict[str, object]:
    app = QApplication([sys.argv[0]])
    clock = FakeClock()
    answers = Answers()
    seen: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ctx = build_services(Paths(Path(tmp)), clock)
        window = build_window(ctx, create_account(ctx, "Dr Ada Quill", "ada", "clinician",
                                                  PASSWORD), answers)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        settle(app, 1.5)
        room = window.room

        def step(seconds: float) -> None:
            for _ in range(int(seconds // 5)):
                clock.advance(5)
                room.refresh()
            settle(app, 0.2)

        def acknowledged() -> set[str]:
            assert room.session is not None
            return {e.cue_key or "" for e in ctx.stores.sessions.events(room.session.id)
                    if e.kind == CueEventKind.ACKNOWLEDGED}

        room.plan("K-014", next(p for p in ctx.protocols if p.id == "im-kap"))
        room.advance(State.PREPARING)
        room.advance(State.DOSED)
        step(120)
        first = window.view.banner.cue_key or ""
        seen["active"] = window.isActiveWindow()
        seen["room_has_keys"] = window.view.hasFocus()

        note = window.view.note
        centre = note.viewport().mapToGlobal(QPoint(note.viewport().width() // 2, 20))
        xdotool(app, "mousemove", str(centre.x()), str(centre.y()), "click", "1")
        seen["note_has_keys"] = note.hasFocus()
        seen["hint"] = window.view.note_hint.isVisible()
        seen["banner_key"] = window.view.banner.ack_button.text()
        xdotool(app, "type", "--delay", "40", "calm v ")
        seen["note_text"] = note.toPlainText()
        seen["space_in_note_acknowledged"] = first in acknowledged()
        window.grab().save(str(out))
        xdotool(app, "key", "ctrl+space")
        seen["ctrl_space_acknowledged"] = first in acknowledged()
        seen["note_after_ctrl_space"] = note.toPlainText()
        xdotool(app, "key", "Escape")
        seen["room_has_keys_after_esc"] = window.view.hasFocus()
        xdotool(app, "key", "v")
        seen["v_opened"] = list(answers.seen)
        seen["note_after_v"] = note.toPlainText()

        step(480)
        second = window.view.banner.cue_key or ""
        xdotool(app, "key", "space")
        seen["space_acknowledged"] = bool(second) and second in acknowledged()

        xdotool(app, "key", "ctrl+l")
        seen["locked"] = window.access.locked
        step(600)
        third = window.lock_view.banner.cue_key or ""
        xdotool(app, "key", "space")
        seen["lock_space_acknowledged"] = bool(third) and third in acknowledged()
        seen["lock_field_after_space"] = window.lock_view.secret_edit.text()
        xdotool(app, "type", "--delay", "20", PASSWORD)
        xdotool(app, "key", "Return")
        seen["unlocked"] = not window.access.locked
        seen["room_has_keys_after_unlock"] = window.view.hasFocus()
        window.close()
        settle(app, 0.2)
        ctx.db.close()
    return seen


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
