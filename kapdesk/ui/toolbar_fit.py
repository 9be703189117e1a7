"""The session toolbar on a small screen: short words and smaller padding when the window
is short (a 720 or 768 line screen at 150 %) or too narrow for the full words, so every
step stays on the bar (none is pushed into the toolbar's overflow arrow). The full words
stay in the menus, the tooltips and the accessible names. The status bar's type follows."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QStatusBar, QToolBar, QWidget

STATUS_SHEET = "QStatusBar, QStatusBar QLabel { font-size: 12px; }"
COMPACT_WINDOW_PX = 560  # a window shorter than this gets the compact toolbar
SHORT_WORDS = {  # action objectName: the bar's short words
    "start_preparing": "Prepare", "record_dose": "Dose (T0)", "begin_recovery": "Recovery",
    "close_session": "Close", "sign_session": "Sign", "plan_session_action": "Plan",
}
COMPACT_SHEET = ("QToolButton { padding: 2px 5px; font-size: 12px; } "
                 "QToolBar { padding: 1px; spacing: 3px; }")


class ToolbarFit(QObject):
    def __init__(self, bar: QToolBar, window: QWidget, status: QStatusBar | None = None) -> None:
        super().__init__(bar)
        self.bar = bar
        self.status = status
        self.window = window
        self.compact = False
        self._full_width = 0
        window.installEventFilter(self)
        bar.installEventFilter(self)  # its words' widths are known once it is polished
        self.refit()

    def full_width(self) -> int:
        """The bar's width with the full words (measured while they show)."""
        if not self.compact:
            self._full_width = self.bar.sizeHint().width()
        return self._full_width

    def refit(self) -> None:
        full = self.full_width()
        window = self.window
        compact = window.height() < COMPACT_WINDOW_PX or (window.width() > 0
                                                          and full > window.width())
        if compact == self.compact:
            return
        self.compact = compact
        for action in self.bar.actions():
            short = SHORT_WORDS.get(action.objectName())
            if short is not None:
                action.setIconText(short if compact else action.text())
        self.bar.setStyleSheet(COMPACT_SHEET if compact else "")
        if self.status is not None:
            self.status.setStyleSheet(STATUS_SHEET if compact else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.window and event.type() == QEvent.Type.Resize) or (
                watched is self.bar and event.type() in (QEvent.Type.LayoutRequest,
                                                         QEvent.Type.Resize)):
            self.refit()
        return False
