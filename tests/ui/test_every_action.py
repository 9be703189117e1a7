"""Every action and shortcut of the main window that kapdesk.wiring builds does something a
person can see: a window, a dialog, a message or a change of state.

The keys are real key events on the window (QTest), so a shortcut that is not wired, or
that the window's state disables, fails here. An action added to the window without a line
in `EXPECTED` fails the first test.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from kapdesk.audio.model import PlayerState
from kapdesk.core.cues import CueEventKind
from kapdesk.core.session import State
from kapdesk.ui.history.window import HistoryWindow
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.playlist_editor.window import PlaylistEditorWindow
from tests.ui.conftest import PASSWORD, ScriptedPrompts, answer_dialog, step

EXPECTED = {  # objectName: its shortcut (None: reached from a menu)
    "plan_session_action": "Ctrl+N", "start_preparing": "Ctrl+Shift+P",
    "record_dose": "Ctrl+D", "correct_dose_time": None, "begin_recovery": "Ctrl+R",
    "discharge": "Ctrl+Shift+D", "close_session": "Ctrl+Shift+W", "cancel_session": None,
    "open_history": "Ctrl+H", "open_playlist_editor": "Ctrl+Shift+M",
    "sign_session": "Ctrl+Shift+S", "night_level": "N", "chime_on_escalation": None,
    "edit_cadss_wording": None,
    "acknowledge_cue_action": "Space", "snooze_2_action": "2", "snooze_5_action": "5",
    "skip_cue_action": "S", "music_toggle_action": "P", "music_next_action": "Ctrl+Right",
    "record_vitals_action": "V", "record_moaas_action": "M",
    "record_dissociation_action": "I", "record_side_effect_action": "E",
    "record_medication_action": "G", "lock_screen": "Ctrl+L",
    "manage_accounts": "Ctrl+Shift+U", "switch_user": "Ctrl+Shift+L",
}


class Seen:
    """The dialogs the window opened through its prompts, each answered by `then`."""

    def __init__(self, prompts: ScriptedPrompts) -> None:
        self.names: list[str] = []
        self.then: Callable[[QDialog], None] = lambda dialog: dialog.reject()
        prompts.answer = self

    def __call__(self, dialog: QDialog) -> None:
        self.names.append(dialog.objectName())
        self.then(dialog)

    def last(self) -> str:
        return self.names[-1] if self.names else ""


def press(qtbot, window: MainWindow, name: str) -> None:  # type: ignore[no-untyped-def]
    """The action's shortcut as a real key press on the window, or its menu entry."""
    shortcut = EXPECTED[name]
    if shortcut is None:
        action = window.findChild(QAction, name)
        assert action is not None and action.isEnabled() and action.isVisible(), name
        action.trigger()
        return
    combo = QKeySequence(shortcut)[0]
    qtbot.keyClick(window, combo.key(), combo.keyboardModifiers())


def _state(window: MainWindow) -> State | None:
    return window.room.session.state if window.room.session else None


def _error_box(window: MainWindow) -> str:
    box = window.findChild(QMessageBox, "error_message")
    if box is None or not box.isVisible():
        return ""
    text = box.text()
    box.close()
    box.deleteLater()
    return text


def test_every_action_of_the_window_is_listed_with_its_shortcut(make_window):
    window = make_window()
    found = {a.objectName(): a.shortcut().toString() or None for a in window.actions()}
    assert found == EXPECTED


def test_every_action_does_something_visible(make_window, contexts, clock, protocols, qtbot):
    prompts = ScriptedPrompts()
    window = make_window(prompts=prompts)
    seen = Seen(prompts)
    room = window.room
    sessions = contexts[-1].stores.sessions

    press(qtbot, window, "night_level")
    assert window.act_night.isChecked() and window.settings.get("theme_level") == "night"
    press(qtbot, window, "night_level")
    assert not window.act_night.isChecked()
    before = bool(window.settings.get("chime_on_escalation"))
    press(qtbot, window, "chime_on_escalation")
    assert bool(window.settings.get("chime_on_escalation")) is not before

    press(qtbot, window, "open_history")
    history = window.history.window
    assert isinstance(history, HistoryWindow) and history.isVisible()
    with qtbot.waitSignal(history.destroyed, timeout=2000):
        history.close()
    with qtbot.waitActive(window):  # the window manager's part: the room is in front again
        window.activateWindow()

    press(qtbot, window, "plan_session_action")
    assert seen.last() == "plan_session_dialog"
    assert room.plan("K-900", protocols["im-kap"])
    press(qtbot, window, "start_preparing")
    assert _state(window) is State.PREPARING
    press(qtbot, window, "record_dose")
    assert _state(window) is State.DOSED

    for name, dialog in (("record_vitals_action", "vitals_dialog"),
                         ("record_moaas_action", "moaas_dialog"),
                         ("record_dissociation_action", "dissociation_dialog"),
                         ("record_side_effect_action", "side_effect_dialog"),
                         ("record_medication_action", "medication_dialog")):
        press(qtbot, window, name)
        assert seen.last() == dialog, name
    press(qtbot, window, "correct_dose_time")
    assert seen.last() == "correct_dose_dialog"

    step(window, clock, 120)  # the first cue falls due
    first = window.view.banner.cue_key
    assert first and window.view.banner.isVisible()
    press(qtbot, window, "snooze_2_action")
    assert window.view.banner.cue_key != first or not window.view.banner.isVisible()
    step(window, clock, 125)
    assert window.view.banner.cue_key == first
    press(qtbot, window, "snooze_5_action")
    assert window.view.banner.cue_key != first or not window.view.banner.isVisible()
    step(window, clock, 305)
    assert window.view.banner.cue_key == first
    press(qtbot, window, "acknowledge_cue_action")
    events = {(e.cue_key, e.kind) for e in sessions.events(room.session.id)}
    assert (first, CueEventKind.ACKNOWLEDGED) in events
    step(window, clock, 600)
    due = window.view.banner.cue_key
    assert due
    press(qtbot, window, "skip_cue_action")
    assert prompts.asked[-1] == "Skip cue"
    events = {(e.cue_key, e.kind) for e in sessions.events(room.session.id)}
    assert (due, CueEventKind.SKIPPED) in events

    music = window.music
    assert music is not None
    press(qtbot, window, "music_toggle_action")
    qtbot.waitUntil(lambda: music.player.state is PlayerState.PLAYING, timeout=5000)
    playing = music.now_playing().track
    press(qtbot, window, "music_next_action")
    qtbot.waitUntil(lambda: music.now_playing().track != playing, timeout=5000)
    # Qt's offscreen platform sends the window a WindowDeactivate while the next track
    # starts (no other window is shown); a window manager gives it back, so do the same
    with qtbot.waitActive(window):
        window.activateWindow()
    press(qtbot, window, "music_toggle_action")
    qtbot.waitUntil(lambda: music.player.state is not PlayerState.PLAYING, timeout=5000)

    press(qtbot, window, "lock_screen")
    assert window.access.locked and window.pages.currentWidget() is window.lock_view
    assert window.access.unlock(PASSWORD) is None

    press(qtbot, window, "begin_recovery")
    assert _state(window) is State.RECOVERY
    seen.then = answer_dialog  # the discharge check is completed, the note signed
    press(qtbot, window, "discharge")
    assert seen.last() == "discharge" and _state(window) is State.DISCHARGED
    press(qtbot, window, "sign_session")
    assert seen.last() == "sign_dialog"
    assert window.records.records.signature(room.session.id) is not None
    press(qtbot, window, "close_session")
    assert room.session is None or _state(window) is State.CLOSED

    assert room.plan("K-901", protocols["im-kap"])
    press(qtbot, window, "cancel_session")
    assert prompts.asked[-1] == "Cancel session"
    assert room.session is None or _state(window) is State.CANCELLED

    press(qtbot, window, "open_playlist_editor")  # a clinician is told it is for staff
    assert "curated by staff" in _error_box(window)


def test_an_admin_opens_the_cadss_wording_from_the_more_menu(make_window, qtbot):
    prompts = ScriptedPrompts()
    window = make_window(prompts=prompts, role="admin")
    seen = Seen(prompts)
    assert window.act_cadss.isVisible()
    press(qtbot, window, "edit_cadss_wording")
    assert seen.last() == "cadss_wording_dialog"


def test_switching_user_has_a_key_that_never_types_into_the_note(make_window, protocols,
                                                                 qtbot):
    prompts = ScriptedPrompts()
    window = make_window(prompts=prompts)
    seen = Seen(prompts)
    assert window.room.plan("K-902", protocols["im-kap"])
    note = window.view.note
    qtbot.mouseClick(note.viewport(), Qt.MouseButton.LeftButton)  # the note holds the keys
    qtbot.keyClicks(note, "calm")
    assert note.hasFocus()
    for name in ("switch_user", "manage_accounts"):
        combo = QKeySequence(EXPECTED[name])[0]
        qtbot.keyClick(note, combo.key(), combo.keyboardModifiers())
        assert note.toPlainText() == "calm", name
    assert seen.names == ["login_dialog"]  # only an admin manages accounts
    assert "Ctrl+Shift+L" in window.access.switch_action.toolTip()


def test_an_admin_opens_accounts_from_its_key(make_window, qtbot):
    prompts = ScriptedPrompts()
    window = make_window(prompts=prompts, role="admin")
    seen = Seen(prompts)
    press(qtbot, window, "manage_accounts")
    assert seen.last() == "accounts_dialog"
    menu = window.access.menu.actions()
    assert window.access.accounts_action in menu and window.access.switch_action in menu


def test_staff_open_the_playlist_editor_from_its_shortcut(make_window, qtbot):
    window = make_window(role="staff")
    press(qtbot, window, "open_playlist_editor")
    editor = window.playlists.window if window.playlists else None
    assert isinstance(editor, PlaylistEditorWindow) and editor.isVisible()
    press(qtbot, window, "open_history")  # staff see no patient records: told why
    assert "ask a clinician" in _error_box(window)
    assert window.history.window is None
    assert QApplication.activeModalWidget() is None


def test_the_user_menu_actions_do_something_visible(make_window, qtbot):
    prompts = ScriptedPrompts()
    window = make_window(prompts=prompts, role="admin")
    seen = Seen(prompts)
    menu = {a.text(): a for a in window.access.menu.actions() if a.text()}
    assert set(menu) == {"Lock now", "Set my PIN for unlocking…", "Accounts…",
                         "Sign in as someone else…"}
    assert all(a.isVisible() for a in menu.values())  # an admin sees Accounts too
    menu["Accounts…"].trigger()
    assert seen.last() == "accounts_dialog"
    menu["Sign in as someone else…"].trigger()
    assert seen.last() == "login_dialog"
    prompts.text = "12"  # too short a PIN: said why
    menu["Set my PIN for unlocking…"].trigger()
    assert prompts.asked[-1] == "Set a PIN" and _error_box(window) == "A PIN is 4 to 8 digits."
    menu["Lock now"].trigger()
    assert window.access.locked


def test_a_clinician_sees_no_accounts_entry(make_window):
    window = make_window()
    entries = {a.text(): a.isVisible() for a in window.access.menu.actions() if a.text()}
    assert entries["Accounts…"] is False and entries["Lock now"] is True
