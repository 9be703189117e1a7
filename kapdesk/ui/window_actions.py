"""The window's actions and its toolbar: each action's words, objectName, shortcut and
accessible name; which of the session steps may run now; and the row of session steps
with the "More…" menu and the user menu."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QSizePolicy, QToolBar, QToolButton, QWidget

from kapdesk.core.permissions import Action
from kapdesk.core.session import TRANSITIONS, Session, State, dose_time_correctable, signable
from kapdesk.ui.keyboard import ACK_ANYWHERE
from kapdesk.ui.naming import window_action

if TYPE_CHECKING:
    from kapdesk.services.settings_ops import SettingsOps
    from kapdesk.ui.record_flows import RecordFlows
    from kapdesk.ui.room_controller import RoomController
    from kapdesk.ui.room_view import RoomView
    from kapdesk.ui.session_steps import SessionSteps


class WindowActions(QMainWindow):
    """The main window's actions as attributes, for the window and its tests alike."""

    act_plan: QAction
    act_prepare: QAction
    act_dose: QAction
    act_correct: QAction
    act_recovery: QAction
    act_discharge: QAction
    act_close: QAction
    act_cancel: QAction
    act_history: QAction
    act_playlists: QAction
    act_sign: QAction
    act_night: QAction
    act_cadss: QAction
    act_chime: QAction
    act_ack: QAction
    act_snooze2: QAction
    act_snooze5: QAction
    act_skip: QAction
    act_music: QAction
    act_next_track: QAction


class ActionSlots(Protocol):
    """What the actions run: the main window gives these (and so never needs naming
    here, which keeps this module below it)."""

    room: RoomController
    flows: RecordFlows
    steps: SessionSteps
    settings: SettingsOps

    @property
    def view(self) -> RoomView: ...
    def open_history(self) -> None: ...
    def open_playlists(self) -> None: ...
    def sign_session(self) -> None: ...
    def toggle_night(self) -> None: ...
    def edit_cadss_wording(self) -> None: ...
    def save_chime_choice(self) -> None: ...
    def ack_oldest(self) -> None: ...
    def snooze_oldest(self, minutes: int) -> None: ...
    def skip_oldest(self) -> None: ...
    def toggle_music(self) -> None: ...
    def next_track(self) -> None: ...


class ActionMaker:
    """Makes the window's actions: each a window shortcut, named for tests and readers."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self.accessible: dict[str, str] = {}  # objectName -> accessible name of its button

    def __call__(self, text: str, name: str, shortcut: str | None,
                 slot: Callable[[], object], accessible: str | None = None) -> QAction:
        action = window_action(text, name, slot, shortcut=shortcut, parent=self.window)
        self.window.addAction(action)
        self.accessible[name] = accessible or text.rstrip("…")
        return action


def make_actions(actions: WindowActions, w: ActionSlots) -> ActionMaker:
    """The window's actions, as `actions.act_*`: what each says, its shortcut, and what of
    `w` (the same window) it runs."""
    a = ActionMaker(actions)
    actions.act_plan = a("Plan…", "plan_session_action", "Ctrl+N", w.steps.plan_session,
                   "Plan a session")
    actions.act_prepare = a("Start preparing", "start_preparing", "Ctrl+Shift+P",
                      lambda: w.room.advance(State.PREPARING))
    actions.act_dose = a("Dose given (T0)", "record_dose", "Ctrl+D",
                   lambda: w.flows.dose(w.view.preparation_ticks()), "Record dose given now")
    actions.act_correct = a("Correct dose time…", "correct_dose_time", None,
                      w.steps.correct_dose_time, "Correct dose time")
    actions.act_recovery = a("Begin recovery", "begin_recovery", "Ctrl+R",
                       lambda: w.room.advance(State.RECOVERY))
    actions.act_discharge = a("Discharge", "discharge", "Ctrl+Shift+D", w.steps.discharge)
    actions.act_close = a("Close session", "close_session", "Ctrl+Shift+W",
                    lambda: w.room.advance(State.CLOSED))
    actions.act_cancel = a("Cancel session…", "cancel_session", None, w.steps.cancel,
                     "Cancel session")
    actions.act_history = a("History…", "open_history", "Ctrl+H", w.open_history,
                      "Open the history of patients and sessions")
    actions.act_playlists = a("Playlists…", "open_playlist_editor", "Ctrl+Shift+M",
                        w.open_playlists, "Edit the music playlists")
    actions.act_sign = a("Sign…", "sign_session", "Ctrl+Shift+S", w.sign_session,
                   "Review and sign the session")
    actions.act_night = a("Night", "night_level", "N", w.toggle_night,
                    "Switch between dark and night level")
    actions.act_night.setCheckable(True)
    actions.act_cadss = a("CADSS item wording…", "edit_cadss_wording", None,
                    w.edit_cadss_wording, "Enter the CADSS item wording")
    actions.act_chime = a("Soft chime when a cue waits too long", "chime_on_escalation", None,
                    w.save_chime_choice, "Soft chime when a cue waits too long")
    actions.act_chime.setCheckable(True)
    actions.act_chime.setChecked(bool(w.settings.get("chime_on_escalation")))
    actions.act_ack = a("Acknowledge cue", "acknowledge_cue_action", "Space", w.ack_oldest)
    actions.act_ack.setShortcuts([QKeySequence("Space"), QKeySequence(ACK_ANYWHERE)])
    actions.act_snooze2 = a("Snooze 2 min", "snooze_2_action", "2", lambda: w.snooze_oldest(2))
    actions.act_snooze5 = a("Snooze 5 min", "snooze_5_action", "5", lambda: w.snooze_oldest(5))
    actions.act_skip = a("Skip cue…", "skip_cue_action", "S", w.skip_oldest, "Skip cue")
    actions.act_music = a("Play or pause the music", "music_toggle_action", "P", w.toggle_music)
    actions.act_next_track = a("Next track", "music_next_action", "Ctrl+Right", w.next_track)
    return a


def enable_session_actions(w: WindowActions, may: Callable[[Action], bool],
                           session: Session | None, signed: bool) -> None:
    """What the session steps may do now, for this user: the session's state allows it
    (core.session.TRANSITIONS) and the role `may` (core.permissions)."""
    runs = may(Action.RUN_SESSION)
    w.act_cadss.setVisible(may(Action.EDIT_SETTINGS))
    allowed = TRANSITIONS[session.state] if session and runs else ()
    w.act_prepare.setEnabled(State.PREPARING in allowed)
    w.act_dose.setEnabled(State.DOSED in allowed)
    w.act_correct.setEnabled(runs and session is not None and dose_time_correctable(session))
    w.act_recovery.setEnabled(State.RECOVERY in allowed)
    w.act_discharge.setEnabled(State.DISCHARGED in allowed)
    w.act_close.setEnabled(State.CLOSED in allowed)
    w.act_cancel.setEnabled(State.CANCELLED in allowed)
    w.act_plan.setEnabled(runs and (session is None or not session.is_running))
    w.act_sign.setEnabled(may(Action.SIGN) and session is not None
                          and signable(session.kind, session.state, signed))


def build_toolbar(window: QMainWindow, steps: Sequence[QAction],
                  more: Sequence[QAction | None], user_button: QToolButton,
                  last: QAction, accessible: dict[str, str]) -> tuple[QToolBar, QToolButton]:
    """The session toolbar: `steps`, a "More…" menu of `more` (None: a separator), then at
    the far end `user_button` and `last`. Returns the toolbar and the "More…" button."""
    bar = QToolBar("Session")
    bar.setObjectName("session_toolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for act in steps:
        bar.addAction(act)
    menu = QMenu(window)
    for entry in more:
        if entry is None:
            menu.addSeparator()
        else:
            menu.addAction(entry)
    more_button = QToolButton()
    more_button.setObjectName("more_actions")
    more_button.setText("More…")
    more_button.setAccessibleName("More session actions")
    more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    more_button.setMenu(menu)
    bar.addWidget(more_button)
    spacer = QWidget()
    spacer.setObjectName("toolbar_spacer")
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    bar.addWidget(user_button)
    bar.addAction(last)
    for act in bar.actions():
        widget = bar.widgetForAction(act)
        if widget is not None and act.objectName() in accessible:
            widget.setObjectName(act.objectName() + "_button")
            widget.setAccessibleName(accessible[act.objectName()])
    window.addToolBar(bar)
    return bar, more_button
