"""The room's layout at each density (kapdesk.ui.widgets.compact): margins, gaps, the least
heights of the right column's lists (they shrink first: the rest of each scrolls within
it), the phase bar's height, the clock's floor, where the record buttons go (tight: across
the body's whole width, one row, not two), and how a notice shows (tight: one line, the
whole text in its tooltip, so that the phase, the next cue and the record buttons stay in
sight)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QBoxLayout, QLabel, QWidget

from kapdesk.ui.widgets.alerts_box import AlertsBox
from kapdesk.ui.widgets.compact import COMPACT, FULL, TIGHT
from kapdesk.ui.widgets.cue_banner import CueBanner
from kapdesk.ui.widgets.elided_label import ElidedLabel
from kapdesk.ui.widgets.fit_clock import MIN_PX, TIGHT_MIN_PX, FitClock
from kapdesk.ui.widgets.music_bar import MusicBar

LIST_LEAST_PX = {FULL: 44, COMPACT: 44, TIGHT: 26}  # a line and a half, or one line
PHASE_BAR_PX = {FULL: 36, COMPACT: 36, TIGHT: 20}


@dataclass
class RoomLayout:
    outer: QBoxLayout  # the page: body, alerts, music, banner
    body: QBoxLayout  # the two columns, and the record buttons when tight
    left: QBoxLayout
    right: QBoxLayout
    record_buttons: QWidget
    notice: QLabel  # wrapped, in the left column
    notice_line: ElidedLabel  # the same in one line, just below it
    clock: FitClock
    lists: Sequence[QWidget]
    phase_bar: QWidget
    music: MusicBar
    banner: CueBanner
    alerts: AlertsBox
    density: str | None = None

    def __post_init__(self) -> None:
        self._record_index = self.left.indexOf(self.record_buttons)
        self.apply(FULL)

    def apply(self, density: str) -> None:
        if density == self.density:
            return
        self.density = density
        tight = density == TIGHT
        home = self.body if tight else self.left
        if home.indexOf(self.record_buttons) < 0:
            (self.left if tight else self.body).removeWidget(self.record_buttons)
            if tight:
                self.body.addWidget(self.record_buttons)
            else:
                self.left.insertWidget(self._record_index, self.record_buttons)
        self.show_notice(self.notice.text())
        self.clock.set_least_px(TIGHT_MIN_PX if tight else MIN_PX)
        self.music.set_tight(tight)
        self.banner.set_tight(tight)
        self.alerts.set_tight(tight)
        self.outer.setContentsMargins(*((12, 2, 12, 2) if tight else (24, 8, 24, 8)))
        self.outer.setSpacing(2 if tight else 4)
        self.left.setSpacing(1 if tight else 3)
        self.right.setSpacing(1 if tight else 3)
        for listed in self.lists:
            listed.setMinimumHeight(LIST_LEAST_PX[density])
        self.phase_bar.setFixedHeight(PHASE_BAR_PX[density])

    def show_notice(self, text: str) -> None:
        """A notice (clock changes, clinic files that could not be loaded): wrapped, or in
        one line when tight."""
        self.notice.setText(text)
        self.notice_line.setText(" ".join(text.split()))
        tight = self.density == TIGHT
        self.notice.setVisible(bool(text) and not tight)
        self.notice_line.setVisible(bool(text) and tight)
