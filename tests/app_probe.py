"""A child for tests/test_app.py: `main.py --demo --data-dir D` as the app runs it, looked at
three times: when its window is built, to be shown (what of ours is imported by then: the
room's code then loads in a background thread, beside the first frame), at that window's
first painted frame (has the opening begun?), and once the room is built into it and
painted (which window holds it; does a room key reach it); then the window is closed as a
person closes it. Prints one JSON line of what it saw.

    python tests/app_probe.py DATA_DIR
"""

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import kapdesk.app as app  # first, as main.py imports it: nothing of ours before

seen: dict[str, Any] = {}


def main(data_dir: str) -> int:
    show, build = app.show_shell, app.build_room
    shells: list[Any] = []

    def show_and_look(*args: Any) -> Any:
        shell = show(*args)
        shells.append(shell)
        seen["wiring_loaded"] = "kapdesk.wiring" in sys.modules
        seen["ours"] = sorted(m for m in sys.modules if m.startswith("kapdesk"))

        def at_first_frame() -> None:
            seen["folder_at_first_frame"] = Path(data_dir).exists()
            seen["title"] = shell.windowTitle()
            seen["status"] = shell.status_label.text()
            seen["clock"] = shell.clock_label.text()

        shell.after_paint.add(at_first_frame)
        return shell

    def build_and_look(*args: Any) -> Any:
        window = build(*args)

        def at_room() -> None:
            from PySide6.QtCore import Qt, QTimer
            from PySide6.QtTest import QTest
            from PySide6.QtWidgets import QApplication

            shell = shells[0]
            shown = [w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible()]
            seen.update(same_window=window.window() is shell,
                        central=shell.centralWidget() is window, shown=shown,
                        room_title=shell.windowTitle(), active=shell.isActiveWindow())
            QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_L,
                           Qt.KeyboardModifier.ControlModifier)  # the room's lock key
            seen["locked_by_key"] = window.access.locked
            QTimer.singleShot(0, shell.close)  # as a person closes the window

        window.after_paint.add(at_room)
        return window

    app.show_shell = show_and_look
    app.build_room = build_and_look
    seen["code"] = app.run(["--demo", "--data-dir", data_dir])
    print(json.dumps(seen), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
