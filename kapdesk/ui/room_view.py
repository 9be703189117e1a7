"""The room screen: a clock readable from across the room, the phase, the cues.

It fits the screen it is on: one-line texts elide (whole text in the tooltip), rows of
buttons wrap, the clock takes the height left over, and the body scrolls as a last resort
(the alerts and the cue banner below it never do), so the window never grows past the screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.room import RoomSnapshot, format_countdown, format_cue_time, format_elapsed
from kapdesk.core.session import Session, State
from kapdesk.ui.dialog_fit import list_rows_height, prepare_list
from kapdesk.ui.naming import named
from kapdesk.ui.theme import DARK, Theme
from kapdesk.ui.widgets.alerts_box import AlertsArea, AlertsBox
from kapdesk.ui.widgets.compact import set_compact
from kapdesk.ui.widgets.cue_banner import CueBanner
from kapdesk.ui.widgets.elided_label import ElidedLabel
from kapdesk.ui.widgets.empty_room import EmptyRoom
from kapdesk.ui.widgets.fit_clock import FitClock
from kapdesk.ui.widgets.fit_scroll import FitScroll
from kapdesk.ui.widgets.music_bar import MusicBar
from kapdesk.ui.widgets.phase_bar import PhaseBar
from kapdesk.ui.widgets.record_panel import RecordButtons
from kapdesk.ui.widgets.room_density import RoomLayout
from kapdesk.ui.widgets.room_right import RoomRight


def _label(name: str, role: str | None = None) -> QLabel:
    """A one-line label styled by its objectName (sizes live in the theme's stylesheet)."""
    label = named(ElidedLabel(), name)
    if role:
        label.setProperty("role", role)
    return label


class RoomView(QStackedWidget):
    def __init__(self, save_note: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("room_view")
        self._save_note = save_note
        self.empty = EmptyRoom(self)
        self.addWidget(self.empty)
        self.addWidget(self._build_room())
        self._theme = DARK
        self._session: Session | None = None
        self._view_record = True
        self._idle_lists: tuple[list[Session], list[Session]] = ([], [])
        self._record = True

    def _build_room(self) -> QWidget:
        page = named(QWidget(self), "room_page")
        self.patient_label = _label("room_patient")
        self.state_label = _label("room_state", "muted")
        self.clock_label = FitClock()
        self.clock_label.setAccessibleName("Time since dose")
        self.phase_label = _label("room_phase")
        self.phase_bar = PhaseBar()
        self.next_label = _label("room_next_cue")
        self.next_label.setAccessibleName("Next cue")
        self.timer_label = _label("room_timers")
        self.monitoring_label = _label("room_monitoring")
        self.notice = named(QLabel(), "notice")
        self.notice.setWordWrap(True)
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice.hide()
        self.notice_line = named(ElidedLabel(), "notice_line")  # the notice, tight
        self.notice_line.hide()
        self.record_buttons = RecordButtons()
        self.music_bar = MusicBar()
        self.screening_button = named(QPushButton("Screening checklist…"), "record_screening")
        self.screening_button.setAccessibleName("Record the screening checklist")
        self.alerts = AlertsBox()
        self.prep_heading = _label("prep_heading", "heading")
        self.prep_heading.setText("BEFORE THE DOSE")
        self.prep_list = named(QListWidget(), "preparation_checklist")
        self.prep_list.setAccessibleName("Preparation checklist")
        prepare_list(self.prep_list)  # every item whole: long ones wrap
        self.prep_list.installEventFilter(self)
        self.banner = CueBanner()

        header = QHBoxLayout()
        header.addWidget(self.patient_label, 1)
        header.addWidget(self.state_label)

        left = QVBoxLayout()
        left.setSpacing(3)
        left.addLayout(header)
        left.addWidget(self.clock_label, 2)
        left.addWidget(self.phase_label)
        left.addWidget(self.phase_bar)
        left.addWidget(self.next_label)
        left.addWidget(self.timer_label)
        left.addWidget(self.monitoring_label)
        left.addWidget(self.notice)
        left.addWidget(self.notice_line)
        left.addWidget(self.record_buttons)
        left.addWidget(self.screening_button)
        left.addWidget(self.prep_heading)
        left.addWidget(self.prep_list, 1)

        right = self.right = RoomRight(self._save_note)
        self.note = right.note
        self.upcoming_list, self.past_list = right.upcoming_list, right.past_list
        self.entries_list, self.entries_heading = right.entries_list, right.entries_heading
        self.note_heading, self.note_count = right.note_heading, right.note_count
        self.note_hint = right.note_hint  # kapdesk.ui.keyboard fills it
        self.note_amend_button = right.note_amend_button

        content = named(QWidget(), "room_body")
        self._body = QVBoxLayout(content)
        self._body.setContentsMargins(0, 0, 0, 0)
        self._body.setSpacing(2)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addSpacing(16)
        columns.addLayout(right, 2)
        self._body.addLayout(columns, 1)
        self.body_scroll = named(FitScroll(content), "room_body_scroll")
        outer = QVBoxLayout(page)
        outer.addWidget(self.body_scroll, 1)
        self.alerts_area = AlertsArea(self.alerts)
        outer.addWidget(self.alerts_area)  # never scrolled out of sight
        outer.addWidget(self.music_bar)  # the whole width: the long titles of tracks
        outer.addWidget(self.banner)
        self.density = RoomLayout(outer, self._body, left, right, self.record_buttons,
                                  self.notice, self.notice_line, self.clock_label,
                                  (self.upcoming_list, self.past_list, self.entries_list,
                                   self.note), self.phase_bar, self.music_bar, self.banner,
                                  self.alerts)
        return page

    # -- look ------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.density.apply(set_compact(self, event.size().height()))

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.phase_bar.set_theme(theme)
        self.alerts.set_theme(theme)

    # -- content ---------------------------------------------------------------------

    def show_session(self, session: Session | None, planned: list[Session],
                     unsigned: list[Session]) -> None:
        if session is None or session.state in (State.CLOSED, State.CANCELLED):
            self._idle_lists = (planned, unsigned)
            self._fill_idle_lists()
            self.setCurrentIndex(0)
            return
        self.setCurrentIndex(1)
        self.state_label.setText(session.state.label)
        self.phase_bar.set_protocol(session.protocol)
        # the same session shown again (a lock, a clock change): its ticks stay
        kept = self.preparation_ticks() if self._session is not None and \
            self._session.id == session.id else {}
        self._session = session
        self.prep_list.clear()
        for item in session.protocol.preparation:
            entry = QListWidgetItem(item)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if kept.get(item)
                                else Qt.CheckState.Unchecked)
            self.prep_list.addItem(entry)
        self._fit_prep()
        self.right.forget_cues()
        self._apply_visibility()

    def preparation_ticks(self) -> dict[str, bool]:
        """The preparation list as ticked now: item -> ticked."""
        items = (self.prep_list.item(i) for i in range(self.prep_list.count()))
        return {item.text(): item.checkState() == Qt.CheckState.Checked for item in items}

    def show_snapshot(self, snap: RoomSnapshot | None) -> None:
        if snap is None:
            return
        session = snap.session
        if session.t0 is None:
            self.clock_label.set_caption("NOT DOSED YET")
            self.clock_label.setText(format_elapsed(0))
            self.phase_label.setText("Preparing" if session.state is State.PREPARING
                                     else "Planned")
        else:
            self.clock_label.set_caption("SINCE DOSE")
            self.clock_label.setText(format_elapsed(snap.elapsed_s))
            if snap.phase is not None:
                left = snap.phase_left_s  # None once discharged: the clock has stopped
                self.phase_label.setText(snap.phase.name if left is None else
                                         f"{snap.phase.name}  ·  {format_countdown(left)} "
                                         "left in phase")
            elif snap.elapsed_s / 60 >= session.protocol.session_minutes:
                self.phase_label.setText("Past the planned session length")
            else:
                self.phase_label.setText("Between phases")
        self.phase_bar.set_minute(snap.elapsed_s / 60)
        nxt = snap.next_cue
        if snap.status_line is not None:  # discharged: the clock has stopped, no next cue
            self.next_label.setText(snap.status_line)
        elif nxt is not None and session.t0 is not None:
            self.next_label.setText(
                f"Next: {nxt.cue.text}  in {format_countdown(nxt.due_s - snap.elapsed_s)}")
        elif nxt is not None:
            self.next_label.setText(f"First cue after the dose: {nxt.cue.text} at "
                                    f"{format_cue_time(nxt.due_s)}")
        else:
            self.next_label.setText("No more cues")
        if snap.timers:
            self.timer_label.setText("   ".join(
                f"{t.name}: {format_countdown(t.remaining_s)} left" for t in snap.timers))
            self.timer_label.show()
        else:
            self.timer_label.hide()
        minimum = session.protocol.min_monitoring_minutes
        if session.t0 is None:
            self.monitoring_label.setText(f"Monitoring after the dose: at least {minimum:g} min")
        elif snap.status_line is not None:  # discharged: nothing more "to go"
            self.monitoring_label.setText(f"Monitored {snap.elapsed_s / 60:.0f} min "
                                          f"(at least {minimum:g} min asked)")
        elif snap.minutes_to_minimum > 0:
            self.monitoring_label.setText(
                f"Monitoring {snap.elapsed_s / 60:.0f} of at least {minimum:g} min  ·  "
                f"{snap.minutes_to_minimum:.0f} min to go")
        else:
            self.monitoring_label.setText(f"Minimum monitoring of {minimum:g} min reached")
        due = snap.due
        self.banner.show_cue(due[0] if due else None, snap.elapsed_s, len(due) - 1)
        self.right.show_cues(snap)

    def _fit_prep(self) -> None:
        """The preparation list as tall as its items at its width (the body scrolls if the
        screen is shorter)."""
        self.prep_list.setMinimumHeight(list_rows_height(self.prep_list))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is getattr(self, "prep_list", None) and event.type() == QEvent.Type.Resize:
            self._fit_prep()
        return super().eventFilter(watched, event)

    def apply_access(self, view_record: bool, record: bool) -> None:
        """Staff see the clock, phase and cues; never notes or patient identifiers."""
        self._view_record, self._record = view_record, record
        self._fill_idle_lists()  # the patient codes in them follow the access
        self._apply_visibility()

    def _fill_idle_lists(self) -> None:
        planned, unsigned = self._idle_lists
        self.empty.set_planned(planned, show_codes=self._view_record)
        self.empty.set_unsigned(unsigned, show_codes=self._view_record)

    def _apply_visibility(self) -> None:
        session = self._session
        dosed = session is not None and session.t0 is not None
        view_record, record = self._view_record, self._record
        for widget in (self.entries_list, self.note, self.entries_heading, self.note_heading):
            widget.setVisible(view_record)
        self.note_count.setVisible(view_record and bool(self.note_count.text()))
        self.prep_heading.setVisible(view_record and not dosed)
        self.prep_list.setVisible(view_record and not dosed)
        self.screening_button.setVisible(record and not dosed)
        self.record_buttons.setVisible(record)
        self.record_buttons.buttons["dose"].setVisible(dosed)
        if not view_record:
            self.alerts.hide()
            self.note_amend_button.hide()
        if session is not None:
            self.patient_label.setText(
                f"Patient {session.patient_code}  ·  {session.protocol.name}" if view_record
                else session.protocol.name)

    def show_entries(self, entries: list[tuple[int, str]]) -> None:
        self.right.show_entries(entries)

    def show_notice(self, text: str) -> None:
        self.density.show_notice(text)

