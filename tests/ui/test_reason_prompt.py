"""The room's box for a reason (kapdesk.ui.prompts.DialogPrompts.ask_text), run for real: a
reason past its bound (MAX_REASON, the store's rule too) is refused in the box, in words
that say how much over, with the text kept to shorten; a paste longer than Qt's default
32,767 characters is counted whole, never cut off unsaid."""

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QWidget

from kapdesk.ui.prompts import DialogPrompts, too_long


def _answers(*steps):
    """Each step runs on the box once it is open: (text to type, or None to cancel)."""
    seen: list[tuple[str, str]] = []
    todo = list(steps)

    def act() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QInputDialog):
            QTimer.singleShot(10, act)
            return
        field = box.findChild(QLineEdit)
        seen.append((box.labelText(), field.text()))
        text = todo.pop(0)
        if text is None:
            box.reject()
        else:
            field.setText(text)
            box.accept()
        if todo:
            QTimer.singleShot(10, act)
    QTimer.singleShot(10, act)
    return seen


def test_a_reason_past_the_bound_is_refused_in_the_box_and_kept(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen = _answers("r" * 40_000, "Patient asked to go home early.")
    answer = DialogPrompts().ask_text(parent, "Early discharge", "Why discharge now?")
    assert answer == "Patient asked to go home early."
    assert seen[0] == ("Why discharge now?", "")
    label, kept = seen[1]
    assert kept == "r" * 40_000  # not cut off at 32,767: kept whole to shorten
    assert label == ("Why discharge now?\n\nThis is at most 2,000 characters; what was typed "
                     "is 40,000, 38,000 over. Shorten it (it is kept here).")


def test_a_cancelled_box_gives_none_and_a_reason_of_the_whole_bound_passes(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    _answers(None)
    assert DialogPrompts().ask_text(parent, "Skip", "Why skip?") is None
    _answers("w" * 2_000)
    assert DialogPrompts().ask_text(parent, "Skip", "Why skip?") == "w" * 2_000
    assert too_long("  " + "w" * 2_000 + "  ") is None  # the bound is on the stripped text
    assert too_long("w" * 2_001) == ("This is at most 2,000 characters; what was typed is "
                                     "2,001, 1 over. Shorten it (it is kept here).")
