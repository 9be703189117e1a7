"""The session toolbar on a small screen: short words and smaller padding when the window
is short (a 720 or 768 line screen at 150 %) or too narrow for the full words, so every
step stays on the bar (none is pushed into the toolbar's overflow arrow). The full words
stay in the menus, the tooltips and the accessible names. The status bar's type follows."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QStatusBar, QToolBar, QToolButton, QWidget

STATUS_SHEET = "QStatusBar, QStatusBar QLabel { font-size: 12px; }"
WIDGET_MAX_PX = 200  # compact, a button of the bar's own (the signed-in user) elides past this
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
        self._shown: dict[QToolButton, str] = {}  # what the bar's own buttons show
        self._full: dict[QToolButton, str] = {}  # ... and their whole words
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
        if compact != self.compact:
            self._switch(compact)
        self._elide_buttons()

    def _switch(self, compact: bool) -> None:
        self.compact = compact
        for action in self.bar.actions():
            short = SHORT_WORDS.get(action.objectName())
            if short is not None:
                action.setIconText(short if compact else action.text())
        self.bar.setStyleSheet(COMPACT_SHEET if compact else "")
        if self.status is not None:
            self.status.setStyleSheet(STATUS_SHEET if compact else "")

    def _elide_buttons(self) -> None:
        """Compact, the bar's own buttons (not its actions': the signed-in user) end in
        "…" past WIDGET_MAX_PX; whatever words their owner sets later are kept whole."""
        for button in self.bar.findChildren(QToolButton):
            if button.defaultAction() is not None or button.objectName() == \
                    "qt_toolbar_ext_button":
                continue
            text = button.text()
            if text != self._shown.get(button):  # set anew by its owner
                self._full[button] = text
            full = self._full.get(button, text)
            shown = full
            metrics = button.fontMetrics()
            frame = button.sizeHint().width() - metrics.horizontalAdvance(text)
            if self.compact and frame + metrics.horizontalAdvance(full) > WIDGET_MAX_PX:
                # "Dr Alexandrina M…  (clinician)": the name gives way, not the role
                name, sep, tail = full.rpartition("  (")
                if not sep:
                    name, tail = full, ""
                tail = sep + tail
                room = WIDGET_MAX_PX - frame - metrics.horizontalAdvance(tail)
                shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight,
                                           max(room, 40)) + tail
            self._shown[button] = shown
            if shown != text:
                button.setText(shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.window and event.type() == QEvent.Type.Resize) or (
                watched is self.bar and event.type() in (QEvent.Type.LayoutRequest,
                                                         QEvent.Type.Resize)):
            self.refit()
        return False
