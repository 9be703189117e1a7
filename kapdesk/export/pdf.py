"""The PDF session note for the chart (A4 or Letter), written with Qt's QPdfWriter.

Clinic and clinicians, patient, date and protocol, screening, dose, the timeline chart,
tables of vitals, ratings, side effects and medicines, alerts, cues, music, the note and
its amendments, corrections beside what they replaced, discharge, and the signature. An
unsigned session says "DRAFT - not signed" on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from kapdesk.core.deidentify import deidentify
from kapdesk.core.report import SessionReport
from kapdesk.export.common import check_page_size, day_time, write_bytes, zone_label
from kapdesk.export.pdf_layout import DRAFT_TEXT, Block, HeaderPainter, Layout, pdf_bytes
from kapdesk.export.pdf_sections import Sections
from kapdesk.export.timeline import paint_timeline

CHART_HEIGHT_PT = 250


def session_pdf_bytes(report: SessionReport, *, page_size: str = "a4",
                      tz: tzinfo | None = None, deidentified: bool = False,
                      printed_at: datetime | None = None) -> tuple[bytes, int]:
    """The session note as PDF bytes, and its number of pages."""
    size = check_page_size(page_size)
    if deidentified and not report.deidentified:
        report = deidentify(report)
    return pdf_bytes(size, f"Session note {report.patient.code}",
                     session_build(report, tz=tz, printed_at=printed_at), not report.signed)


def session_build(report: SessionReport, *, tz: tzinfo | None = None,
                  printed_at: datetime | None = None) -> Callable[[Layout], HeaderPainter]:
    """What draws the note on a page layout (a PDF, or a printer)."""
    def build(layout: Layout) -> HeaderPainter:
        _session_blocks(layout, report, tz)
        return _header(layout, report, tz, printed_at)

    return build


def session_pdf(report: SessionReport, path: Path, *, page_size: str = "a4",
                tz: tzinfo | None = None, deidentified: bool = False,
                printed_at: datetime | None = None,
                overwrite: bool = False) -> int:
    """Write the session note to `path` (and nothing anywhere else); returns its pages."""
    data, pages = session_pdf_bytes(report, page_size=page_size, tz=tz,
                                    deidentified=deidentified, printed_at=printed_at)
    write_bytes(path, data, overwrite=overwrite)
    return pages


def _session_blocks(layout: Layout, r: SessionReport, tz: tzinfo | None) -> None:
    s = Sections(layout, r, tz)
    layout.paragraph("Session note", "title")
    when = r.t0 or r.planned_at
    layout.paragraph(f"{r.protocol.name} · patient {r.patient.code} · "
                     f"{day_time(when, tz)[:10]}", "bold", space_pt=2)
    if not r.signed:
        layout.paragraph(f"{DRAFT_TEXT}: this note has not been reviewed and signed.",
                         "alert", space_pt=4)
    s.facts()
    s.screening()
    s.doses()
    layout.heading("Session timeline")
    layout.add(Block(CHART_HEIGHT_PT * layout.pt,
                     lambda p, rect: paint_timeline(p, rect, r, font_pt=6.5),
                     space_before=4 * layout.pt))
    axis = ("Minutes since the dose (T0)." if r.t0 else
            "No dose recorded: minutes since the session was planned.")
    layout.paragraph(f"{axis} Times in this note: {zone_label(when, tz)}.", "small",
                     space_pt=2)
    s.vitals()
    s.ratings()
    s.effects_and_medicines()
    s.alerts()
    s.cues()
    s.music()
    s.notes()
    s.revisions()
    s.discharge()
    s.history()
    s.signature()


def _header(layout: Layout, r: SessionReport, tz: tzinfo | None,
            printed_at: datetime | None) -> HeaderPainter:
    pt = layout.pt
    when = day_time(r.t0 or r.planned_at, tz)[:10]

    def paint(p: QPainter, page: QRectF, number: int, total: int) -> None:
        layout.draw_text(p, 0, 0, r.clinic_name or "Clinic", "bold")
        right = f"Session note · {r.patient.code} · {when} · session {r.session_id}"
        _font, fm = layout.font("muted")
        layout.draw_text(p, page.width() - fm.horizontalAdvance(right), 0, right, "muted")
        if not r.signed:
            _f, dfm = layout.font("draft")
            layout.draw_text(p, (page.width() - dfm.horizontalAdvance(DRAFT_TEXT)) / 2,
                             12 * pt, DRAFT_TEXT, "draft")
        p.setPen(QPen(QColor("#9ca3af"), 0.6 * pt))
        p.drawLine(QPointF(0, 28 * pt), QPointF(page.width(), 28 * pt))
        foot_y = page.height() - 10 * pt
        p.drawLine(QPointF(0, foot_y - 3 * pt), QPointF(page.width(), foot_y - 3 * pt))
        left = "KAPdesk session note" + (" · de-identified" if r.deidentified else "")
        if printed_at is not None:
            left += f" · printed {day_time(printed_at, tz)}"
        if r.audit_head is not None:  # the chain's head, anchored on paper
            left += f" · audit row {r.audit_head[0]} {r.audit_head[1][:16]}"
        layout.draw_text(p, 0, foot_y, left, "muted")
        pages = f"Page {number} of {total}"
        layout.draw_text(p, page.width() - fm.horizontalAdvance(pages), foot_y, pages, "muted")

    return paint
