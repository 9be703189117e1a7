"""Drawing in points on any paint device: pens, elided text and small markers."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF


class Pencil:
    """Sizes in points, whatever the device's resolution (a 96 dpi screen, a 300 dpi page)."""

    def __init__(self, painter: QPainter, font_pt: float) -> None:
        self.p = painter
        self.u = painter.device().logicalDpiY() / 72.0  # device units per point
        self.font = QFont(painter.font())
        self.font.setPointSizeF(font_pt)
        self.font.setFeature(QFont.Tag("liga"), 0)  # keeps "fi" as two letters in a PDF
        self.fm = QFontMetricsF(self.font, painter.device())
        self.line_h = self.fm.height()

    # -- drawing helpers ---------------------------------------------------------------

    def pen(self, color: str | QColor, width_pt: float = 0.8,
            style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
        pen = QPen(QColor(color))
        pen.setWidthF(width_pt * self.u)
        pen.setStyle(style)
        return pen

    def text(self, rect: QRectF, words: str, color: str,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        self.p.setFont(self.font)
        self.p.setPen(QColor(color))
        elided = self.fm.elidedText(words, Qt.TextElideMode.ElideRight, rect.width())
        self.p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), elided)

    def marker(self, shape: str, center: QPointF, color: str, size_pt: float = 3.2,
               filled: bool = True) -> None:
        s = size_pt * self.u
        cx, cy = center.x(), center.y()
        self.p.setPen(self.pen(color, 0.7))
        self.p.setBrush(QBrush(QColor(color)) if filled else Qt.BrushStyle.NoBrush)
        if shape == "circle":
            self.p.drawEllipse(center, s * 0.8, s * 0.8)
        elif shape == "square":
            self.p.drawRect(QRectF(cx - s, cy - s, 2 * s, 2 * s))
        else:
            points = {"down": [(-s, -s), (s, -s), (0, s)], "up": [(-s, s), (s, s), (0, -s)],
                      "diamond": [(0, -s), (s, 0), (0, s), (-s, 0)]}[shape]
            self.p.drawPolygon(QPolygonF([QPointF(cx + dx, cy + dy) for dx, dy in points]))

