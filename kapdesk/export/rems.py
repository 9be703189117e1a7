"""The esketamine REMS patient monitoring summary: the form's fields (DOMAIN.md) filled from
the record, as JSON and as a one-page PDF, for the clinician to transcribe within 7 days.

Nothing is guessed: a field the record cannot fill says so and is listed under `missing`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from kapdesk.core.deidentify import deidentify
from kapdesk.core.observations import SEVERITIES, Kind, Observation
from kapdesk.core.report import SessionReport
from kapdesk.export.common import (
    ExportError,
    check_page_size,
    day_time,
    t_plus,
    utc_iso,
    write_bytes,
)
from kapdesk.export.json_export import FORMAT_VERSION, plain
from kapdesk.export.pdf_layout import DRAFT_TEXT, HeaderPainter, Layout, pdf_bytes

REMS_PROTOCOL = "esketamine-nasal"
DUE_DAYS = 7
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


@dataclass(frozen=True)
class RemsSummary:
    session_id: int
    patient_code: str
    treatment_date: str
    dose: str  # "56 mg", "84 mg" or "other: N mg"
    devices: int
    lots: tuple[str, ...]
    concomitant_reviewed: str  # from the screening checklist
    concomitant_given: dict[str, str]  # class -> what the session record shows
    monitoring_minutes: float | None
    ready_to_leave: str  # when the patient would have been ready without the 2-hour rule
    vitals_ok_before_dosing: str
    vitals_ok_before_completion: str
    bp_predose: str
    bp_40_min: str
    bp_end: str
    sedation: str
    dissociation: str
    respiratory_depression: str
    due_by: datetime | None
    signed: bool
    missing: tuple[str, ...]


def _bp(report: SessionReport, obs: Observation | None) -> str:
    if obs is None:
        return "not recorded"
    v = obs.values
    minute = t_plus(report.minute_of(obs.observed_at))
    return f"{v['systolic']:g}/{v['diastolic']:g} mmHg ({minute})"


def _ok(report: SessionReport, obs: Observation | None) -> str:
    if obs is None:
        return "not recorded"
    alerts = [a.message for a in report.alerts_for(obs.id)]
    return "no: " + "; ".join(alerts) if alerts else "yes"


def summarise(report: SessionReport, tz: tzinfo | None = None) -> RemsSummary:
    if report.protocol.id != REMS_PROTOCOL:
        raise ExportError(f"Session {report.session_id} is not an esketamine nasal spray "
                          "session: the REMS summary is for those only.")
    m = report.minute_of_entry
    bp = [o for o in report.vitals if "systolic" in o.values]
    pre = [o for o in bp if report.t0 and m(o) < 0]
    post = [o for o in bp if report.t0 and m(o) >= 0]
    near_40 = [o for o in post if 30 <= m(o) <= 55]
    bp40 = min(near_40, key=lambda o: abs(m(o) - 40), default=None)
    end_at = report.discharged_at or datetime.max.replace(tzinfo=report.planned_at.tzinfo)
    before_end = [o for o in report.vitals if o.observed_at <= end_at]
    total = report.total_dose_mg
    dose = ("not recorded" if not report.doses else f"{total:g} mg" if total in (56, 84)
            else f"other: {total:g} mg")
    d = report.discharge
    screening = report.screening
    reviewed = "not recorded"
    if screening is not None:
        items = {k: v for k, v in screening.values["items"].items()
                 if "medicine" in k.lower() or "concomitant" in k.lower()}
        reviewed = ("yes" if all(items.values()) else "no") if items else "not on the checklist"
    given: dict[str, str] = {}
    for cls, names in CLASSES.items():
        found = [f"{o.values['drug']} {o.values['dose_mg']:g} mg ({t_plus(m(o))})"
                 for o in report.medications if any(n in str(o.values["drug"]).lower()
                                                    for n in names)]
        given[cls] = ", ".join(found) or "none given during the session"
    summary = RemsSummary(
        session_id=report.session_id, patient_code=report.patient.code,
        treatment_date=day_time(report.t0 or report.planned_at, tz)[:10], dose=dose,
        devices=len(report.doses),
        lots=tuple(dict.fromkeys(str(o.values["lot"]) for o in report.doses
                                 if o.values.get("lot"))),
        concomitant_reviewed=reviewed, concomitant_given=given,
        monitoring_minutes=d.monitoring_minutes if d else None,
        ready_to_leave=(f"{day_time(d.ready_at, tz)} ({t_plus(report.minute_of(d.ready_at))})"
                        if d and d.ready_at else "not recorded"),
        vitals_ok_before_dosing=_ok(report, pre[-1] if pre else None),
        vitals_ok_before_completion=_ok(report, before_end[-1] if post and before_end
                                        else None),
        bp_predose=_bp(report, pre[-1] if pre else None), bp_40_min=_bp(report, bp40),
        bp_end=_bp(report, post[-1] if len(post) > 1 else None),
        sedation=_sedation(report), dissociation=_dissociation(report),
        respiratory_depression=_breathing(report),
        due_by=report.t0 + timedelta(days=DUE_DAYS) if report.t0 else None,
        signed=report.signed, missing=())
    missing = tuple(k for k, v in plain(summary).items()
                    if v in ("not recorded", "not on the checklist", None)
                    and k not in ("missing", "due_by"))
    return replace(summary, missing=missing)


def _sedation(r: SessionReport) -> str:
    scores = [(o, int(o.values["score"])) for o in r.of_kind(Kind.MOAAS)]
    if not scores:
        return "not recorded"
    low, worst = min(scores, key=lambda s: s[1])
    if worst >= 5:
        return f"no (MOAA/S 5 at all {len(scores)} assessments)"
    last, score = scores[-1]
    return (f"yes: lowest MOAA/S {worst} at {t_plus(r.minute_of(low.observed_at))}; "
            f"last MOAA/S {score} at {t_plus(r.minute_of(last.observed_at))}")


def _dissociation(r: SessionReport) -> str:
    rated = [(o, str(o.values["severity"])) for o in r.of_kind(Kind.DISSOCIATION)]
    if not rated:
        return "not recorded"
    worst = max(rated, key=lambda s: SEVERITIES.index(s[1]))
    if worst[1] == "none":
        return f"no (none at all {len(rated)} assessments)"
    return (f"yes: {worst[1]} at {t_plus(r.minute_of(worst[0].observed_at))}; last "
            f"{rated[-1][1]} at {t_plus(r.minute_of(rated[-1][0].observed_at))}")


def _breathing(r: SessionReport) -> str:
    spo2 = [float(o.values["spo2"]) for o in r.vitals if "spo2" in o.values]
    rr = [float(o.values["resp_rate"]) for o in r.vitals if "resp_rate" in o.values]
    if not spo2 and not rr:
        return "not recorded"
    flagged = [a.message for a in r.alerts
               if a.rule in ("spo2_low", "spo2_hypoxia", "slow_breathing")]
    seen = ", ".join(part for part in (f"lowest SpO2 {min(spo2):g}%" if spo2 else "",
                                       f"lowest RR {min(rr):g}/min" if rr else "") if part)
    return f"yes: {'; '.join(flagged)}" if flagged else f"no ({seen})"


FIELDS = (
    ("patient_code", "Patient"), ("treatment_date", "Treatment date"), ("dose", "Dose"),
    ("devices", "Devices used"), ("lots", "Lot number(s)"),
    ("concomitant_reviewed", "Concomitant medicines reviewed at screening"),
    ("monitoring_minutes", "Total monitoring time (minutes)"),
    ("ready_to_leave", "Ready to leave without the 2-hour rule"),
    ("vitals_ok_before_dosing", "Vital signs acceptable before dosing"),
    ("vitals_ok_before_completion", "Vital signs acceptable before completion"),
    ("bp_predose", "Blood pressure before dosing"), ("bp_40_min", "Blood pressure at ~40 min"),
    ("bp_end", "Blood pressure at the end"), ("sedation", "Sedation"),
    ("dissociation", "Dissociation"), ("respiratory_depression", "Respiratory depression"),
)


def rems_document(report: SessionReport, exported_at: datetime | None = None, *,
                  tz: tzinfo | None = None, deidentified: bool = False) -> dict[str, Any]:
    if deidentified and not report.deidentified:
        report = deidentify(report)
    return {"format_version": FORMAT_VERSION, "type": "kapdesk.rems_summary",
            "exported_at": utc_iso(exported_at), "clinic": report.clinic_name,
            **plain(summarise(report, tz))}


def rems_pdf(report: SessionReport, path: Path, *, page_size: str = "a4",
             tz: tzinfo | None = None, deidentified: bool = False) -> int:
    if deidentified and not report.deidentified:
        report = deidentify(report)
    s = summarise(report, tz)
    page_size = check_page_size(page_size)

    def build(layout: Layout) -> HeaderPainter:
        _page(layout, s, tz)

        def header(p: QPainter, page: QRectF, number: int, total: int) -> None:
            layout.draw_text(p, 0, 0, report.clinic_name or "Clinic", "bold")
            if not s.signed:
                layout.draw_text(p, page.width() / 2 - 50 * layout.pt, 12 * layout.pt,
                                 DRAFT_TEXT, "draft")
            p.setPen(QPen(QColor("#9ca3af"), 0.6 * layout.pt))
            p.drawLine(QPointF(0, 28 * layout.pt), QPointF(page.width(), 28 * layout.pt))
            layout.draw_text(p, 0, page.height() - 10 * layout.pt,
                             f"KAPdesk REMS summary · page {number} of {total}", "muted")

        return header

    data, pages = pdf_bytes(page_size, f"REMS monitoring summary {s.patient_code}", build,
                            not s.signed)
    write_bytes(path, data)
    return pages


def _page(layout: Layout, s: RemsSummary, tz: tzinfo | None) -> None:
    layout.paragraph("Esketamine REMS: patient monitoring summary", "title")
    due = day_time(s.due_by, tz)[:10] if s.due_by else "-"
    layout.paragraph(f"Filled from the KAPdesk record of session {s.session_id}. Transcribe "
                     f"into the REMS patient monitoring form by {due}.", "muted", space_pt=3)
    rows: list[list[Any]] = []
    for key, label in FIELDS:
        value = getattr(s, key)
        text = ", ".join(value) if isinstance(value, tuple) else (
            "not recorded" if value is None else f"{value:g}" if isinstance(value, float)
            else str(value))
        rows.append([(label, "label"), (text, "warn" if text == "not recorded" else "body")])
    rows += [[(f"Given during the session: {cls}", "label"), text]
             for cls, text in s.concomitant_given.items()]
    layout.table([("Field", 2), ("From the record", 3.5)], rows)
    if s.missing:
        layout.paragraph("Not in the record (complete by hand): "
                         + ", ".join(dict(FIELDS).get(k, k) for k in s.missing), "alert",
                         space_pt=6)
    layout.paragraph("The record holds medicines given in the room only: check the patient's "
                     "own concomitant medicines against the medication history.", "small",
                     space_pt=4)
