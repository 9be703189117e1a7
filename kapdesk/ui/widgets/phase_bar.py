"""A bar of the protocol's phases, the current one lit, with a marker at 'now'."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kapdesk.core.protocol import Protocol
from kapdesk.ui.theme import DARK, Theme


class PhaseBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phase_bar")
        self.setAccessibleName("Session phases")
        self.setFixedHeight(36)  # the room sets it for its density
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._protocol: Protocol | None = None
        self._minute = 0.0
        self._theme = DARK

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()

    def set_protocol(self, protocol: Protocol | None) -> None:
        self._protocol = protocol
        self.update()

    def set_minute(self, minute: float) -> None:
        if abs(minute - self._minute) >= 0.05 or minute == 0:
            self._minute = minute
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._protocol is None:
            return
        t = self._theme
        total = self._protocol.session_minutes
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.width() - 2
        height = self.height() - 2
        current = self._protocol.phase_at(self._minute)
        font = painter.font()  # a short bar (a tight room) writes the names smaller
        if painter.fontMetrics().height() > height - 2:
            font.setPixelSize(max(9, int(height * 0.6)))
            painter.setFont(font)
        for phase in self._protocol.phases:
            x = 1 + width * phase.start_min / total
            w = width * (phase.end_min - phase.start_min) / total
            rect = QRectF(x + 1, 1, max(1.0, w - 2), height)
            lit = current is not None and phase.key == current.key
            painter.setPen(QPen(QColor(t.accent if lit else t.border), 1))
            painter.setBrush(QColor(t.due if lit else t.panel))
            painter.drawRoundedRect(rect, 6, 6)
            painter.setPen(QColor(t.text if lit else t.muted))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                             painter.fontMetrics().elidedText(phase.name,
                                                              Qt.TextElideMode.ElideRight,
                                                              int(rect.width()) - 6))
        x_now = 1 + width * min(max(self._minute, 0.0), total) / total
        painter.setPen(QPen(QColor(t.text), 2))
        painter.drawLine(int(x_now), 0, int(x_now), height + 2)
        painter.end()
