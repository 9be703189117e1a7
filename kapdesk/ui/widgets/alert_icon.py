"""The alert's icon: a steady warning triangle with "!", drawn in the alert's colour (no
image files, sharp at any scale). Urgent alerts get a filled triangle."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap, QPolygonF


def alert_pixmap(colour: str, size: int, filled: bool, ratio: float = 1.0) -> QPixmap:
    """A `size` px (logical) icon for a screen of device pixel ratio `ratio`."""
    device = max(1, round(size * ratio))
    pixmap = QPixmap(device, device)
    pixmap.fill(Qt.GlobalColor.transparent)
    pixmap.setDevicePixelRatio(ratio)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = QColor(colour)
    pen = QPen(ink, max(1.5, size / 12))
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    pad = size * 0.08
    triangle = QPolygonF([QPointF(size / 2, pad), QPointF(size - pad, size - pad),
                          QPointF(pad, size - pad)])
    if filled:
        painter.setBrush(ink)
    painter.drawPolygon(triangle)
    font = QFont()
    font.setPixelSize(max(6, int(size * 0.58)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#000000") if filled else ink)
    box = QRectF(0, size * 0.2, size, size * 0.8)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), "!")
    painter.end()
    return pixmap
