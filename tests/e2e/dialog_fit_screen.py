"""Driver for the dialogs-fit-the-screen test: the plan, correct-dose, sign, integration and
accounts dialogs of the window that kapdesk.wiring builds, each with a refusal shown in it,
on a real X server under a window manager.

Run with QT_QPA_PLATFORM=xcb (QT_SCALE_FACTOR as wanted):
    python tests/e2e/dialog_fit_screen.py OUT_DIR LABEL [dark|night]
Saves OUT_DIR/dialog_fit_LABEL_<dialog>.png and prints one JSON line per dialog.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QWidget,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from room_fit_screen import settle, settle_frame  # noqa: E402

from kapdesk.core.clock import FakeClock  # noqa: E402
from kapdesk.core.session import State  # noqa: E402
from kapdesk.paths import Paths  # noqa: E402
from kapdesk.ui.dialog_fit import ErrorLabel  # noqa: E402
from kapdesk.ui.screen_fit import fit_to_screen  # noqa: E402
from kapdesk.wiring import build_services, build_window, create_account  # noqa: E402

PASSWORD = "screenshot-password"
FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QListWidget,
          QPlainTextEdit, QLabel)


def problems(dialog: QDialog, screen: QRect) -> list[str]:
    """Fields, buttons and labels of `dialog` cut off, squeezed below their least size, or
    with one-line text that does not fit; the dialog off the screen."""
    found = []
    frame = dialog.frameGeometry()
    if not screen.contains(frame):
        found.append(f"the dialog {frame.getRect()} is not on the screen {screen.getRect()}")
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, FIELDS):
            continue
        if isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue  # the line edit inside a combo box or a spin box
        name = widget.objectName() or type(widget).__name__
        shown = widget.visibleRegion().boundingRect()
        if shown != widget.rect():
            found.append(f"{name} cut off: shows {shown.getRect()} of {widget.rect().getRect()}")
        least = widget.minimumSizeHint().expandedTo(widget.minimumSize())
        if widget.height() < least.height() - 1 or widget.width() < least.width() - 1:
            found.append(f"{name} squeezed: {widget.size().toTuple()} < {least.toTuple()}")
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                if widget.height() < need:
                    found.append(f"{name} shows {widget.height()} of {need} px of its text")
            else:
                need = max(widget.fontMetrics().horizontalAdvance(line)
                           for line in widget.text().split("\n"))
                if need > widget.contentsRect().width():
                    found.append(f"{name} text cut: needs {need} px, has {widget.width()}")
    return found


class Scripted:
    """The window's prompts, answered by the driver: each dialog is shown for real, the
    step given for its name runs in it (a refusal then shows in it), and it is measured,
    photographed and closed. Steps named for the same dialog run on its later openings."""

    def __init__(self, app: QApplication, out: Path, label: str) -> None:
        self.app = app
        self.out = out
        self.label = label
        self.steps: dict[str, list[Callable[[QDialog], bool]]] = {}
        self.seen: list[dict[str, object]] = []
        self.text: str | None = None

    def open_dialog(self, dialog: QDialog) -> None:
        name = dialog.objectName()
        queue = self.steps.get(name) or []
        step = queue.pop(0) if queue else None
        dialog.show()
        settle_frame(self.app, dialog, timeout=4)
        if step is None or not step(dialog):  # True: the step answered it (closed)
            self.measure(dialog)
            dialog.reject()
        settle(self.app, 0.1)

    def measure(self, dialog: QDialog) -> None:
        settle_frame(self.app, dialog, timeout=4)
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        shot = self.out / f"dialog_fit_{self.label}_{dialog.objectName()}.png"
        screen.grabWindow(0).save(str(shot))
        errors = [e for e in dialog.findChildren(ErrorLabel) if e.isVisible()]
        self.seen.append({
            "dialog": dialog.objectName(),
            "available": list(available.getRect()),
            "frame": list(dialog.frameGeometry().getRect()),
            "client": [*dialog.mapToGlobal(QPoint(0, 0)).toTuple(), dialog.width(),
                       dialog.height()],
            "error": errors[0].full_text if errors else "",
            "error_height": [errors[0].height(), errors[0].heightForWidth(errors[0].width())]
            if errors else [0, 0],
            "problems": problems(dialog, available),
            "shot": str(shot),
        })

    def ask_text(self, _parent: QWidget, _title: str, _label: str) -> str | None:
        return self.text


def _click_ok(dialog: QDialog) -> bool:
    ok = next(b for b in dialog.findChildren(QAbstractButton)
              if b.objectName() in ("confirm_plan", "confirm_dose_time", "save_integration",
                                    "confirm_sign", "auth_ok"))
    ok.click()
    return False  # still open, the refusal in it: measure it


def main(out_dir: Path, label: str, level: str) -> list[dict[str, object]]:
    app = QApplication([sys.argv[0]])
    clock = FakeClock()
    prompts = Scripted(app, out_dir, label)
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Paths(Path(tmp)), clock)
        create_account(services, "Dr Ada Quill", "ada", "clinician", PASSWORD)
        admin = create_account(services, "Morgan Admin", "morgan", "admin", PASSWORD)
        window = build_window(services, services.stores.accounts.by_username("ada"), prompts)
        window.set_theme(level)
        fit_to_screen(window)
        window.show()
        settle_frame(app, window)

        def bad_birth_date(dialog: QDialog) -> bool:
            dialog.code_edit.setText("K-014")  # type: ignore[attr-defined]
            dialog.birth_edit.setText("03/11/1979")  # type: ignore[attr-defined]
            return _click_ok(dialog)

        prompts.steps["plan_session_dialog"] = [bad_birth_date]
        window.steps.plan_session()
        room = window.room
        room.plan("K-014", next(p for p in services.protocols if p.id == "im-kap"))
        room.advance(State.PREPARING)
        clock.advance(300)
        room.advance(State.DOSED)

        def two_days_early(dialog: QDialog) -> bool:
            edit = dialog.time_edit  # type: ignore[attr-defined]
            edit.setDateTime(edit.dateTime().addDays(-2))
            dialog.reason_edit.setText("Given at the bedside before planning")  # type: ignore[attr-defined]
            return _click_ok(dialog)

        prompts.steps["correct_dose_dialog"] = [two_days_early]
        window.steps.correct_dose_time()
        room.advance(State.RECOVERY)
        clock.advance(timedelta(minutes=95).total_seconds())
        room.refresh()
        room.advance(State.DISCHARGED)

        def wrong_password(dialog: QDialog) -> bool:
            dialog.secret_edit.setText("not my password")  # type: ignore[attr-defined]
            dialog.sign_button.click()  # type: ignore[attr-defined]
            return True  # the flow opens it again with the refusal: measured then

        prompts.steps["sign_dialog"] = [wrong_password]
        window.flows.sign(room.session.id)

        def no_code(dialog: QDialog) -> bool:
            dialog.note_edit.setPlainText("Talked about the session.")  # type: ignore[attr-defined]
            return _click_ok(dialog)

        prompts.steps["integration_dialog"] = [no_code]
        window.flows.integration()

        def as_admin(dialog: QDialog) -> bool:
            dialog.username_edit.setText("morgan")  # type: ignore[attr-defined]
            dialog.password_edit.setText(PASSWORD)  # type: ignore[attr-defined]
            dialog.ok_button.click()  # type: ignore[attr-defined]
            return True

        def the_last_admin(dialog: QDialog) -> bool:
            listed = dialog.list  # type: ignore[attr-defined]
            row = next(i for i in range(listed.count()) if "morgan" in listed.item(i).text())
            listed.setCurrentRow(row)
            dialog.findChild(QAbstractButton, "deactivate_account").click()
            return False

        prompts.steps["login_dialog"] = [as_admin]
        prompts.steps["accounts_dialog"] = [the_last_admin]
        room.advance(State.CLOSED)
        window.access.switch_user()
        assert window.room.user.id == admin.id
        window.access.manage_accounts()
        window.close()
    return prompts.seen


if __name__ == "__main__":
    for line in main(Path(sys.argv[1]), sys.argv[2],
                     sys.argv[3] if len(sys.argv) > 3 else "dark"):
        print(json.dumps(line))
