"""Exporting a session or a patient: load the record, write the format, audit the export.

The file goes exactly where the user chose (nothing is written anywhere else), readable
by its owner only, never over anything but a regular file and over an existing file only
when the request says so (`overwrite`: the CLI's --force, the window's confirmation). The
audit trail records that the export started (who, what, in which format, to where) before
anything is written, then that it finished or failed; a started export with neither was
killed, and left no temporary file behind once the next export ran.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kapdesk.core.clock import Clock
from kapdesk.core.errors import KapdeskError
from kapdesk.core.rems import RemsSetting
from kapdesk.export.common import (
    ExportExists,
    check_target,
    finish_on_terminate,
    what_is_there,
)
from kapdesk.export.csv_export import export_rows_csv, export_session_csv
from kapdesk.export.fhir import FhirSite, course_bundle, session_bundle
from kapdesk.export.json_export import course_document, export_json, session_document
from kapdesk.export.pdf import session_pdf
from kapdesk.export.pdf_course import course_pdf
from kapdesk.export.rems import rems_document, rems_pdf
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.outcomes import OutcomeStore
from kapdesk.store.reports import (
    load_course_report,
    load_session_report,
    observation_rows,
    record_export,
    session_ids,
)
from kapdesk.store.settings import SettingsStore

FORMATS = ("pdf", "csv", "json", "fhir", "rems")
SUFFIX = {"pdf": ".pdf", "csv": ".csv", "json": ".json", "fhir": ".json", "rems": ".pdf"}

__all__ = ["FORMATS", "SUFFIX", "ExportExists", "ExportRefused", "ExportRequest",
           "export_patient", "export_session", "finish_on_terminate", "what_is_there"]


class ExportRefused(KapdeskError):
    """The export cannot be made as asked (format, destination)."""


@dataclass(frozen=True)
class ExportRequest:
    fmt: str
    out: Path
    deidentified: bool = False
    page_size: str = "a4"
    overwrite: bool = False  # replace an existing regular file (--force, or confirmed)


def installation_id(settings: SettingsStore) -> str:
    """This installation's id (a UUID made once and kept in the settings): the root of
    every identifier system in the FHIR export, so an EHR can tell our rows apart."""
    current = settings.get("installation_id")
    if current is None:
        made = str(uuid.uuid4())
        settings.set("installation_id", made)
        return made
    try:
        return str(uuid.UUID(str(current)))
    except ValueError:
        # a new id would make every identifier new: an EHR would then hold two of each
        raise ExportRefused(f"The installation id in the settings ({str(current)[:40]!r}) is "
                            "not a UUID: restore it from a backup before a FHIR export, or "
                            "the EHR will take every record for a new one.") from None


def _text_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str | int | float)}


def rems_setting(db: Database) -> RemsSetting:
    """The healthcare setting (`rems_setting`: name, address1, address2, city, state, zip)
    and the providers' contacts (`provider_contacts`: display name -> phone, email)."""
    settings = SettingsStore(db)
    fields = _text_map(settings.get("rems_setting"))
    contacts = settings.get("provider_contacts")
    return RemsSetting(
        **{k: fields.get(k, "") for k in ("name", "address1", "address2", "city", "state",
                                            "zip")},
        contacts={str(name): _text_map(c) for name, c in contacts.items()}
        if isinstance(contacts, dict) else {})


def fhir_site(db: Database, clinic_name: str) -> FhirSite:
    """The installation and the clinic as the settings hold them (docs/exports.md)."""
    settings = SettingsStore(db)
    codes = _text_map(settings.get("fhir_rxnorm"))
    rems = rems_setting(db)
    town = " ".join(p for p in (rems.city, rems.state, rems.zip) if p.strip())
    address = "\n".join(p for p in (rems.address1, rems.address2, town) if p.strip())
    return FhirSite(installation_id(settings), clinic_name, address=address,
                    phone=str(settings.get("clinic_phone") or ""),
                    email=str(settings.get("clinic_email") or ""),
                    setting_name=rems.name,
                    rxnorm={k.strip().lower(): v.strip() for k, v in codes.items()
                            if v.strip().isdigit()})


def _measures(db: Database, clock: Clock, code: str) -> list[Any]:
    return OutcomeStore(db, clock, AuditTrail(db, clock)).all(code)


def _check(request: ExportRequest) -> None:
    if request.fmt not in FORMATS:
        raise ExportRefused(f"Unknown format '{request.fmt}' (use one of: "
                            f"{', '.join(FORMATS)}).")
    folder = request.out.parent
    if not folder.is_dir():
        raise ExportRefused(f"The folder {folder} does not exist: choose where the export "
                            "should go.")
    check_target(request.out, request.overwrite)
    if not os.access(folder, os.W_OK) or (request.out.exists()
                                          and not os.access(request.out, os.W_OK)):
        raise ExportRefused(f"{request.out} cannot be written (permission denied).")


def _audited(db: Database, clock: Clock, user_id: int | None, request: ExportRequest,
             write: Callable[[], None], **of: Any) -> Path:
    """Audit the start, write, audit the outcome (finished, or failed with the reason)."""
    out = request.out
    started = record_export(db, clock, user_id, request.fmt, str(out),
                            deidentified=request.deidentified, action="export_started",
                            extra={"overwrite": request.overwrite}, **of)
    try:
        write()
    except BaseException as exc:
        words = str(exc) if isinstance(exc, KapdeskError) else type(exc).__name__
        record_export(db, clock, user_id, request.fmt, str(out),
                      deidentified=request.deidentified, action="export_failed",
                      extra={"started": started, "error": words}, **of)
        raise
    record_export(db, clock, user_id, request.fmt, str(out),
                  deidentified=request.deidentified, extra={"started": started}, **of)
    return out


def export_session(db: Database, clock: Clock, user_id: int | None, session_id: int,
                   request: ExportRequest, clinic_name: str) -> Path:
    _check(request)
    report = load_session_report(db, session_id, clinic_name)
    deid, out, force = request.deidentified, request.out, request.overwrite
    if request.fmt == "rems" and report.protocol.drug != "esketamine":
        raise ExportRefused(f"Session {session_id} is not an esketamine session: it has "
                            "no REMS monitoring form.")

    def write() -> None:
        if request.fmt == "pdf":
            session_pdf(report, out, page_size=request.page_size, deidentified=deid,
                        printed_at=clock.now(), overwrite=force)
        elif request.fmt == "csv":
            export_session_csv(report, out, deidentified=deid, overwrite=force)
        elif request.fmt == "json":
            export_json(session_document(report, clock.now(), deidentified=deid), out,
                        overwrite=force)
        elif request.fmt == "fhir":
            export_json(session_bundle(report, clock.now(), fhir_site(db, clinic_name),
                                       deidentified=deid,
                                       measures=_measures(db, clock, report.patient.code)),
                        out, overwrite=force)
        elif out.suffix.lower() == ".json":
            export_json(rems_document(report, clock.now(), deidentified=deid,
                                      setting=rems_setting(db)), out, overwrite=force)
        else:
            rems_pdf(report, out, page_size=request.page_size, deidentified=deid,
                     setting=rems_setting(db), overwrite=force)

    return _audited(db, clock, user_id, request, write, session_id=session_id)


def export_patient(db: Database, clock: Clock, user_id: int | None, patient_code: str,
                   request: ExportRequest, clinic_name: str) -> Path:
    _check(request)
    if request.fmt == "rems":
        raise ExportRefused("The REMS form is made per session: use --session.")
    deid, out, force = request.deidentified, request.out, request.overwrite
    course = load_course_report(db, patient_code, clinic_name)

    def write() -> None:
        if request.fmt == "pdf":
            course_pdf(course, out, page_size=request.page_size, deidentified=deid,
                       overwrite=force)
        elif request.fmt == "csv":
            export_rows_csv(observation_rows(db, patient_code=patient_code,
                                             deidentified=deid), out, overwrite=force)
        else:
            reports = [load_session_report(db, sid, clinic_name)
                       for sid in session_ids(db, patient_code)]
            document = (course_document(course, reports, clock.now(), deidentified=deid)
                        if request.fmt == "json"
                        else course_bundle(reports, clock.now(), fhir_site(db, clinic_name),
                                           patient_code=course.patient.code,
                                           deidentified=deid,
                                           measures=_measures(db, clock, patient_code)))
            export_json(document, out, overwrite=force)

    return _audited(db, clock, user_id, request, write, patient_code=patient_code)
