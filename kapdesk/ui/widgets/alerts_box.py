"""Open alerts, with weight and without flashing: each in the alert colour with an icon and
its severity in words, steady until someone acknowledges it (who and when are stored)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.record_values import Alert
from kapdesk.core.room import format_countdown
from kapdesk.ui.theme import DARK, Theme
from kapdesk.ui.widgets.alert_icon import alert_pixmap
from kapdesk.ui.widgets.fit_scroll import FitScroll

SEVERITY_WORDS = {"prompt": "Check", "warning": "Warning", "urgent": "Urgent",
                  "emergency": "Emergency"}
STRONG = ("urgent", "emergency")
ORDER = {"emergency": 0, "urgent": 1, "warning": 2, "prompt": 3}
ICON_PX = 22


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class AlertRow(QFrame):
    def __init__(self, alert: Alert, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.alert = alert
        self.setObjectName("alert_row")
        self.setProperty("severity", "strong" if alert.severity in STRONG else "normal")
        word = SEVERITY_WORDS.get(alert.severity, "Alert")
        self.setAccessibleName(f"{word} alert: {alert.message}")
        self.icon = _label("", "alert_icon")
        self.icon.setFixedSize(ICON_PX, ICON_PX)
        self.icon.setAccessibleName(f"{word} alert")
        self.severity_label = _label(f"{word.upper()}  {alert.raised_at.astimezone():%H:%M}",
                                     "alert_severity")
        self.text_label = _label(alert.message, f"alert_{alert.severity}")
        self.text_label.setWordWrap(True)
        self.text_label.setProperty("severity", alert.severity)
        self.button = QPushButton("Acknowledge")
        self.button.setObjectName("acknowledge_alert")
        self.button.setAccessibleName("Acknowledge alert")
        self.button.setToolTip("Say you have seen this alert: your name and the time are "
                               "stored with it")
        line = QHBoxLayout(self)
        line.setContentsMargins(10, 1, 6, 1)
        line.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        line.addWidget(self.severity_label, 0, Qt.AlignmentFlag.AlignVCenter)
        line.addWidget(self.text_label, 1)
        line.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        strong = self.alert.severity in STRONG
        self.icon.setPixmap(alert_pixmap(theme.urgent if strong else theme.alert, ICON_PX,
                                         strong, self.devicePixelRatioF()))


class AlertsBox(QFrame):
    """Every open alert, the most severe first; each acknowledged with one click."""

    acknowledged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alerts_box")
        self.setAccessibleName("Alerts")
        self._theme = DARK
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 4)
        self.spacing = 4
        self._layout.setSpacing(self.spacing)
        self.confirm_label = _label("", "confirm_reading")
        self.confirm_label.setWordWrap(True)
        self.confirm_label.hide()
        self._layout.addWidget(self.confirm_label)
        self.rows: list[AlertRow] = []
        self.hide()

    def set_tight(self, tight: bool) -> None:
        """Smaller gaps between the rows in a tight room."""
        self.spacing = 2 if tight else 4
        self._layout.setSpacing(self.spacing)
        self._layout.setContentsMargins(0, 0, 0, 0 if tight else 4)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        for row in self.rows:
            row.set_theme(theme)

    def show_alerts(self, alerts: list[Alert], confirm_in_s: float | None) -> None:
        ordered = sorted(alerts, key=lambda a: (ORDER.get(a.severity, 9), a.id))
        if [a.id for a in ordered] != [r.alert.id for r in self.rows]:
            self._rebuild(ordered)  # only when alerts come or go: the rows stay steady
        if confirm_in_s is not None:
            self.confirm_label.setText(
                "Confirming blood-pressure reading " + (
                    f"due in {format_countdown(confirm_in_s)}" if confirm_in_s > 0
                    else "due now"))
        self.confirm_label.setVisible(confirm_in_s is not None)
        self.setVisible(bool(alerts) or confirm_in_s is not None)

    def _rebuild(self, alerts: list[Alert]) -> None:
        for row in self.rows:
            row.hide()
            row.deleteLater()
        self.rows = []
        for alert in alerts:
            row = AlertRow(alert, self._theme)
            row.button.clicked.connect(lambda _c=False, a=alert.id: self.acknowledged.emit(a))
            self._layout.addWidget(row)
            self.rows.append(row)


class AlertsArea(FitScroll):
    """The alerts, always in sight: as tall as they need, and on a short screen at least
    the most severe one, the rest a scroll away (the scrollbar says so)."""

    def __init__(self, box: AlertsBox, parent: QWidget | None = None) -> None:
        super().__init__(box, parent=parent)
        self.setObjectName("alerts_area")
        self.box = box
        self.setAccessibleName("Open alerts")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.hide()
        box.installEventFilter(self)

    def _least(self) -> int:
        first = self.box.rows[0].sizeHint().height() if self.box.rows else 0
        confirm = (self.box.confirm_label.sizeHint().height()
                   if not self.box.confirm_label.isHidden() else 0)
        return first + confirm + self.box.spacing + 4

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.needed_height(self.viewport().width()))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, min(self._least(), self.needed_height(self.viewport().width())))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        box: AlertsBox | None = getattr(self, "box", None)
        if box is not None and watched is box:
            if event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
                self.setVisible(not box.isHidden())
            elif event.type() == QEvent.Type.LayoutRequest:
                self.updateGeometry()
        return super().eventFilter(watched, event)
