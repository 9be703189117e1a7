"""FHIR R4 for an EHR (checked against the R4B models of fhir.resources): a transaction
Bundle of conditional updates on stable identifiers (kapdesk.export.fhir_ids), so importing
it again, or a later export with a correction, updates what the EHR holds.

Patient (pseudonymous), Practitioner, the clinic (Organization, Location), the session
(Encounter, from the patient's arrival), its entries (kapdesk.export.fhir_clinical), the
note and its amendments (DocumentReference, left out when de-identified), the signature
(Provenance) and the patient's outcome measures, each declaring its US Core profile where
one exists. docs/exports.md gives the mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from kapdesk.core.deidentify import deidentify
from kapdesk.core.observations import Kind
from kapdesk.core.outcomes import OutcomeMeasure
from kapdesk.core.report import PatientInfo, SessionReport
from kapdesk.export.fhir_clinical import add_entry, outcomes, versions
from kapdesk.export.fhir_ids import Entries, FhirSite, bundle
from kapdesk.export.fhir_people import (
    document,
    dosing_clinician,
    encounter,
    iso,
    location,
    organization,
    patient,
    practitioners,
    provenance,
)

__all__ = ["FhirSite", "course_bundle", "session_bundle"]


def _session_entries(b: Entries, report: SessionReport,
                     measures: Sequence[OutcomeMeasure] = ()) -> None:
    org = organization(b)
    place = location(b, org)
    patient_ref = patient(b, report.patient)
    people = practitioners(b, report.clinicians)
    visit = encounter(b, report, patient_ref, people, org, place)
    refs = {"subject": {"reference": patient_ref}, "encounter": {"reference": visit},
            "org": org}
    targets = [visit]
    amendments = []
    for obs, original, status in versions(report):
        if obs.kind is Kind.NOTE:
            amendments.append((obs, original, status))
            continue
        targets += add_entry(b, report, obs, original, status, refs, people)
    if not report.deidentified:
        note = None
        if report.note:
            note = document(b, report, refs, people, key=("document", f"note-{report.session_id}"),
                            text=report.note, at=report.ended_at or report.planned_at,
                            title="Session note", authors=[dosing_clinician(report)])
            targets.append(note)
        for obs, original, status in amendments:
            targets.append(document(
                b, report, refs, people, key=("document", f"amendment-{original}"),
                text=str(obs.values.get("text", "")), at=obs.observed_at,
                title="Note amendment", authors=[obs.user_id], appends=note,
                amended=status != "final"))
    provenance(b, report, targets, people, org)
    if measures:
        outcomes(b, measures, patient_ref, people)


def _near(report: SessionReport, measures: Sequence[OutcomeMeasure]) -> list[OutcomeMeasure]:
    """The patient's outcome measures taken from a day before the session to a day after."""
    start = report.planned_at - timedelta(days=1)
    end = (report.ended_at or report.planned_at) + timedelta(days=1)
    return [m for m in measures if start <= m.taken_at <= end]


def session_bundle(report: SessionReport, exported_at: datetime, site: FhirSite, *,
                   deidentified: bool = False,
                   measures: Sequence[OutcomeMeasure] = ()) -> dict[str, Any]:
    """The session as a transaction Bundle (a plain dict, ready for json.dumps);
    `measures` are the patient's outcome measures (every row), those near it are sent."""
    if deidentified and not report.deidentified:
        report = deidentify(report)
    b = Entries(site)
    _session_entries(b, report, _near(report, measures))
    return bundle(site, f"session-{report.session_id}", b.entries, iso(exported_at))


def course_bundle(reports: Sequence[SessionReport], exported_at: datetime, site: FhirSite,
                  *, patient_code: str | None = None, deidentified: bool = False,
                  measures: Sequence[OutcomeMeasure] = ()) -> dict[str, Any]:
    """Every session of a patient and every outcome measure, each resource once; the
    Bundle's id and identifier name the patient, not how many sessions there are."""
    b = Entries(site)
    for report in reports:
        if deidentified and not report.deidentified:
            report = deidentify(report)
        _session_entries(b, report)
    code = patient_code or (reports[0].patient.code if reports else "")
    if measures:
        people = {int(e["resource"]["identifier"][0]["value"]): e["fullUrl"]
                  for e in b.entries if e["resource"]["resourceType"] == "Practitioner"}
        outcomes(b, measures, patient(b, PatientInfo(code)), people)
    return bundle(site, f"course-{code}", b.entries, iso(exported_at))
