"""Printing the session note, the course summary and the REMS form on a QPrinter, with the
very drawing code of their PDFs (kapdesk.export.pdf, pdf_course, rems): the page size,
orientation and margins are the printer's. The only export module that loads
QtPrintSupport (and with it QtWidgets), so `kapdesk export` stays window-free."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from PySide6.QtPrintSupport import QPrinter

from kapdesk.core.course_report import CourseReport
from kapdesk.core.rems import RemsSetting
from kapdesk.core.report import SessionReport
from kapdesk.export.pdf import session_build
from kapdesk.export.pdf_course import course_build
from kapdesk.export.pdf_layout import HeaderPainter, Layout, gui_app, render
from kapdesk.export.rems import rems_build

PRINTABLE = ("note", "rems", "course")


def print_document(printer: QPrinter, build: Callable[[Layout], HeaderPainter],
                   draft: bool, title: str) -> int:
    """Paint a document on `printer`; returns the number of pages."""
    gui_app()
    printer.setDocName(title)
    printer.setCreator("KAPdesk")
    layout = Layout(printer)
    return render(layout, build(layout), draft)


def print_session_note(report: SessionReport, printer: QPrinter, *, tz: tzinfo | None = None,
                       printed_at: datetime | None = None) -> int:
    return print_document(printer, session_build(report, tz=tz, printed_at=printed_at),
                          not report.signed, f"Session note {report.patient.code}")


def print_rems_form(report: SessionReport, printer: QPrinter, *, tz: tzinfo | None = None,
                    setting: RemsSetting | None = None) -> int:
    return print_document(printer, rems_build(report, tz=tz, setting=setting),
                          not report.signed, f"REMS monitoring form {report.patient.code}")


def print_course(course: CourseReport, printer: QPrinter, *, tz: tzinfo | None = None,
                 printed_at: datetime | None = None) -> int:
    return print_document(printer, course_build(course, tz=tz, printed_at=printed_at), False,
                          f"Course summary {course.patient.code}")
