"""Every control a clinician uses has plain-word names, and the session ones a shortcut."""

from PySide6.QtWidgets import QAbstractButton, QComboBox, QListWidget

from kapdesk.core.session import State
from tests.ui.conftest import step


def test_every_interactive_control_is_named_in_plain_words(make_window, clock, protocols):
    window = make_window()
    room = window.room
    room.plan("K-014", protocols["im-kap"])
    room.advance(State.PREPARING)
    window.act_dose.trigger()
    step(window, clock, 120)
    controls = [w for kind in (QAbstractButton, QComboBox, QListWidget)
                for w in window.findChildren(kind) if w.isVisible()]
    assert len(controls) >= 12
    unnamed = [repr(w) for w in controls if not w.objectName() or not w.accessibleName()]
    assert unnamed == []
    names = {w.accessibleName() for w in controls}
    assert {"Acknowledge cue", "Snooze cue 2 minutes", "Snooze cue 5 minutes", "Skip cue",
            "Record dose given now", "Begin recovery", "Discharge", "Close session",
            "Signed-in user", "Upcoming cues"} <= names


def test_session_actions_have_keyboard_shortcuts(make_window):
    window = make_window()
    for action in (window.act_plan, window.act_prepare, window.act_dose, window.act_recovery,
                   window.act_discharge, window.act_close, window.act_ack, window.act_snooze2,
                   window.act_snooze5, window.act_skip, window.act_night):
        assert not action.shortcut().isEmpty(), action.objectName()
    shortcuts = [a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts)), "two actions share a shortcut"


def test_night_level_dims_the_room_and_is_remembered(make_window, data_dir, qtbot):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    window = make_window()
    dark = QApplication.palette().color(QPalette.ColorRole.WindowText).lightness()
    window.act_night.trigger()
    night = QApplication.palette().color(QPalette.ColorRole.WindowText).lightness()
    assert night < dark
    window.close()
    again = make_window()
    assert again.act_night.isChecked()
    again.act_night.trigger()  # back to dark for the other tests
