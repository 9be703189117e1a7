"""Printing a session's note or REMS form, or a patient's course summary: load the record,
paint it on the printer the user chose (kapdesk.export.printing), audit it ("print": who
printed what, on which printer or into which file). The window and any later command call
these, like the exports."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter

from kapdesk.core.clock import Clock
from kapdesk.export.printing import (
    PRINTABLE,
    print_course,
    print_rems_form,
    print_session_note,
)
from kapdesk.services.exports import ExportRefused, rems_setting
from kapdesk.store.connection import Database
from kapdesk.store.reports import load_course_report, load_session_report, record_export


def _where(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return f"PDF file {printer.outputFileName()}"
    return f"printer {printer.printerName() or '(default)'}"


def print_session(db: Database, clock: Clock, user_id: int | None, session_id: int,
                  what: str, printer: QPrinter, clinic_name: str) -> int:
    """Print the note ("note") or the REMS form ("rems") of one session; its pages."""
    if what not in PRINTABLE or what == "course":
        raise ExportRefused(f"'{what}' cannot be printed for a session: choose the note or "
                            "the REMS form.")
    report = load_session_report(db, session_id, clinic_name)
    if what == "rems":
        if report.protocol.drug != "esketamine":
            raise ExportRefused(f"Session {session_id} is not an esketamine session: it has "
                                "no REMS monitoring form.")
        pages = print_rems_form(report, printer, setting=rems_setting(db))
    else:
        pages = print_session_note(report, printer, printed_at=clock.now())
    record_export(db, clock, user_id, what, _where(printer), session_id=session_id,
                  action="print", extra={"pages": pages})
    return pages


def print_patient(db: Database, clock: Clock, user_id: int | None, patient_code: str,
                  printer: QPrinter, clinic_name: str) -> int:
    """Print a patient's course summary; its pages."""
    course = load_course_report(db, patient_code, clinic_name)
    pages = print_course(course, printer, printed_at=clock.now())
    record_export(db, clock, user_id, "course", _where(printer), patient_code=patient_code,
                  action="print", extra={"pages": pages})
    return pages
