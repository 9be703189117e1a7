"""The room page kept in step with the controllers: the session shown, its snapshot, the
entries and alerts, the note, the music bar. What the window's actions may do is the
window's (main_window.py); what the page shows is here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QListWidgetItem

from kapdesk.core.cues import CueEventKind
from kapdesk.core.errors import KapdeskError
from kapdesk.core.observations import describe
from kapdesk.core.permissions import Action
from kapdesk.core.record_values import Alert, Saved
from kapdesk.core.room import RoomSnapshot
from kapdesk.core.session import Session
from kapdesk.services.settings_ops import SettingsOps
from kapdesk.ui.music_controller import MusicController, NowPlaying
from kapdesk.ui.record_controller import RecordController
from kapdesk.ui.room_controller import RoomController
from kapdesk.ui.room_view import RoomView
from kapdesk.ui.widgets.status_message import StatusMessage

if TYPE_CHECKING:
    from kapdesk.ui.record_actions import RecordActions
    from kapdesk.ui.record_flows import RecordFlows
    from kapdesk.ui.session_steps import SessionSteps


class RoomScreen(QObject):
    def __init__(self, view: RoomView, room: RoomController, records: RecordController,
                 music: MusicController | None, settings: SettingsOps,
                 status: StatusMessage, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("room screen")
        self.view = view
        self.room = room
        self.records = records
        self.music = music
        self.settings = settings
        self.status = status
        self._confirm_due: datetime | None = None
        room.clock_disturbed.connect(self._on_room_clock_disturbed)
        records.saved.connect(self._on_records_saved)
        records.alerts_changed.connect(self._on_records_alerts_changed)
        view.banner.music_next_phase.connect(self._on_banner_music_next_phase)
        view.banner.music_stay.connect(self._on_banner_music_stay)
        if music is not None:
            bar = view.music_bar
            bar.set_volume(music.volume)
            bar.play_pause.connect(music.toggle)
            bar.next_track.connect(music.next_track)
            bar.next_phase.connect(music.next_phase)
            bar.stop.connect(music.stop)
            bar.retry.connect(music.retry)
            bar.volume_changed.connect(self._on_music_bar_volume_changed)
            music.changed.connect(self._on_music_changed)
            music.unavailable.connect(bar.show_unavailable)
            music.skipped.connect(status.setText)

    def route(self, entry: RecordActions, flows: RecordFlows, steps: SessionSteps) -> None:
        """What the page's buttons, lists and banner ask for goes to who does it."""
        view, room = self.view, self.room
        view.empty.plan_requested.connect(steps.plan_session)
        view.empty.open_requested.connect(room.open_planned)
        view.record_buttons.requested.connect(entry.open)
        view.screening_button.clicked.connect(lambda: entry.open("screening"))
        view.alerts.acknowledged.connect(self.records.acknowledge_alert)
        view.empty.sign_requested.connect(flows.sign)
        view.empty.integration_requested.connect(flows.integration)
        view.entries_list.itemDoubleClicked.connect(self._correct(flows))
        view.note_amend_button.clicked.connect(flows.amend_note)
        view.banner.acknowledged.connect(room.acknowledge)
        view.banner.snoozed.connect(room.snooze)
        view.banner.skip_requested.connect(steps.skip)

    @staticmethod
    def _correct(flows: RecordFlows) -> Callable[[QListWidgetItem], None]:
        def correct(item: QListWidgetItem) -> None:
            flows.correct(int(item.data(Qt.ItemDataRole.UserRole)))
        return correct

    def show_session(self, session: Session | None) -> bool:
        """Fill the page for `session` (None: the empty room); True when it is signed."""
        idle = session is None or not session.is_running
        planned = self.room.planned() if idle else []
        unsigned = self.records.unsigned() if idle else []
        view = self.view
        view.show_session(session, planned, unsigned)
        view.apply_access(self.room.may(Action.VIEW_RECORD), self.room.may(Action.RECORD))
        view.music_bar.setVisible(self.music is not None and self.room.may(Action.PLAY_MUSIC))
        signed = session is not None and self.records.records.signature(session.id) is not None
        view.note.load(self.records.note(), read_only=signed)
        view.note_amend_button.setVisible(signed)
        self.refresh_records()
        return signed

    def show_snapshot(self, snap: RoomSnapshot | None) -> None:
        self.view.show_snapshot(snap)
        if self._confirm_due is not None:
            self._show_alerts()

    def refresh_records(self) -> None:
        """The entries and the open alerts, read again (a record was written)."""
        self.view.show_entries(self.records.recent())
        self._on_records_alerts_changed(self.records.open_alerts())

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

    def _on_banner_music_next_phase(self, key: str) -> None:
        if self.room.record_cue_done(key, CueEventKind.ACKNOWLEDGED, {"music": "next phase"}) \
                and self.music is not None:
            self.music.next_phase()

    def _on_banner_music_stay(self, key: str) -> None:
        self.room.record_cue_done(key, CueEventKind.ACKNOWLEDGED, {"music": "stayed"})

    def _on_music_bar_volume_changed(self, level: float) -> None:
        if self.music is not None:
            self.music.set_volume(level)
            try:  # the room's choice (kapdesk.services.settings_ops), kept for next time
                self.settings.set_music_volume(self.room.user, level)
            except KapdeskError as exc:  # the music goes on at this level regardless
                self.status.setText(f"The volume is not saved for next time: {exc}")

    def _on_music_changed(self, now: NowPlaying) -> None:
        snap = self.room.current
        self.view.music_bar.show_now(now, snap.phase_left_s if snap is not None else None)
