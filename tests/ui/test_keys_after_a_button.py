"""The room keeps the keyboard after a button: found by the end-to-end session on a real X
server, where the Screening checklist… button, still holding the keys when the dose hid it,
handed them to Play music, and Space with no cue due started the music."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kapdesk.audio.model import PlayerState
from kapdesk.core.session import State
from kapdesk.ui.main_window import MainWindow
from tests.ui.conftest import ScriptedPrompts


def _preparing(window: MainWindow, protocols) -> None:  # type: ignore[no-untyped-def]
    assert window.room.plan("K-515", protocols["im-kap"])
    assert window.room.advance(State.PREPARING)


def test_a_button_hidden_while_it_holds_the_keys_gives_them_to_the_room(
        make_window, protocols, qtbot):
    prompts = ScriptedPrompts()
    window = make_window(prompts=prompts)
    _preparing(window, protocols)
    screening = window.view.screening_button
    screening.setFocus(Qt.FocusReason.TabFocusReason)  # reached by Tab, as a keyboard user
    assert screening.hasFocus()
    window.act_dose.trigger()
    assert window.room.session.state is State.DOSED and not screening.isVisible()
    assert window.view.hasFocus(), f"the keys went to {window.focusWidget().objectName()}"
    assert not window.act_ack.isEnabled()  # no cue due yet
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.music.player.state is PlayerState.STOPPED
    assert window.view.hasFocus()


def test_a_click_on_a_room_button_leaves_the_keys_with_the_room(make_window, protocols,
                                                                qtbot):
    prompts = ScriptedPrompts()
    opened: list[str] = []
    prompts.answer = lambda dialog: (opened.append(dialog.objectName()), dialog.reject())
    window = make_window(prompts=prompts)
    _preparing(window, protocols)
    button = window.view.screening_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == ["screening"]
    assert window.view.hasFocus() and not button.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)  # nothing due: Space opens nothing again
    assert opened == ["screening"]
    assert button.focusPolicy() == Qt.FocusPolicy.TabFocus  # Tab still reaches it


def test_a_button_given_the_keys_back_by_a_closing_dialog_returns_them_to_the_room(
        make_window, protocols):
    window = make_window()
    _preparing(window, protocols)
    vitals = window.view.record_buttons.findChild(QPushButton, "record_vitals")
    vitals.setFocus(Qt.FocusReason.ActiveWindowFocusReason)  # what Qt does as a dialog shuts
    assert window.view.hasFocus() and not vitals.hasFocus()
    vitals.setFocus(Qt.FocusReason.TabFocusReason)  # a keyboard user's Tab: it keeps them
    assert vitals.hasFocus()
