"""The session timeline chart: one drawing for the screen (a QWidget's paintEvent) and the PDF.

`paint_timeline(painter, rect, report, palette)` paints, inside `rect` and in the painter's
own units, from top to bottom: a legend, the tracks played as bands, the events (dose,
cues with lights and music marked, medicines, side effects), blood pressure, heart rate and
SpO2 over time with alerts marked, then MOAA/S and the dissociation rating, over the
protocol's phases shaded, with a minutes-since-dose axis. Sizes are in points, so the chart
reads the same on a 96 dpi screen and a 300 dpi page. It leaves the painter as it found it.
"""

from __future__ import annotations

import math
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPolygonF

from kapdesk.core.observations import SEVERITIES, Kind, Observation
from kapdesk.core.report import SessionReport
from kapdesk.export.common import t_plus
from kapdesk.export.painting import Pencil
from kapdesk.export.timeline_style import LIGHT, TimelinePalette

VITAL_SERIES = (("systolic", "Systolic"), ("diastolic", "Diastolic"),
                ("heart_rate", "Heart rate"), ("spo2", "SpO2 (right axis)"))
GLYPHS = {"lights": "☼", "music": "♪", "checklist": "✓"}


def paint_timeline(painter: QPainter, rect: QRectF, report: SessionReport,
                   palette: TimelinePalette = LIGHT, *, now_minute: float | None = None,
                   font_pt: float = 7.0) -> None:
    """Paint the whole chart of `report` into `rect`."""
    painter.save()
    try:
        _Chart(painter, rect, report, palette, font_pt).paint(now_minute)
    finally:
        painter.restore()


class _Chart(Pencil):
    def __init__(self, painter: QPainter, rect: QRectF, report: SessionReport,
                 palette: TimelinePalette, font_pt: float) -> None:
        super().__init__(painter, font_pt)
        self.r, self.pal = report, palette
        u = self.u
        self.outer = rect
        self.label_w = max(32 * u, self.fm.horizontalAdvance("MOAA/S") + 3 * u)
        left = rect.left() + self.label_w + 2 * u
        right = rect.right() - max(30 * u, self.fm.horizontalAdvance("100%") + 6 * u)
        y = rect.top() + 2 * u
        self.legend = QRectF(left, y, right - left, self.line_h)
        y = self.legend.bottom() + 3 * u
        music_h = (self.line_h + 2 * u) if report.plays else 0.0
        self.music = QRectF(left, y, right - left, music_h)
        y += music_h + (2 * u if music_h else 0)
        self.events = QRectF(left, y, right - left, 3 * self.line_h + 8 * u)
        axis_h = self.line_h + 4 * u
        ratings_h = 2 * self.line_h + 14 * u
        bottom = rect.bottom() - axis_h
        self.ratings = QRectF(left, bottom - ratings_h, right - left, ratings_h)
        top = self.events.bottom() + 2 * u
        self.vitals = QRectF(left, top, right - left, max(self.ratings.top() - 3 * u - top,
                                                          40 * u))
        self.axis_y = bottom
        self.m0, self.m1 = self._span()

    # -- scales ------------------------------------------------------------------------

    def minute(self, instant: datetime) -> float:
        if self.r.t0 is not None:
            return self.r.minute_of(instant)
        return (instant - self.r.planned_at).total_seconds() / 60

    def entry_minute(self, entry: Observation) -> float:
        """An entry's minute, right across a clock set back past the dose."""
        if self.r.t0 is not None:
            return self.r.minute_of_entry(entry)
        return self.minute(entry.observed_at)

    def _span(self) -> tuple[float, float]:
        r = self.r
        times = [o.observed_at for o in r.current if o.kind is not Kind.NOTE]
        times += [c.at for c in r.cue_events] + [p.started_at for p in r.plays]
        if r.discharged_at is not None:
            times.append(r.discharged_at)
        minutes = [self.minute(t) for t in times]
        start = min([0.0, *minutes]) - 2
        end = max([r.protocol.session_minutes if r.t0 else 30.0, *minutes]) + 2
        return math.floor(start / 5) * 5, math.ceil(end / 15) * 15

    def x(self, minute: float) -> float:
        span = self.m1 - self.m0
        return self.vitals.left() + (minute - self.m0) / span * self.vitals.width()

    # -- the chart ---------------------------------------------------------------------

    def paint(self, now_minute: float | None) -> None:
        self.p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.p.fillRect(self.outer, QColor(self.pal.background))
        self._phases()
        self._axis()
        self._legend()
        self._music()
        self._events()
        self._vitals()
        self._ratings()
        if now_minute is not None and self.m0 <= now_minute <= self.m1:
            self.p.setPen(self.pen(self.pal.text, 1.2))
            x = self.x(now_minute)
            self.p.drawLine(QPointF(x, self.events.top()), QPointF(x, self.ratings.bottom()))

    def _band(self) -> tuple[float, float]:
        return self.music.top() if self.r.plays else self.events.top(), self.ratings.bottom()

    def _phases(self) -> None:
        top, bottom = self._band()
        if self.r.t0 is None:
            return
        for i, phase in enumerate(self.r.protocol.phases):
            x0 = self.x(max(phase.start_min, self.m0))
            x1 = self.x(min(phase.end_min, self.m1))
            if x1 <= x0:
                continue
            self.p.fillRect(QRectF(x0, top, x1 - x0, bottom - top),
                            QColor(self.pal.phases[i % 2]))
            label = QRectF(x0 + 2 * self.u, self.vitals.top(), x1 - x0 - 4 * self.u,
                           self.line_h)
            self.text(label, phase.name, self.pal.muted)

    def _axis(self) -> None:
        top, bottom = self._band()
        span = self.m1 - self.m0
        step = 15 if span <= 240 else 30 if span <= 480 else 60
        self.p.setPen(self.pen(self.pal.grid, 0.5))
        minute = math.ceil(self.m0 / step) * step
        while minute <= self.m1:
            x = self.x(minute)
            self.p.setPen(self.pen(self.pal.grid, 0.5))
            self.p.drawLine(QPointF(x, top), QPointF(x, bottom))
            label = (t_plus(minute) if minute else "T0") if self.r.t0 else f"{minute:+.0f} min"
            self.text(QRectF(x - 20 * self.u, self.axis_y + 1 * self.u, 40 * self.u,
                             self.line_h), label, self.pal.text, Qt.AlignmentFlag.AlignHCenter)
            minute += step
        if self.r.t0 is not None:
            x = self.x(0)
            self.p.setPen(self.pen(self.pal.dose, 1.0, Qt.PenStyle.DashLine))
            self.p.drawLine(QPointF(x, top), QPointF(x, bottom))
        self.p.setPen(self.pen(self.pal.muted, 0.6))
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        for lane in (self.events, self.vitals, self.ratings):
            self.p.drawRect(lane)

    def _legend(self) -> None:
        items = [("systolic", "down", "Systolic"), ("diastolic", "up", "Diastolic"),
                 ("heart_rate", "circle", "Heart rate"), ("spo2", "square", "SpO2 %"),
                 ("moaas", "circle", "MOAA/S"), ("medication", "diamond", "Medicine"),
                 ("side_effect", "circle", "Side effect"), ("alert", "down", "Alert")]
        x = self.legend.left()
        cy = self.legend.center().y()
        for color_name, shape, label in items:
            color = getattr(self.pal, color_name)
            self.marker(shape, QPointF(x + 3 * self.u, cy), color, 2.6)
            width = self.fm.horizontalAdvance(label) + 2 * self.u
            self.text(QRectF(x + 8 * self.u, self.legend.top(), width, self.line_h), label,
                      self.pal.text)
            x += width + 16 * self.u
            if x > self.legend.right():
                break

    def _music(self) -> None:
        if not self.r.plays:
            return
        self.text(QRectF(self.outer.left(), self.music.top(), self.label_w, self.music.height()),
                  "Music", self.pal.muted)
        plays = sorted(self.r.plays, key=lambda p: p.started_at)
        for i, play in enumerate(plays):
            start = self.minute(play.started_at)
            end_at = play.ended_at or (plays[i + 1].started_at if i + 1 < len(plays) else None)
            end = self.minute(end_at) if end_at else self.m1
            x0, x1 = self.x(max(start, self.m0)), self.x(min(end, self.m1))
            band = QRectF(x0, self.music.top(), max(x1 - x0, 1.0), self.music.height())
            self.p.setPen(self.pen(self.pal.muted, 0.5))
            self.p.setBrush(QBrush(QColor(self.pal.music)))
            self.p.drawRect(band)
            self.text(band.adjusted(2 * self.u, 0, -2 * self.u, 0), play.title, self.pal.text)

    def _events(self) -> None:
        r, u = self.r, self.u
        row1 = self.events.top() + 2 * u + self.line_h / 2
        rows = {"medication": row1 + self.line_h + 2 * u,
                "side_effect": row1 + 2 * self.line_h + 4 * u}
        self.text(QRectF(self.outer.left(), self.events.top(), self.label_w,
                         self.events.height()),
                  "Events", self.pal.muted)
        for cue in r.cue_events:
            if cue.event not in ("cue_acknowledged", "cue_skipped"):
                continue
            color = self.pal.cue if cue.event == "cue_skipped" else (
                self.pal.lights if cue.cue_kind == "lights" else self.pal.text)
            x = self.x(cue.elapsed_s / 60 if r.t0 is not None else self.minute(cue.at))
            glyph = GLYPHS.get(cue.cue_kind)
            if glyph:
                self.text(QRectF(x - 5 * u, row1 - self.line_h / 2, 10 * u, self.line_h),
                          glyph, color, Qt.AlignmentFlag.AlignHCenter)
            else:
                self.p.setPen(self.pen(color, 0.6))
                self.p.drawLine(QPointF(x, row1 - 2 * u), QPointF(x, row1 + 2 * u))
        for dose in r.doses:
            x = self.x(self.entry_minute(dose))
            self.marker("down", QPointF(x, row1), self.pal.dose, 3.4)
        last_right = {"medication": -math.inf, "side_effect": -math.inf}
        items = [(o, "medication", "diamond", str(o.values["drug"])) for o in r.medications]
        items += [(o, "side_effect", "circle", str(o.values["name"])) for o in r.side_effects]
        for obs, row, shape, label in sorted(items, key=lambda i: i[0].observed_at):
            x, y = self.x(self.entry_minute(obs)), rows[row]
            color = getattr(self.pal, row)
            self.marker(shape, QPointF(x, y), color, 2.8)
            width = min(self.fm.horizontalAdvance(label), 70 * u)
            if x + 4 * u > last_right[row]:  # a label only where it has room
                self.text(QRectF(x + 4 * u, y - self.line_h / 2, width + 2 * u, self.line_h),
                          label, color)
                last_right[row] = x + 8 * u + width
        for alert in r.alerts:
            found = next((o for o in r.entries if o.id == alert.observation_id), None)
            if found is None:
                continue
            x = self.x(self.entry_minute(found))
            self.p.setPen(self.pen(self.pal.alert, 0.7, Qt.PenStyle.DotLine))
            self.p.drawLine(QPointF(x, self.vitals.top()), QPointF(x, self.vitals.bottom()))
            self.marker("down", QPointF(x, self.vitals.top() + self.line_h + 3 * u),
                        self.pal.alert, 3.0)

    def _vitals(self) -> None:
        u, rect = self.u, self.vitals
        series = {key: [(self.entry_minute(o), float(o.values[key]))
                        for o in self.r.vitals if key in o.values] for key, _ in VITAL_SERIES}
        left_values = [v for k in ("systolic", "diastolic", "heart_rate") for _, v in series[k]]
        low = min(40.0, *(v for v in left_values)) if left_values else 40.0
        high = max(200.0, *(v for v in left_values)) if left_values else 200.0
        low, high = math.floor(low / 40) * 40, math.ceil(high / 40) * 40
        spo2_low = min([80.0, *(v for _, v in series["spo2"])])
        spo2_low = math.floor(spo2_low / 10) * 10
        inner = rect.adjusted(0, 2 * self.line_h + 4 * u, 0, -2 * u)

        def y_left(v: float) -> float:
            return inner.bottom() - (v - low) / (high - low) * inner.height()

        def y_right(v: float) -> float:
            return inner.bottom() - (v - spo2_low) / (100 - spo2_low) * inner.height()

        value = low
        while value <= high:
            y = y_left(value)
            self.p.setPen(self.pen(self.pal.grid, 0.4, Qt.PenStyle.DotLine))
            self.p.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            self.text(QRectF(self.outer.left(), y - self.line_h / 2, self.label_w - u,
                             self.line_h),
                      f"{value:g}", self.pal.text, Qt.AlignmentFlag.AlignRight)
            value += 40
        for i, unit in enumerate(("mmHg", "/min")):
            self.text(QRectF(self.outer.left(), rect.top() + i * self.line_h, self.label_w - u,
                             self.line_h), unit, self.pal.muted, Qt.AlignmentFlag.AlignRight)
        for pct in range(int(spo2_low), 101, 10):
            self.text(QRectF(rect.right() + 3 * u, y_right(pct) - self.line_h / 2, 27 * u,
                             self.line_h), f"{pct}%", self.pal.spo2)
        shapes = {"systolic": "down", "diastolic": "up", "heart_rate": "circle",
                  "spo2": "square"}
        for key, _label in VITAL_SERIES:
            points = [QPointF(self.x(m), (y_right if key == "spo2" else y_left)(v))
                      for m, v in series[key]]
            color = getattr(self.pal, key)
            if len(points) > 1:
                self.p.setPen(self.pen(color, 1.1))
                self.p.setBrush(Qt.BrushStyle.NoBrush)
                self.p.drawPolyline(QPolygonF(points))
            for point in points:
                self.marker(shapes[key], point, color, 2.4 if key != "spo2" else 1.8)

    def _ratings(self) -> None:
        u, rect = self.u, self.ratings
        half = rect.height() / 2
        top = QRectF(rect.left(), rect.top(), rect.width(), half)
        self.text(QRectF(self.outer.left(), top.top(), self.label_w, half), "MOAA/S",
                  self.pal.muted)
        self.text(QRectF(self.outer.left(), top.bottom(), self.label_w, half), "Dissoc.",
                  self.pal.muted)
        self.p.setPen(self.pen(self.pal.grid, 0.4))
        self.p.drawLine(QPointF(rect.left(), top.bottom()), QPointF(rect.right(), top.bottom()))
        scores = [(self.entry_minute(o), int(o.values["score"]))
                  for o in self.r.of_kind(Kind.MOAAS)]
        pad = 3 * u

        def y_score(score: int) -> float:
            return top.bottom() - pad - score / 5 * (half - 2 * pad)

        points = [QPointF(self.x(m), y_score(s)) for m, s in scores]
        if len(points) > 1:
            self.p.setPen(self.pen(self.pal.moaas, 0.9))
            self.p.drawPolyline(QPolygonF(points))
        for point, (_m, score) in zip(points, scores, strict=True):
            color = self.pal.alert if score <= 3 else self.pal.moaas
            self.marker("circle", point, color, 2.4)
            self.text(QRectF(point.x() + 3 * u, point.y() - self.line_h / 2, 12 * u,
                             self.line_h), str(score), color)
        cy = top.bottom() + half / 2
        for obs in self.r.of_kind(Kind.DISSOCIATION):
            severity = str(obs.values["severity"])
            level = SEVERITIES.index(severity) if severity in SEVERITIES else 0
            x = self.x(self.entry_minute(obs))
            self.p.setPen(self.pen(self.pal.muted, 0.5))
            self.p.setBrush(QColor(self.pal.dissociation[level]))
            self.p.drawRect(QRectF(x - 3 * u, cy - 3 * u, 6 * u, 6 * u))
            self.text(QRectF(x + 4 * u, cy - self.line_h / 2, 50 * u, self.line_h),
                      severity, self.pal.text)
