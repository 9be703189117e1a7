"""The esketamine REMS Patient Monitoring Form filled from the record
(kapdesk.core.rems, item by item), as JSON and as a one-page PDF, for the clinician to
transcribe or submit within 7 days.

Nothing is guessed: an item the record cannot fill says "not recorded" and is listed under
`missing`; what KAPdesk never records (sex) says "complete on the form".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from kapdesk.core.deidentify import deidentify
from kapdesk.core.rems import REMS_PROTOCOL, RemsForm, RemsSetting, fill, us_date
from kapdesk.core.report import SessionReport
from kapdesk.export.common import ExportError, check_page_size, t_plus, utc_iso, write_bytes
from kapdesk.export.pdf_layout import DRAFT_TEXT, HeaderPainter, Layout, pdf_bytes

CLASSES = {  # medicine classes the form asks about, by (lower-case) name fragments
    "benzodiazepines": ("lorazepam", "midazolam", "diazepam", "alprazolam", "clonazepam",
                        "temazepam", "oxazepam", "chlordiazepoxide"),
    "sedatives": ("zolpidem", "zopiclone", "eszopiclone", "promethazine", "hydroxyzine",
                  "diphenhydramine", "quetiapine", "trazodone"),
    "psychostimulants": ("methylphenidate", "amfetamine", "amphetamine", "lisdexamfetamine",
                         "dexamfetamine", "modafinil", "armodafinil"),
    "MAOIs": ("phenelzine", "tranylcypromine", "isocarboxazid", "selegiline", "moclobemide"),
    "opioids": ("morphine", "fentanyl", "oxycodone", "hydromorphone", "codeine", "tramadol",
                "buprenorphine", "methadone", "tapentadol"),
}
# 2: the form item by item (version 1 was a flat summary with ISO dates)
REMS_FORMAT_VERSION = 2
NOT_RECORDED = "not recorded"
BY_HAND = "complete on the form (KAPdesk does not record it)"


def given_in_room(report: SessionReport) -> dict[str, str]:
    """Medicines of the form's classes given during the session, class by class."""
    m = report.minute_of_entry  # session time: right across clock changes
    out: dict[str, str] = {}
    for cls, names in CLASSES.items():
        found = [f"{o.values['drug']} {o.values['dose_mg']:g} mg ({t_plus(m(o))})"
                 for o in report.medications if any(n in str(o.values["drug"]).lower()
                                                    for n in names)]
        out[cls] = ", ".join(found) or "none given during the session"
    return out


def rems_form(report: SessionReport, setting: RemsSetting | None = None,
              tz: tzinfo | None = None) -> RemsForm:
    if report.protocol.id != REMS_PROTOCOL:
        raise ExportError(f"Session {report.session_id} is not an esketamine nasal spray "
                          "session: the REMS form is for those only.")
    return fill(report, setting or RemsSetting(), tz, given_in_room(report))


def rems_document(report: SessionReport, exported_at: datetime | None = None, *,
                  tz: tzinfo | None = None, deidentified: bool = False,
                  setting: RemsSetting | None = None) -> dict[str, Any]:
    if deidentified and not report.deidentified:
        report = deidentify(report)
    form = rems_form(report, setting, tz)
    return {"format_version": REMS_FORMAT_VERSION, "type": "kapdesk.rems_form",
            "exported_at": utc_iso(exported_at), "clinic": report.clinic_name,
            "session_id": form.session_id, "patient_code": form.patient_code,
            "signed": form.signed, "due_by": us_date(form.due_by, tz),
            "items": [{"key": i.key, "section": i.section, "label": i.label,
                       "value": i.value, "missing": i.missing, "by_hand": i.by_hand}
                      for i in form.items],
            "fields": {i.key: i.value for i in form.items},
            "missing": list(form.missing), "complete_by_hand": list(form.by_hand),
            "given_in_room": dict(form.given_in_room)}


def rems_build(report: SessionReport, *, tz: tzinfo | None = None,
               setting: RemsSetting | None = None) -> Callable[[Layout], HeaderPainter]:
    """What draws the form on a page layout (a PDF, or a printer)."""
    form = rems_form(report, setting, tz)

    def build(layout: Layout) -> HeaderPainter:
        _page(layout, form, tz)

        def header(p: QPainter, page: QRectF, number: int, total: int) -> None:
            layout.draw_text(p, 0, 0, report.clinic_name or "Clinic", "bold")
            if not form.signed:
                layout.draw_text(p, page.width() / 2 - 50 * layout.pt, 12 * layout.pt,
                                 DRAFT_TEXT, "draft")
            p.setPen(QPen(QColor("#9ca3af"), 0.6 * layout.pt))
            p.drawLine(QPointF(0, 28 * layout.pt), QPointF(page.width(), 28 * layout.pt))
            layout.draw_text(p, 0, page.height() - 10 * layout.pt,
                             f"KAPdesk REMS form · session {form.session_id} · page {number} "
                             f"of {total}", "muted")

        return header

    return build


def rems_pdf(report: SessionReport, path: Path, *, page_size: str = "a4",
             tz: tzinfo | None = None, deidentified: bool = False,
             setting: RemsSetting | None = None, overwrite: bool = False) -> int:
    if deidentified and not report.deidentified:
        report = deidentify(report)
    page_size = check_page_size(page_size)
    data, pages = pdf_bytes(page_size, f"REMS monitoring form {report.patient.code}",
                            rems_build(report, tz=tz, setting=setting), not report.signed)
    write_bytes(path, data, overwrite=overwrite)
    return pages


def _page(layout: Layout, form: RemsForm, tz: tzinfo | None) -> None:
    layout.paragraph("SPRAVATO REMS: Patient Monitoring Form", "title")
    due = us_date(form.due_by, tz) or "-"
    layout.paragraph(f"Filled from the KAPdesk record of session {form.session_id} (patient "
                     f"{form.patient_code}). Submit by {due}.", "muted", space_pt=3)
    rows: list[list[Any]] = []
    section = ""
    for item in form.items:
        if item.section != section:
            section = item.section
            rows.append([(section, "head"), ""])
        text = item.value if item.value is not None else (BY_HAND if item.by_hand
                                                          else NOT_RECORDED)
        style = "warn" if item.value is None else "body"
        rows.append([(item.label, "label"), (text or "-", style)])
    given = [f"{cls}: {text}" for cls, text in form.given_in_room.items()
             if not text.startswith("none")]
    rows.append([("Given during the session (the form's classes and opioids)", "label"),
                 "; ".join(given) or "none"])
    layout.table([("Item", 2.2), ("From the record", 3.3)], rows)
    if form.missing:
        layout.paragraph("Not in the record (complete by hand): " + ", ".join(form.missing),
                         "alert", space_pt=6)
    layout.paragraph("Concomitant medicines are the patient's own, as answered at screening; "
                     "the record of the room shows only what was given there.", "small",
                     space_pt=4)
