"""Painted charts of the history window: the session timeline, and outcome trends.

`TimelineWidget` paints with kapdesk.export.timeline.paint_timeline, the very drawing code
of the PDF note, in its dark palette. `TrendChart` draws one outcome measure's totals over
time on its severity bands, shaded from calm to strong.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from kapdesk.core.outcomes import InstrumentSpec, OutcomeMeasure
from kapdesk.core.report import SessionReport
from kapdesk.export.painting import Pencil
from kapdesk.export.timeline import paint_timeline
from kapdesk.export.timeline_style import DARK, TimelinePalette

# Severity bands, calm to strong: dim tints that keep a dark room dark.
BAND_SHADES = ("#16201d", "#1d2420", "#2a2619", "#33221a", "#3b1d1b")


class TimelineWidget(QWidget):
    """The selected session's whole chart; empty (with a word) when none is selected."""

    painted = Signal(int)  # the session id just painted

    def __init__(self, palette: TimelinePalette = DARK, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("session_timeline")
        self.setAccessibleName("Session timeline chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(220)
        self.palette_ = palette
        self.report: SessionReport | None = None
        self.paints = 0

    def sizeHint(self) -> QSize:
        return QSize(640, 320)

    def set_report(self, report: SessionReport | None) -> None:
        self.report = report
        self.setAccessibleDescription(
            f"Timeline of session {report.session_id}" if report else "No session selected")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            rect = QRectF(self.rect())
            if self.report is None:
                painter.fillRect(rect, QColor(self.palette_.background))
                painter.setPen(QColor(self.palette_.muted))
                painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter),
                                 "Choose a session to see its timeline")
            else:
                paint_timeline(painter, rect, self.report, self.palette_, font_pt=8.0)
        finally:
            painter.end()
        self.paints += 1
        if self.report is not None:
            self.painted.emit(self.report.session_id)


class TrendChart(QWidget):
    """One instrument's totals over time, points joined, on its bands shaded."""

    def __init__(self, spec: InstrumentSpec, palette: TimelinePalette = DARK,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.pal = palette
        self.points: tuple[OutcomeMeasure, ...] = ()
        self.setObjectName(f"trend_{spec.instrument.value}")
        self.setAccessibleName(f"{spec.name} trend chart")
        self.setMinimumSize(150, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(220, 170)

    def set_points(self, points: Sequence[OutcomeMeasure]) -> None:
        self.points = tuple(points)
        last = self.points[-1].summary if self.points else "no measures yet"
        self.setAccessibleDescription(f"{len(self.points)} measure(s); latest {last}")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def _paint(self, p: QPainter, rect: QRectF) -> None:
        pen = Pencil(p, 7.5)
        u, pal, spec = pen.u, self.pal, self.spec
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(rect, QColor(pal.background))
        title = QRectF(rect.left() + 4 * u, rect.top() + 2 * u, rect.width() - 8 * u,
                       pen.line_h)
        latest = f"  latest {self.points[-1].total}" if self.points else ""
        pen.text(title, f"{spec.name}{latest}", pal.text)
        plot = QRectF(rect.left() + 20 * u, title.bottom() + 3 * u, rect.width() - 26 * u,
                      rect.height() - title.height() - pen.line_h - 10 * u)
        if plot.width() < 10 or plot.height() < 10:
            return
        top = spec.max_total

        def y(v: float) -> float:
            return plot.bottom() - v / top * plot.height()

        strong = len(spec.bands) - 1
        for i, band in enumerate(spec.bands):
            shade = BAND_SHADES[round(i * (len(BAND_SHADES) - 1) / max(strong, 1))]
            upper = min(band.high + 1, top) if band.high < top else top
            area = QRectF(plot.left(), y(upper), plot.width(), y(band.low) - y(upper))
            p.fillRect(area, QColor(shade))
            pen.text(QRectF(plot.left() + 2 * u, area.top(), plot.width() - 4 * u,
                            min(area.height(), pen.line_h)),
                     band.label.replace("the usual screening ", ""), pal.muted)
        for value in (0, top):
            pen.text(QRectF(rect.left(), y(value) - pen.line_h / 2, 18 * u, pen.line_h),
                     str(value), pal.muted, Qt.AlignmentFlag.AlignRight)
        if spec.cut_point is not None:
            p.setPen(pen.pen(pal.alert, 0.6, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(plot.left(), y(spec.cut_point)),
                       QPointF(plot.right(), y(spec.cut_point)))
        p.setPen(pen.pen(pal.grid, 0.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(plot)
        if not self.points:
            # only the bands: the panel says no measures are recorded yet, and words drawn
            # in here would sit on a band's label
            return
        first, last = self.points[0].taken_at, self.points[-1].taken_at
        span = max((last - first).total_seconds(), 1.0)

        def x(at: datetime) -> float:
            if len(self.points) == 1:
                return plot.center().x()
            return plot.left() + 6 * u + (at - first).total_seconds() / span * (
                plot.width() - 12 * u)

        pts = [QPointF(x(m.taken_at), y(m.total)) for m in self.points]
        if len(pts) > 1:
            p.setPen(pen.pen(pal.diastolic, 1.2))
            p.drawPolyline(QPolygonF(pts))
        for point in pts:
            pen.marker("circle", point, pal.dose, 2.2)
        below = QRectF(plot.left(), plot.bottom() + 2 * u, plot.width(), pen.line_h)
        pen.text(below, f"{first.astimezone():%Y-%m-%d}", pal.muted)
        if len(pts) > 1:
            pen.text(below, f"{last.astimezone():%Y-%m-%d}", pal.muted,
                     Qt.AlignmentFlag.AlignRight)
