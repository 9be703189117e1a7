"""Who holds the keyboard (kapdesk.ui.keyboard), with real key and mouse events on the
window that kapdesk.wiring builds: the room by default, the note once clicked, the room
again on Esc, on a click elsewhere and after a short idle; the lock screen's password field
never takes the Space that acknowledges a due cue."""

from PySide6.QtCore import Qt

from kapdesk.core.cues import CueEventKind
from kapdesk.core.session import State
from kapdesk.ui.keyboard import ACK_ANYWHERE, NOTE_IDLE_S
from kapdesk.ui.main_window import MainWindow
from tests.ui.conftest import PASSWORD, ScriptedPrompts, step


def _dosed_with_cue(window: MainWindow, clock, protocols) -> str:  # type: ignore[no-untyped-def]
    room = window.room
    assert room.plan("K-512", protocols["im-kap"])
    assert room.advance(State.PREPARING)
    window.act_dose.trigger()
    step(window, clock, 120)
    key = window.view.banner.cue_key
    assert key is not None and window.view.banner.isVisible()
    return key


def _acknowledged(contexts, window: MainWindow) -> set[str]:  # type: ignore[no-untyped-def]
    events = contexts[-1].stores.sessions.events(window.room.session.id)
    return {e.cue_key for e in events if e.kind == CueEventKind.ACKNOWLEDGED}


def _click_note(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(window.view.note.viewport(), Qt.MouseButton.LeftButton)
    assert window.view.note.hasFocus()


def test_the_room_holds_the_keys_and_one_key_actions_never_type(make_window, contexts, clock,
                                                                protocols, qtbot):
    prompts = ScriptedPrompts()
    opened: list[str] = []
    prompts.answer = lambda dialog: (opened.append(dialog.objectName()), dialog.reject())
    window = make_window(prompts=prompts)
    key = _dosed_with_cue(window, clock, protocols)
    assert window.view.hasFocus() and not window.view.note_hint.isVisible()
    assert window.view.banner.ack_button.text() == "Acknowledge  (Space)"
    qtbot.keyClick(window, Qt.Key.Key_V)
    assert opened == ["vitals_dialog"]
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert key in _acknowledged(contexts, window)
    assert window.view.note.toPlainText() == ""


def test_the_note_takes_the_keys_when_clicked_and_says_how_to_give_them_back(
        make_window, contexts, clock, protocols, qtbot):
    window = make_window()
    key = _dosed_with_cue(window, clock, protocols)
    _click_note(qtbot, window)
    hint = window.view.note_hint
    assert hint.isVisible() and "Esc returns keys to the room" in hint.text()
    banner = window.view.banner
    assert banner.ack_button.text() == f"Acknowledge  ({ACK_ANYWHERE})"
    assert banner.snooze2_button.text() == "Snooze 2 min"  # "2" would type here
    qtbot.keyClicks(window.view.note, "slept v well")
    assert window.view.note.toPlainText() == "slept v well"
    assert key not in _acknowledged(contexts, window)  # the space typed, nothing answered
    qtbot.keyClick(window.view.note, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert key in _acknowledged(contexts, window)
    assert window.view.note.toPlainText() == "slept v well"
    qtbot.keyClick(window.view.note, Qt.Key.Key_Escape)
    assert window.view.hasFocus() and not hint.isVisible()
    assert banner.ack_button.text() == "Acknowledge  (Space)"


def test_a_click_on_the_clock_or_a_pause_gives_the_keys_back(make_window, clock, protocols,
                                                             qtbot):
    window = make_window()
    _dosed_with_cue(window, clock, protocols)
    _click_note(qtbot, window)
    qtbot.mouseClick(window.view.clock_label, Qt.MouseButton.LeftButton)
    assert window.view.hasFocus() and not window.view.note_hint.isVisible()
    _click_note(qtbot, window)
    idle = window.keys.idle
    assert idle.isActive() and idle.interval() == NOTE_IDLE_S * 1000
    qtbot.keyClicks(window.view.note, "calm")
    assert idle.isActive() and idle.remainingTime() > (NOTE_IDLE_S - 2) * 1000  # re-armed
    idle.timeout.emit()  # NOTE_IDLE_S without a key in the note
    assert window.view.hasFocus() and window.view.note.toPlainText() == "calm"


def test_on_the_lock_screen_space_acknowledges_and_never_types(make_window, contexts, clock,
                                                               protocols, qtbot):
    window = make_window()
    first = _dosed_with_cue(window, clock, protocols)
    window.room.acknowledge(first)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    field = window.lock_view.secret_edit
    assert window.access.locked and field.hasFocus()
    step(window, clock, 600)
    banner = window.lock_view.banner
    due = banner.cue_key
    assert due is not None and banner.isVisible()
    assert banner.ack_button.text() == "Acknowledge  (Space)"
    qtbot.keyClick(field, Qt.Key.Key_Space)
    assert due in _acknowledged(contexts, window)
    assert field.text() == ""
    qtbot.keyClicks(field, PASSWORD)
    assert field.text() == PASSWORD
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not window.access.locked and window.view.hasFocus()
