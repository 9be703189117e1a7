"""The PDF course summary of one patient: courses, dose history with spacing, every session
with what was seen, and the integration notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from kapdesk.core.course_report import CourseReport
from kapdesk.core.deidentify import deidentify_course
from kapdesk.export.common import check_page_size, day_time, write_bytes
from kapdesk.export.pdf_layout import Cell, HeaderPainter, Layout, pdf_bytes


def course_pdf(course: CourseReport, path: Path, *, page_size: str = "a4",
               tz: tzinfo | None = None, deidentified: bool = False,
               printed_at: datetime | None = None,
               overwrite: bool = False) -> int:
    """Write the course summary to `path`; returns the number of pages."""
    size = check_page_size(page_size)
    if deidentified and not course.deidentified:
        course = deidentify_course(course)
    code = course.patient.code
    build = course_build(course, tz=tz, printed_at=printed_at)
    data, pages = pdf_bytes(size, f"Course summary {code}", build, False)
    write_bytes(path, data, overwrite=overwrite)
    return pages


def course_build(course: CourseReport, *, tz: tzinfo | None = None,
                 printed_at: datetime | None = None) -> Callable[[Layout], HeaderPainter]:
    """What draws the course summary on a page layout (a PDF, or a printer)."""
    code = course.patient.code

    def build(layout: Layout) -> HeaderPainter:
        _blocks(layout, course, tz)

        def header(p: QPainter, page: QRectF, number: int, total: int) -> None:
            layout.draw_text(p, 0, 0, course.clinic_name or "Clinic", "bold")
            right = f"Course summary · {code}"
            layout.draw_text(p, page.width() - layout.font("muted")[1].horizontalAdvance(right),
                             0, right, "muted")
            p.setPen(QPen(QColor("#9ca3af"), 0.6 * layout.pt))
            p.drawLine(QPointF(0, 28 * layout.pt), QPointF(page.width(), 28 * layout.pt))
            printed = f" · printed {day_time(printed_at, tz)}" if printed_at else ""
            layout.draw_text(p, 0, page.height() - 10 * layout.pt,
                             f"KAPdesk course summary{printed} · page {number} of {total}",
                             "muted")

        return header

    return build


def _blocks(layout: Layout, c: CourseReport, tz: tzinfo | None) -> None:
    p = c.patient
    layout.paragraph("Course summary", "title")
    who = (f"patient {p.code}" if c.deidentified or not p.name
           else f"patient {p.code} · {p.name}"
           + (f" · born {p.date_of_birth}" if p.date_of_birth else ""))
    layout.paragraph(f"{who} · {len(c.dosing)} dosing and {len(c.integration)} integration "
                     "sessions", "bold", space_pt=2)
    layout.heading("Courses")
    layout.table([("Started", 1), ("Protocol", 2), ("Planned dosing sessions", 1.5),
                  ("Status", 1)],
                 [[x.start_date, x.protocol_id, str(x.planned_sessions), x.status]
                  for x in c.courses], "No course planned.")
    layout.heading("Dose history and spacing")
    rows: list[list[Cell]] = []
    for d in c.doses:
        gap = f"{d.hours_since_previous:g} h" if d.hours_since_previous is not None else "first"
        rows.append([day_time(d.at, tz), d.drug or "-",
                     f"{d.dose_mg:g} mg" if d.dose_mg is not None else ("not recorded", "warn"),
                     gap, f"{d.in_window} in {c.window_days:g} days",
                     "yes" if d.integration_before else ("no", "muted") if d.hours_since_previous
                     is not None else "", d.spacing_reason])
    layout.table([("Dosed", 1.4), ("Drug", 1), ("Dose", 0.9), ("Since previous", 1),
                  ("Rolling window", 1.1), ("Integration between", 1), ("Spacing reason", 2)],
                 rows, "No dose given yet.")
    layout.heading("Sessions")
    layout.table([("When", 1.3), ("Session", 1.5), ("Dose", 0.8), ("Lowest MOAA/S", 0.8),
                  ("Dissociation", 0.9), ("Side effects", 1.8), ("Alerts", 0.6),
                  ("Signed", 0.6)],
                 [[day_time(s.when, tz), f"{s.protocol_name} (#{s.session_id}, {s.state})",
                   f"{s.dose_mg:g} mg" if s.dose_mg is not None else "-",
                   str(s.lowest_moaas) if s.lowest_moaas is not None else "-",
                   s.max_dissociation or "-", ", ".join(s.side_effects) or "-", str(s.alerts),
                   "yes" if s.signed else "-" if s.kind == "integration" else ("no", "warn")]
                  for s in c.sessions])
    layout.heading("Integration notes")
    if c.deidentified:
        layout.paragraph("Free text is left out of de-identified exports.", "muted",
                         space_pt=2)
        return
    if not c.integration:
        layout.paragraph("No integration session recorded.", "muted", space_pt=2)
    for s in c.integration:
        layout.paragraph(day_time(s.planned_at, tz), "label", space_pt=6)
        layout.paragraph(s.note or "(no note)", "body", indent_pt=8, space_pt=1)
