"""The timeline chart paints the same on an image (the screen's case) as in the PDF."""

from dataclasses import replace

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from kapdesk.core.report import SessionReport
from kapdesk.core.session import State
from kapdesk.export.timeline import paint_timeline
from kapdesk.export.timeline_style import DARK, LIGHT, TimelinePalette


def _paint(report: SessionReport, palette: TimelinePalette, **kw: object) -> QImage:
    image = QImage(900, 420, QImage.Format.Format_RGB32)
    image.fill(QColor("#808080"))
    painter = QPainter(image)
    paint_timeline(painter, QRectF(0, 0, 900, 420), report, palette, **kw)  # type: ignore[arg-type]
    painter.end()
    return image


def _count(image: QImage, color: str, tolerance: int = 40) -> int:
    want = QColor(color)
    hits = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if (abs(c.red() - want.red()) + abs(c.green() - want.green())
                    + abs(c.blue() - want.blue())) < tolerance:
                hits += 1
    return hits


def test_light_and_dark_palettes_draw_every_series(signed: SessionReport) -> None:
    for palette in (LIGHT, DARK):
        image = _paint(signed, palette)
        assert image.pixelColor(2, 2) == QColor(palette.background)
        for name in ("systolic", "diastolic", "heart_rate", "spo2", "alert"):
            assert _count(image, getattr(palette, name)) > 5, (palette, name)


def test_painter_left_as_found_and_now_line(signed: SessionReport) -> None:
    image = QImage(600, 300, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setOpacity(0.5)
    paint_timeline(painter, QRectF(0, 0, 600, 300), signed, DARK, now_minute=40)
    assert painter.opacity() == 0.5 and not painter.hasClipping()
    painter.end()


def test_a_session_not_yet_dosed_or_empty_still_paints(signed: SessionReport) -> None:
    planned = replace(signed, t0=None, state=State.PLANNED, entries=(), alerts=(),
                      cue_events=(), plays=(), transitions=())
    image = _paint(planned, LIGHT)
    assert image.pixelColor(2, 2) == QColor(LIGHT.background)
    tiny = QImage(120, 60, QImage.Format.Format_RGB32)
    painter = QPainter(tiny)
    paint_timeline(painter, QRectF(0, 0, 120, 60), signed, LIGHT)  # cramped: no crash
    painter.end()
