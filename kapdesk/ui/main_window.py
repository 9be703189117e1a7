"""The main window: the shell that joins the room's parts, each in a module of its own.

The actions and the toolbar (window_actions.py); the pages, with the lock screen built when
first locked, and locking (window_pages.py); the room page kept in step with the controllers
(room_screen.py); the background check and backups (window_background.py). Here: building
them in order, the one refresh after an operation, the cue and music keys, and closing.
The app puts it into the window it opened in (kapdesk/ui/shell.py), which closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from kapdesk import APP_NAME, __version__
from kapdesk.core.cues import CueState
from kapdesk.core.errors import KapdeskError
from kapdesk.core.protocol import Protocol, ProtocolError
from kapdesk.core.room import RoomSnapshot
from kapdesk.core.session import Session
from kapdesk.services.bundle import Operations
from kapdesk.services.operations import Op
from kapdesk.ui.access import AccessControl
from kapdesk.ui.first_paint import AfterFirstPaint
from kapdesk.ui.keyboard import KeyboardHome
from kapdesk.ui.music_controller import MusicController
from kapdesk.ui.prompts import Prompts
from kapdesk.ui.record_actions import RecordActions
from kapdesk.ui.record_controller import RecordController
from kapdesk.ui.record_flows import RecordFlows
from kapdesk.ui.room_controller import RoomController
from kapdesk.ui.room_screen import RoomScreen
from kapdesk.ui.room_view import RoomView
from kapdesk.ui.session_steps import SessionSteps
from kapdesk.ui.theme import THEMES, apply_theme
from kapdesk.ui.toolbar_fit import ToolbarFit
from kapdesk.ui.widgets.status_message import StatusMessage
from kapdesk.ui.window_actions import (
    WindowActions,
    build_toolbar,
    enable_session_actions,
    make_actions,
)
from kapdesk.ui.window_background import BackgroundWork
from kapdesk.ui.window_pages import LockSwitch, RoomPages

if TYPE_CHECKING:
    from kapdesk.ui.backup_runner import BackupRunner
    from kapdesk.ui.db_check import DatabaseCheck
    from kapdesk.ui.history.launcher import HistoryLauncher
    from kapdesk.ui.lock_view import LockView
    from kapdesk.ui.playlist_editor import PlaylistEditorLauncher

AskText = Callable[[str, str], str | None]
THREAD_WAIT_S = 10.0  # a backup of a 10-year database takes a couple of seconds
Opener = Callable[[QDialog], None]


@dataclass(frozen=True)
class WindowHooks:
    """What the window lends the windows it opens (History, the playlist editor): itself as
    their parent, its error message, its sign flow and its dialog opener."""

    parent: QWidget
    report: Callable[[str], None]
    sign: Callable[[int], bool]
    open_dialog: Opener


class MainWindow(WindowActions):
    def __init__(self, room: RoomController, records: RecordController,
                 protocols: list[Protocol], protocol_errors: list[ProtocolError],
                 prompts: Prompts, ops: Operations, *,
                 history: Callable[[WindowHooks], HistoryLauncher],
                 playlists: Callable[[WindowHooks], PlaylistEditorLauncher] | None = None,
                 chime: Callable[[], None] | None = None,
                 music: MusicController | None = None,
                 release_audio: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.room = room
        self.records = records
        self.protocols = protocols
        self.settings = settings = ops.settings  # read here, changed by its operations
        self.prompts = prompts
        self.ops = ops
        self._chime = chime
        self.music = music
        self._release_audio = release_audio
        self._shut_down = False
        self.after_paint = AfterFirstPaint(self)  # what waits for the first frame
        # Built bare, then styled once: under the app's stylesheet each widget is styled as
        # it is made and again as it joins its layout (7 ms more for the room); set_theme
        # below sets the level's stylesheet again, before anything of it is on screen.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setStyleSheet("")
        self.status = StatusMessage(room.clock.monotonic)  # expires after 10 s
        records.answer_window = lambda: settings.get("cue_answer_window")
        records.cue_left_open.connect(self.status.setText)
        self.background = BackgroundWork(room.clock, room.session_closed, self.show_error,
                                         self.say, self)
        self.pages = RoomPages(records.save_note, self)
        self.setCentralWidget(self.pages)
        self.room_screen = RoomScreen(self.view, room, records, music, settings, self.status, self)
        self.entry = RecordActions(records, self, settings.get, prompts.open_dialog)
        self.flows = RecordFlows(
            records, ops.records, self,
            signer=lambda: ops.accounts.display_name(self.room.user_id),
            opener=lambda: self.entry.open_dialog, ask_text=lambda: self.ask_text,
            report=self.show_error, done=self.apply)
        self.access = AccessControl(self, ops.accounts, room, float(settings.get("lock_minutes")),
                                    opener=lambda: self.entry.open_dialog,
                                    ask_text=lambda: self.ask_text, report=self.show_error)
        self.after_paint.add(self.access.watch)
        self.steps = SessionSteps(
            room, ops.sessions, protocols, lambda: str(settings.get("default_protocol")),
            records.patients, lambda dialog: self.entry.open_dialog(dialog),
            self.entry.discharge_dialog, lambda title, label: self.ask_text(title, label),
            self.show_error, self.apply, self)
        view = self.view
        self.keys = KeyboardHome(view, view.note, view.note_hint, view.banner, self)
        hooks = WindowHooks(self, self.show_error, self.flows.sign,
                            lambda dialog: self.entry.open_dialog(dialog))
        self.history: HistoryLauncher = history(hooks)
        self.playlists: PlaylistEditorLauncher | None = \
            playlists(hooks) if playlists is not None else None
        self._make = make_actions(self, self)
        self.toolbar, self.more_button = build_toolbar(
            self, (self.act_plan, self.act_prepare, self.act_dose, self.act_recovery,
                   self.act_discharge, self.act_sign, self.act_close),
            (self.act_history, self.act_playlists, None, self.act_correct, self.act_cancel,
             None, self.act_chime, self.act_cadss),
            self.access.button, self.act_night, self._make.accessible)
        self.statusBar().addWidget(self.status, 1)
        self.toolbar_fit = ToolbarFit(self.toolbar, self, self.statusBar())  # short words
        self.lock_switch = LockSwitch(
            self, self.pages, self.access, room, self.keys, self.toolbar,
            lambda: self.status.setText(""), (self.act_ack, self.act_snooze2, self.act_snooze5),
            self._refresh, view.note.flush)
        self._connect()
        self.set_theme(str(settings.get("theme_level")))
        if protocol_errors:
            view.show_notice("Some clinic protocols could not be loaded:\n" + "\n".join(
                str(e) for e in protocol_errors))
        room.resume()  # session_changed fills the room

    # -- parts -----------------------------------------------------------------------

    @property
    def view(self) -> RoomView:
        """The room page (built with the window)."""
        return self.pages.view

    @property
    def lock_view(self) -> LockView:
        """The lock screen (built the first time the room is locked, or asked for)."""
        return self.pages.lock_view

    # -- building --------------------------------------------------------------------

    def _connect(self) -> None:
        room, access = self.room, self.access
        room.session_changed.connect(self._on_session_changed)
        room.snapshot_changed.connect(self._on_room_snapshot_changed)
        room.action_failed.connect(self.show_error)
        room.cue_escalated.connect(self._on_room_cue_escalated)
        self.room_screen.route(self.entry, self.flows, self.steps)
        access.locked_changed.connect(self.history.on_locked)
        access.user_changed.connect(self.history.on_user_changed)
        if self.playlists is not None:
            access.locked_changed.connect(self.playlists.on_locked)
            access.user_changed.connect(self.playlists.on_user_changed)
        access.user_changed.connect(lambda _u: self._on_session_changed(room.session))

    # -- slots -----------------------------------------------------------------------

    def _on_session_changed(self, session: Session | None) -> None:
        enable_session_actions(self, self.room.may, session,
                               self.room_screen.show_session(session))

    def _refresh(self) -> None:
        self._on_session_changed(self.room.session)
        self._on_room_snapshot_changed(self.room.current)

    def _on_room_snapshot_changed(self, snap: RoomSnapshot | None) -> None:
        self.room_screen.show_snapshot(snap)
        if self.access.locked:
            self.lock_view.show_snapshot(snap)
        for act in (self.act_ack, self.act_snooze2, self.act_snooze5, self.act_skip):
            act.setEnabled(bool(snap and snap.due))

    def toggle_music(self) -> None:
        if self.music is not None:
            self.music.toggle()

    def next_track(self) -> None:
        if self.music is not None:
            self.music.next_track()

    def _on_room_cue_escalated(self, _state: CueState) -> None:
        if self._chime is not None and self.act_chime.isChecked():
            self._chime()

    def save_chime_choice(self) -> None:
        self._room_choice(lambda: self.settings.set_chime(self.room.user,
                                                          self.act_chime.isChecked()))

    def _room_choice(self, change: Callable[[], Op[Any]]) -> None:
        """A room choice saved (kapdesk.services.settings_ops); if it cannot be, the room
        keeps it for now and says so."""
        try:
            change()
        except KapdeskError as exc:
            self.status.setText(f"Not saved: {exc}")

    def edit_cadss_wording(self) -> None:
        from kapdesk.ui.cadss_wording_dialog import edit_cadss_wording

        edit_cadss_wording(self.settings.get, lambda wording: self.settings.set_cadss_wording(
            self.room.user, wording), self.entry.open_dialog, self)

    def say(self, text: str) -> None:
        """A line in the status bar; none once the window has shut down (a backup that
        ends as the window closes has nothing left to say it on)."""
        if not self._shut_down:
            self.status.setText(text)

    def show_error(self, text: str) -> None:
        self.say(text)
        box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, text,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("error_message")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- actions needing words -------------------------------------------------------

    def ask_text(self, title: str, label: str) -> str | None:
        return self.prompts.ask_text(self, title, label)

    def apply(self, op: Op[Any]) -> None:
        """The one place the window refreshes after an operation: from what it changed."""
        self.status.setText(op.words)
        changes = op.changes
        if changes.session or changes.signature or changes.patient:
            self._on_session_changed(self.room.session)
        elif changes.record:
            self.room_screen.refresh_records()

    def open_playlists(self) -> None:
        if self.playlists is not None:
            self.playlists.open()

    def open_history(self) -> None:
        self.history.open()

    def sign_session(self) -> None:
        if self.room.session is not None:
            self.flows.sign(self.room.session.id)

    def ack_oldest(self) -> None:
        key = self.pages.banner(self.access.locked).cue_key
        if key:
            self.room.acknowledge(key)

    def snooze_oldest(self, minutes: int) -> None:
        key = self.pages.banner(self.access.locked).cue_key
        if key:
            self.room.snooze(key, minutes)

    def skip_oldest(self) -> None:
        if self.view.banner.cue_key:
            self.steps.skip(self.view.banner.cue_key)

    def set_theme(self, level: str) -> None:
        theme = THEMES.get(level, THEMES["dark"])
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self.pages.set_theme(theme)
        self.act_night.setChecked(theme.name == "night")

    def toggle_night(self) -> None:
        level = "night" if self.act_night.isChecked() else "dark"
        self._room_choice(lambda: self.settings.set_theme_level(self.room.user, level))
        self.set_theme(level)

    # -- background work and closing -------------------------------------------------

    def start_backups(self) -> BackupRunner:
        """A backup after each session closes, and today's first if none yet."""
        return self.background.start_backups(self.ops.backups, lambda: self.room.user)

    def check_database_soon(self, path: Path,
                            stop_writes: Callable[[str], None] | None = None) -> DatabaseCheck:
        """PRAGMA integrity_check in a background thread (window_background.py)."""
        return self.background.check_database_soon(path, stop_writes)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.access.locked:
            self.keys.give_back()  # the room holds the keyboard from the first frame

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shut_down()
        super().closeEvent(event)

    def shut_down(self) -> None:
        """The app is closing: save the note, close History and the editor, stop every
        timer, fade and release the music and the sound device, let background checks
        and backups end. Once; a second call does nothing."""
        if self._shut_down:
            return
        self._shut_down = True
        self.after_paint.cancel()
        self.view.note.flush()
        for box in self.findChildren(QMessageBox):  # a refusal still on screen
            box.close()
        self.history.close()
        if self.playlists is not None:
            self.playlists.shutdown()
        self.room.stop()
        self.access.stop()
        self.keys.stop()
        if self._release_audio is not None:
            self._release_audio()
        self.background.join(THREAD_WAIT_S)
