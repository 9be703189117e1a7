"""The main window: toolbar of session steps, the room screen, shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from kapdesk import APP_NAME, __version__
from kapdesk.core.cues import CueEventKind, CueState
from kapdesk.core.observations import describe
from kapdesk.core.permissions import Action
from kapdesk.core.protocol import Protocol, ProtocolError
from kapdesk.core.room import RoomSnapshot
from kapdesk.core.session import TRANSITIONS, Session, State, dose_time_correctable, signable
from kapdesk.services.bundle import Operations
from kapdesk.services.operations import Op
from kapdesk.store.accounts import AccountStore
from kapdesk.store.records import Alert, Saved
from kapdesk.store.settings import SettingsStore
from kapdesk.store.users import UserStore
from kapdesk.ui.access import AccessControl
from kapdesk.ui.backup_runner import BackupRunner
from kapdesk.ui.cadss_wording_dialog import edit_cadss_wording
from kapdesk.ui.db_check import DatabaseCheck
from kapdesk.ui.first_paint import AfterFirstPaint
from kapdesk.ui.keyboard import ACK_ANYWHERE, KeyboardHome
from kapdesk.ui.lock_view import LockView
from kapdesk.ui.music_controller import MusicController, NowPlaying
from kapdesk.ui.prompts import Prompts
from kapdesk.ui.record_actions import RecordActions
from kapdesk.ui.record_controller import RecordController
from kapdesk.ui.record_flows import RecordFlows
from kapdesk.ui.room_controller import RoomController
from kapdesk.ui.room_view import RoomView
from kapdesk.ui.session_steps import SessionSteps
from kapdesk.ui.theme import THEMES, apply_theme
from kapdesk.ui.widgets.status_message import StatusMessage

if TYPE_CHECKING:
    from kapdesk.ui.history.launcher import HistoryLauncher
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


class MainWindow(QMainWindow):
    def __init__(self, room: RoomController, records: RecordController,
                 accounts: AccountStore,
                 protocols: list[Protocol], protocol_errors: list[ProtocolError],
                 users: UserStore, settings: SettingsStore, prompts: Prompts,
                 ops: Operations, *,
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
        records.answer_window = lambda: settings.get("cue_answer_window")
        records.cue_left_open.connect(lambda text: self.status.setText(text))
        self.protocols = protocols
        self.users = users
        self.settings = settings
        self.prompts = prompts
        self.ops = ops
        self._chime = chime
        self.music = music
        self._release_audio = release_audio
        self._shut_down = False
        self.after_paint = AfterFirstPaint(self)  # what waits for the first frame
        self._db_check: DatabaseCheck | None = None
        self._stop_writes: Callable[[str], None] | None = None
        self.backups: BackupRunner | None = None
        # Each widget is made inside the window: under the app's stylesheet, moving a built
        # tree into another parent re-polishes every widget in it.
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("pages")
        self.setCentralWidget(self.pages)
        self.view = RoomView(records.save_note, self.pages)
        self.lock_view = LockView(self.pages)
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.lock_view)
        self.entry = RecordActions(records, self, settings.get, prompts.open_dialog)
        self.flows = RecordFlows(
            records, ops.records, self,
            signer=lambda: self.users.get(self.room.user_id).display_name,
            opener=lambda: self.entry.open_dialog, ask_text=lambda: self.ask_text,
            report=self.show_error, done=self.apply)
        self._confirm_due: datetime | None = None
        self.access = AccessControl(self, accounts, room, float(settings.get("lock_minutes")),
                                    opener=lambda: self.entry.open_dialog,
                                    ask_text=lambda: self.ask_text, report=self.show_error)
        self.after_paint.add(self.access.watch)
        self.steps = SessionSteps(
            room, ops.sessions, protocols, lambda: str(settings.get("default_protocol")),
            records.patients, lambda dialog: self.entry.open_dialog(dialog),
            self.entry.discharge_dialog, lambda title, label: self.ask_text(title, label),
            self.show_error, self.apply, self)
        self.keys = KeyboardHome(self.view, self.view.note, self.view.note_hint,
                                 self.view.banner, self.lock_view.secret_edit,
                                 self.lock_view.banner, self)
        hooks = WindowHooks(self, self.show_error, self.flows.sign,
                            lambda dialog: self.entry.open_dialog(dialog))
        self.history: HistoryLauncher = history(hooks)
        self.playlists: PlaylistEditorLauncher | None = \
            playlists(hooks) if playlists is not None else None
        self._build_actions()
        self._build_toolbar()
        self.status = StatusMessage(room.clock.monotonic)  # expires after 10 s
        self.statusBar().addWidget(self.status, 1)
        self._connect()
        self.set_theme(str(settings.get("theme_level")))
        if protocol_errors:
            self.view.show_notice("Some clinic protocols could not be loaded:\n" + "\n".join(
                str(e) for e in protocol_errors))
        room.resume()  # session_changed fills the room

    # -- building --------------------------------------------------------------------

    def _action(self, text: str, name: str, shortcut: str | None,
                slot: Callable[[], object], accessible: str | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text} ({shortcut})")
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self._accessible[name] = accessible or text.rstrip("…")
        return action

    def ask_text(self, title: str, label: str) -> str | None:
        return self.prompts.ask_text(self, title, label)

    def _build_actions(self) -> None:
        self._accessible: dict[str, str] = {}
        a = self._action
        self.act_plan = a("Plan…", "plan_session_action", "Ctrl+N", self.steps.plan_session,
                          "Plan a session")
        self.act_prepare = a("Start preparing", "start_preparing", "Ctrl+Shift+P",
                             lambda: self.room.advance(State.PREPARING))
        self.act_dose = a("Dose given (T0)", "record_dose", "Ctrl+D",
                          lambda: self.flows.dose(self.view.preparation_ticks()),
                          "Record dose given now")
        self.act_correct = a("Correct dose time…", "correct_dose_time", None,
                             self.steps.correct_dose_time, "Correct dose time")
        self.act_recovery = a("Begin recovery", "begin_recovery", "Ctrl+R",
                              lambda: self.room.advance(State.RECOVERY))
        self.act_discharge = a("Discharge", "discharge", "Ctrl+Shift+D", self.steps.discharge)
        self.act_close = a("Close session", "close_session", "Ctrl+Shift+W",
                           lambda: self.room.advance(State.CLOSED))
        self.act_cancel = a("Cancel session…", "cancel_session", None, self.steps.cancel,
                            "Cancel session")
        self.act_history = a("History…", "open_history", "Ctrl+H", self.open_history,
                             "Open the history of patients and sessions")
        self.act_playlists = a("Playlists…", "open_playlist_editor", "Ctrl+Shift+M",
                               self.open_playlists, "Edit the music playlists")
        self.act_sign = a("Sign…", "sign_session", "Ctrl+Shift+S", self.sign_session,
                          "Review and sign the session")
        self.act_night = a("Night", "night_level", "N", self.toggle_night,
                           "Switch between dark and night level")
        self.act_night.setCheckable(True)
        self.act_cadss = a("CADSS item wording…", "edit_cadss_wording", None,
                           lambda: edit_cadss_wording(
                               self.settings.get, self.settings.set, lambda: self.room.user.role,
                               self.entry.open_dialog, self), "Enter the CADSS item wording")
        self.act_chime = a("Soft chime when a cue waits too long", "chime_on_escalation", None,
                           self._on_chime_toggled, "Soft chime when a cue waits too long")
        self.act_chime.setCheckable(True)
        self.act_chime.setChecked(bool(self.settings.get("chime_on_escalation")))
        self.act_ack = a("Acknowledge cue", "acknowledge_cue_action", "Space",
                         self._ack_oldest)
        self.act_ack.setShortcuts([QKeySequence("Space"), QKeySequence(ACK_ANYWHERE)])
        self.act_snooze2 = a("Snooze 2 min", "snooze_2_action", "2",
                             lambda: self._snooze_oldest(2))
        self.act_snooze5 = a("Snooze 5 min", "snooze_5_action", "5",
                             lambda: self._snooze_oldest(5))
        self.act_skip = a("Skip cue…", "skip_cue_action", "S", self._skip_oldest, "Skip cue")
        self.act_music = a("Play or pause the music", "music_toggle_action", "P",
                           self._toggle_music)
        self.act_next_track = a("Next track", "music_next_action", "Ctrl+Right",
                                self._next_track)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Session")
        bar.setObjectName("session_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (self.act_plan, self.act_prepare, self.act_dose, self.act_recovery,
                    self.act_discharge, self.act_sign, self.act_close):
            bar.addAction(act)
        more = QMenu(self)
        more.addAction(self.act_history)
        more.addAction(self.act_playlists)
        more.addSeparator()
        more.addAction(self.act_correct)
        more.addAction(self.act_cancel)
        more.addSeparator()
        more.addAction(self.act_chime)
        more.addAction(self.act_cadss)
        self.more_button = QToolButton()
        self.more_button.setObjectName("more_actions")
        self.more_button.setText("More…")
        self.more_button.setAccessibleName("More session actions")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_button.setMenu(more)
        bar.addWidget(self.more_button)
        spacer = QWidget()
        spacer.setObjectName("toolbar_spacer")
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addWidget(self.access.button)
        bar.addAction(self.act_night)
        for act in bar.actions():
            widget = bar.widgetForAction(act)
            if widget is not None and act.objectName() in self._accessible:
                widget.setObjectName(act.objectName() + "_button")
                widget.setAccessibleName(self._accessible[act.objectName()])
        self.addToolBar(bar)
        self.toolbar = bar

    def _connect(self) -> None:
        self.room.session_changed.connect(self._on_session_changed)
        self.room.snapshot_changed.connect(self._on_room_snapshot_changed)
        self.room.action_failed.connect(self.show_error)
        self.room.clock_disturbed.connect(self._on_room_clock_disturbed)
        self.room.cue_escalated.connect(self._on_room_cue_escalated)
        self.view.empty.plan_requested.connect(self.steps.plan_session)
        self.view.empty.open_requested.connect(self.room.open_planned)
        self.view.record_buttons.requested.connect(self.entry.open)
        self.view.screening_button.clicked.connect(lambda: self.entry.open("screening"))
        self.view.alerts.acknowledged.connect(self.records.acknowledge_alert)
        self.view.empty.sign_requested.connect(self.flows.sign)
        self.view.empty.integration_requested.connect(self.flows.integration)
        self.view.entries_list.itemDoubleClicked.connect(
            lambda item: self.flows.correct(int(item.data(Qt.ItemDataRole.UserRole))))
        self.view.note_amend_button.clicked.connect(self.flows.amend_note)
        self.records.saved.connect(self._on_records_saved)
        self.records.alerts_changed.connect(self._on_records_alerts_changed)
        self.access.locked_changed.connect(self._on_access_locked_changed)
        self.access.locked_changed.connect(self.history.on_locked)
        self.access.user_changed.connect(self.history.on_user_changed)
        if self.playlists is not None:
            self.access.locked_changed.connect(self.playlists.on_locked)
            self.access.user_changed.connect(self.playlists.on_user_changed)
        self.access.user_changed.connect(lambda _u: self._on_session_changed(self.room.session))
        self.lock_view.unlock_requested.connect(self._on_lock_view_unlock_requested)
        self.lock_view.switch_user_requested.connect(self.access.switch_user)
        self.lock_view.banner.acknowledged.connect(self.room.acknowledge)
        self.lock_view.banner.snoozed.connect(self.room.snooze)
        if self.music is not None:
            bar = self.view.music_bar
            bar.set_volume(self.music.volume)
            bar.play_pause.connect(self.music.toggle)
            bar.next_track.connect(self.music.next_track)
            bar.next_phase.connect(self.music.next_phase)
            bar.stop.connect(self.music.stop)
            bar.retry.connect(self.music.retry)
            bar.volume_changed.connect(self._on_music_bar_volume_changed)
            self.music.changed.connect(self._on_music_changed)
            self.music.unavailable.connect(bar.show_unavailable)
            self.music.skipped.connect(self.status.setText)
        banner = self.view.banner
        banner.acknowledged.connect(self.room.acknowledge)
        banner.snoozed.connect(self.room.snooze)
        banner.skip_requested.connect(self.steps.skip)
        banner.music_next_phase.connect(self._on_banner_music_next_phase)
        banner.music_stay.connect(self._on_banner_music_stay)

    # -- slots -----------------------------------------------------------------------

    def _on_session_changed(self, session: Session | None) -> None:
        idle = session is None or not session.is_running
        planned = self.room.planned() if idle else []
        unsigned = self.records.unsigned() if idle else []
        self.view.show_session(session, planned, unsigned)
        runs = self.room.may(Action.RUN_SESSION)
        self.act_cadss.setVisible(self.room.may(Action.EDIT_SETTINGS))
        allowed = TRANSITIONS[session.state] if session and runs else ()
        self.act_prepare.setEnabled(State.PREPARING in allowed)
        self.act_dose.setEnabled(State.DOSED in allowed)
        self.act_correct.setEnabled(session is not None and dose_time_correctable(session))
        self.act_recovery.setEnabled(State.RECOVERY in allowed)
        self.act_discharge.setEnabled(State.DISCHARGED in allowed)
        self.act_close.setEnabled(State.CLOSED in allowed)
        self.act_cancel.setEnabled(State.CANCELLED in allowed)
        self.act_plan.setEnabled(runs and (session is None or not session.is_running))
        self.act_correct.setEnabled(runs and self.act_correct.isEnabled())
        self.view.apply_access(self.room.may(Action.VIEW_RECORD), self.room.may(Action.RECORD))
        self.view.music_bar.setVisible(self.music is not None
                                       and self.room.may(Action.PLAY_MUSIC))
        signed = session is not None and self.records.records.signature(session.id) is not None
        self.act_sign.setEnabled(self.room.may(Action.SIGN) and session is not None
                                 and signable(session.kind, session.state, signed))
        self.view.note.load(self.records.note())
        self.view.note.setReadOnly(signed)
        self.view.note_amend_button.setVisible(signed)
        self.view.show_entries(self.records.recent())
        self._on_records_alerts_changed(self.records.open_alerts())

    def _on_room_snapshot_changed(self, snap: RoomSnapshot | None) -> None:
        self.view.show_snapshot(snap)
        if self.access.locked:
            self.lock_view.show_snapshot(snap)
        if self._confirm_due is not None:
            self._show_alerts()
        due = bool(snap and snap.due)
        for act in (self.act_ack, self.act_snooze2, self.act_snooze5, self.act_skip):
            act.setEnabled(due)

    def _on_access_locked_changed(self, locked: bool) -> None:
        if locked:
            self.view.note.flush()
            self.lock_view.lock(self.room.user.display_name)
            self.lock_view.show_snapshot(self.room.current)
            self.pages.setCurrentWidget(self.lock_view)
            self.lock_view.secret_edit.setFocus()
        else:
            self.pages.setCurrentWidget(self.view)
            self.keys.give_back()
        self.toolbar.setVisible(not locked)
        if locked:  # the last message may name a reading ("Saved BP 190/115 ...")
            self.status.setText("")
        self.statusBar().setVisible(not locked)
        for act in self.actions():
            if act not in (self.act_ack, self.act_snooze2, self.act_snooze5):
                act.setEnabled(not locked)
        if not locked:
            self._on_session_changed(self.room.session)
            self._on_room_snapshot_changed(self.room.current)

    def _on_lock_view_unlock_requested(self, secret: str) -> None:
        error = self.access.unlock(secret)
        if error:
            self.lock_view.show_error(error)

    def _on_banner_music_next_phase(self, key: str) -> None:
        if self.room.record_cue_done(key, CueEventKind.ACKNOWLEDGED, {"music": "next phase"}) \
                and self.music is not None:
            self.music.next_phase()

    def _on_banner_music_stay(self, key: str) -> None:
        self.room.record_cue_done(key, CueEventKind.ACKNOWLEDGED, {"music": "stayed"})

    def _toggle_music(self) -> None:
        if self.music is not None:
            self.music.toggle()

    def _next_track(self) -> None:
        if self.music is not None:
            self.music.next_track()

    def _on_music_bar_volume_changed(self, level: float) -> None:
        if self.music is not None:
            self.music.set_volume(level)
            self.settings.set("music_volume", level)

    def _on_music_changed(self, now: NowPlaying) -> None:
        snap = self.room.current
        self.view.music_bar.show_now(now, snap.phase_left_s if snap is not None else None)

    def _on_records_saved(self, saved: Saved) -> None:
        self.view.show_entries(self.records.recent())
        when = saved.observation.recorded_at.astimezone()
        self.status.setText(f"Saved {describe(saved.observation.kind, saved.observation.values)}"
                            f" at {when:%H:%M:%S}")

    def _on_records_alerts_changed(self, alerts: list[Alert]) -> None:
        self._confirm_due = self.records.confirm_due()
        self._show_alerts(alerts)

    def _show_alerts(self, alerts: list[Alert] | None = None) -> None:
        wait = None
        if self._confirm_due is not None:
            wait = (self._confirm_due - self.room.now()).total_seconds()
        self.view.alerts.show_alerts(
            alerts if alerts is not None else self.records.open_alerts(), wait)

    def _on_room_clock_disturbed(self, text: str) -> None:
        self.view.show_notice(text)
        self.status.setText(text)

    def _on_room_cue_escalated(self, _state: CueState) -> None:
        if self._chime is not None and self.act_chime.isChecked():
            self._chime()

    def _on_chime_toggled(self) -> None:
        self.settings.set("chime_on_escalation", self.act_chime.isChecked())

    def show_error(self, text: str) -> None:
        self.status.setText(text)
        box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, text,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("error_message")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- actions needing words -------------------------------------------------------

    def apply(self, op: Op[Any]) -> None:
        """The one place the window refreshes after an operation: from what it changed."""
        self.status.setText(op.words)
        changes = op.changes
        if changes.session or changes.signature or changes.patient:
            self._on_session_changed(self.room.session)
        elif changes.record:
            self.view.show_entries(self.records.recent())
            self._on_records_alerts_changed(self.records.open_alerts())

    def open_playlists(self) -> None:
        if self.playlists is not None:
            self.playlists.open()

    def open_history(self) -> None:
        self.history.open()

    def sign_session(self) -> None:
        if self.room.session is not None:
            self.flows.sign(self.room.session.id)

    def _ack_oldest(self) -> None:
        key = (self.lock_view.banner if self.access.locked else self.view.banner).cue_key
        if key:
            self.room.acknowledge(key)

    def _snooze_oldest(self, minutes: int) -> None:
        key = (self.lock_view.banner if self.access.locked else self.view.banner).cue_key
        if key:
            self.room.snooze(key, minutes)

    def _skip_oldest(self) -> None:
        if self.view.banner.cue_key:
            self.steps.skip(self.view.banner.cue_key)

    def set_theme(self, level: str) -> None:
        theme = THEMES.get(level, THEMES["dark"])
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self.view.set_theme(theme)
        self.lock_view.set_theme(theme)
        self.act_night.setChecked(theme.name == "night")

    def toggle_night(self) -> None:
        level = "night" if self.act_night.isChecked() else "dark"
        self.settings.set("theme_level", level)
        self.set_theme(level)

    def start_backups(self, database: Path, backups_dir: Path) -> BackupRunner:
        """A backup after each session closes, and today's first if none yet."""
        runner = BackupRunner(database, backups_dir, self.room.clock, self)
        runner.failed.connect(self.show_error)
        runner.finished_backup.connect(
            lambda path: self.status.setText(f"Backup written: {path}") if path else None)
        self.room.session_closed.connect(lambda sid: runner.start(f"session {sid} closed"))
        runner.start("daily", daily=True)
        self.backups = runner
        return runner

    def check_database_soon(self, path: Path,
                            stop_writes: Callable[[str], None] | None = None) -> DatabaseCheck:
        """PRAGMA integrity_check in a background thread; damage is reported in words and
        `stop_writes` is told why, so that nothing more is written into a damaged file."""
        self._stop_writes = stop_writes
        check = DatabaseCheck(path, self)
        check.finished_check.connect(self._on_db_check_finished)
        check.start()
        self._db_check = check
        return check

    def _on_db_check_finished(self, result: str) -> None:
        if result != "ok":
            reason = (f"the database failed its start-up check ({result}), so KAPdesk "
                      "stopped writing to it, to keep the damage from spreading. Your "
                      "entries so far are on disk; finish the session on paper and ask "
                      "the admin to run 'kapdesk check' and restore the newest backup.")
            if self._stop_writes is not None:
                self._stop_writes(reason)
            self.show_error(reason[0].upper() + reason[1:])

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
        for thread in (self._db_check.worker if self._db_check else None,
                       self.backups.worker if self.backups else None):
            if thread is not None:
                thread.join(THREAD_WAIT_S)
