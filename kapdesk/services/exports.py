"""Exporting a session or a patient: load the record, write the format, audit the export.

The file goes exactly where the user chose (nothing is written anywhere else), readable
by its owner only; the audit trail records who exported what, in which format, to where.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kapdesk.core.clock import Clock
from kapdesk.core.errors import KapdeskError
from kapdesk.export.csv_export import export_rows_csv, export_session_csv
from kapdesk.export.fhir import course_bundle, session_bundle
from kapdesk.export.json_export import course_document, export_json, session_document
from kapdesk.export.pdf import session_pdf
from kapdesk.export.pdf_course import course_pdf
from kapdesk.export.rems import rems_document, rems_pdf
from kapdesk.store.connection import Database
from kapdesk.store.reports import (
    load_course_report,
    load_session_report,
    observation_rows,
    record_export,
    session_ids,
)

FORMATS = ("pdf", "csv", "json", "fhir", "rems")
SUFFIX = {"pdf": ".pdf", "csv": ".csv", "json": ".json", "fhir": ".json", "rems": ".pdf"}


class ExportRefused(KapdeskError):
    """The export cannot be made as asked (format, destination)."""


@dataclass(frozen=True)
class ExportRequest:
    fmt: str
    out: Path
    deidentified: bool = False
    page_size: str = "a4"


def _check(request: ExportRequest) -> None:
    if request.fmt not in FORMATS:
        raise ExportRefused(f"Unknown format '{request.fmt}' (use one of: "
                            f"{', '.join(FORMATS)}).")
    folder = request.out.parent
    if not folder.is_dir():
        raise ExportRefused(f"The folder {folder} does not exist: choose where the export "
                            "should go.")
    if not os.access(folder, os.W_OK) or (request.out.exists()
                                          and not os.access(request.out, os.W_OK)):
        raise ExportRefused(f"{request.out} cannot be written (permission denied).")


def _owner_only(path: Path) -> Path:
    if os.name == "posix" and path.exists():
        os.chmod(path, 0o600)
    return path


def export_session(db: Database, clock: Clock, user_id: int | None, session_id: int,
                   request: ExportRequest, clinic_name: str) -> Path:
    _check(request)
    report = load_session_report(db, session_id, clinic_name)
    deid, out = request.deidentified, request.out
    if request.fmt == "pdf":
        session_pdf(report, out, page_size=request.page_size, deidentified=deid,
                    printed_at=clock.now())
    elif request.fmt == "csv":
        export_session_csv(report, out, deidentified=deid)
    elif request.fmt == "json":
        export_json(session_document(report, clock.now(), deidentified=deid), out)
    elif request.fmt == "fhir":
        export_json(session_bundle(report, clock.now(), deidentified=deid), out)
    else:
        if report.protocol.drug != "esketamine":
            raise ExportRefused(f"Session {session_id} is not an esketamine session: it has "
                                "no REMS monitoring form.")
        if out.suffix.lower() == ".json":
            export_json(rems_document(report, clock.now(), deidentified=deid), out)
        else:
            rems_pdf(report, out, page_size=request.page_size, deidentified=deid)
    record_export(db, clock, user_id, request.fmt, str(out), session_id=session_id,
                  deidentified=deid)
    return _owner_only(out)


def export_patient(db: Database, clock: Clock, user_id: int | None, patient_code: str,
                   request: ExportRequest, clinic_name: str) -> Path:
    _check(request)
    deid, out = request.deidentified, request.out
    course = load_course_report(db, patient_code, clinic_name)
    if request.fmt == "pdf":
        course_pdf(course, out, page_size=request.page_size, deidentified=deid)
    elif request.fmt == "csv":
        export_rows_csv(observation_rows(db, patient_code=patient_code, deidentified=deid),
                        out)
    elif request.fmt in ("json", "fhir"):
        reports = [load_session_report(db, sid, clinic_name)
                   for sid in session_ids(db, patient_code)]
        document = (course_document(course, reports, clock.now(), deidentified=deid)
                    if request.fmt == "json"
                    else course_bundle(reports, clock.now(), deidentified=deid))
        export_json(document, out)
    else:
        raise ExportRefused("The REMS form is made per session: use --session.")
    record_export(db, clock, user_id, request.fmt, str(out), patient_code=patient_code,
                  deidentified=deid)
    return _owner_only(out)
