"""The room's layout at each density (kapdesk.ui.widgets.compact): margins, gaps, the least
heights of the right column's lists (they shrink first: the rest of each scrolls within
it), the phase bar's height, and where the record buttons go (tight, the body's whole
width: one row, not two)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QBoxLayout, QWidget

from kapdesk.ui.widgets.alerts_box import AlertsBox
from kapdesk.ui.widgets.compact import COMPACT, FULL, TIGHT
from kapdesk.ui.widgets.cue_banner import CueBanner
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
