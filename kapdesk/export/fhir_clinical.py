"""The session's entries as FHIR: vital signs (US Core vital-sign profiles), ratings and
side effects as Observations, the dose and as-needed medicines as MedicationAdministration,
the CADSS-6 and the checklists as QuestionnaireResponses, outcome measures as Observations.

Every version of an entry is the same resource: it is identified by the original entry's
id, and the version that stands is sent with status final, corrected (changed before
signing) or amended (after), or entered-in-error when it was withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from kapdesk.core.observations import Kind, Observation, describe
from kapdesk.core.outcomes import OutcomeMeasure
from kapdesk.core.report import SessionReport
from kapdesk.export.fhir_codes import (
    KAPDESK_CODES,
    OUTCOME_CODES,
    ROUTES,
    RXNORM,
    SNOMED,
    VITAL_CODES,
    category,
    coded,
    concept,
    loinc,
    profile,
    quantity,
)
from kapdesk.export.fhir_ids import Entries
from kapdesk.export.fhir_people import iso

CHECKLISTS = (Kind.SCREENING, Kind.DISCHARGE, Kind.CADSS6)


def versions(report: SessionReport) -> Iterator[tuple[Observation, int, str]]:
    """(the version that stands, the original's id, its status) for every entry chain."""
    seen: set[int] = set()
    for obs in report.entries:
        chain = report.chain(obs.id)
        original = chain[0].id
        if original in seen:
            continue
        seen.add(original)
        latest = chain[-1]
        if latest.values.get("withdrawn"):
            kept = [o for o in chain if not o.values.get("withdrawn")]
            if kept:
                yield kept[-1], original, "entered-in-error"
            continue
        status = "final" if latest.corrects is None else (
            "amended" if latest.amendment else "corrected")
        yield latest, original, status


def _common(report: SessionReport, obs: Observation, status: str, refs: Mapping[str, Any],
            people: Mapping[int, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"status": status, "subject": refs["subject"],
                           "encounter": refs["encounter"],
                           "effectiveDateTime": iso(obs.observed_at),
                           "issued": obs.recorded_at.isoformat(timespec="milliseconds")}
    if obs.user_id in people:
        out["performer"] = [{"reference": people[obs.user_id]}]
    notes = [a.message for a in report.alerts_for(obs.id)]
    if obs.reason and not report.deidentified:
        notes.append(f"Reason for change: {obs.reason}")
    if notes:
        out["note"] = [{"text": n} for n in notes]
    return out


def add_entry(b: Entries, report: SessionReport, obs: Observation, original: int,
              status: str, refs: Mapping[str, Any], people: Mapping[int, str]) -> list[str]:
    """The resources of one entry (a vitals row gives one per reading); their URLs."""
    common = _common(report, obs, status, refs, people)
    if obs.kind is Kind.VITALS:
        return [b.add("observation", f"{original}-{key}", resource)
                for key, resource in _vitals(obs, common)]
    if obs.kind in (Kind.DOSE, Kind.MEDICATION):
        return [b.add("medication-administration", original,
                      _medication(b, report, obs, common, status))]
    if obs.kind in CHECKLISTS:
        answers = b.add("questionnaire-response", original,
                        _questionnaire(b, obs, common, status))
        if obs.kind is not Kind.CADSS6:
            return [answers]
        total = _other(report, obs, common)
        total["derivedFrom"] = [{"reference": answers}]
        return [answers, b.add("observation", original, total)]
    if obs.kind is Kind.NOTE:
        return []
    resource = _other(report, obs, common)
    if obs.kind is Kind.SIDE_EFFECT:
        doses = [b.site.full_url("medication-administration", report.chain(d.id)[0].id)
                 for d in report.doses if d.observed_at <= obs.observed_at]
        if doses:
            resource["partOf"] = [{"reference": d} for d in doses]
    return [b.add("observation", original, resource)]


def _vitals(obs: Observation, common: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    base = {"resourceType": "Observation", "category": category("vital-signs"), **common}
    found: list[tuple[str, dict[str, Any]]] = []
    values = obs.values
    if "systolic" in values:
        found.append(("bp", {**base, "meta": profile("blood-pressure"),
                             "code": loinc("85354-9", "Blood pressure panel"),
                             "component": [
                                 {"code": loinc(code, text), "valueQuantity": quantity(
                                     values[key], "mmHg", "mm[Hg]")}
                                 for key, code, text in (
                                     ("systolic", "8480-6", "Systolic blood pressure"),
                                     ("diastolic", "8462-4", "Diastolic blood pressure"))]}))
    for key, (codes, text, unit, ucum, name) in VITAL_CODES.items():
        if key in values:
            found.append((key, {**base, "meta": profile(name), "code": loinc(codes, text),
                                "valueQuantity": quantity(values[key], unit, ucum)}))
    return found


def _infusion(report: SessionReport, obs: Observation) -> tuple[datetime, float] | None:
    """When an IV infusion ended (its end cue acknowledged, else the protocol's infusion
    phase) and how many minutes it ran; None for anything but an intravenous dose."""
    if obs.kind is not Kind.DOSE or str(obs.values.get("route", "")).lower() != "intravenous":
        return None
    ended = next((c.at for c in report.cue_events if c.cue_key == "infusion-end"
                  and c.event == "cue_acknowledged" and c.at > obs.observed_at), None)
    phase = report.protocol.phase("infusion")
    if ended is None and phase is not None:
        ended = obs.observed_at + timedelta(minutes=phase.end_min - phase.start_min)
    if ended is None:
        return None
    return ended, (ended - obs.observed_at).total_seconds() / 60


def medicine_concept(b: Entries, drug: str) -> dict[str, Any]:
    rxcui = b.site.rxnorm.get(drug.strip().lower())
    if rxcui:
        return coded(RXNORM, rxcui, drug, drug)
    return {"text": drug}


def _medication(b: Entries, report: SessionReport, obs: Observation,
                common: dict[str, Any], status: str) -> dict[str, Any]:
    values = obs.values
    dose = float(values["dose_mg"])
    dosage: dict[str, Any] = {"dose": quantity(dose, "mg", "mg")}
    route = str(values.get("route") or "")
    if route:
        code = ROUTES.get(route.lower())
        dosage["route"] = coded(SNOMED, code[0], code[1], route) if code else {"text": route}
    if "device" in values:
        dosage["text"] = f"Nasal spray device {int(values['device'])}"
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "status": "entered-in-error" if status == "entered-in-error" else "completed",
        "category": {"text": "Treatment dose" if obs.kind is Kind.DOSE else "As needed"},
        "subject": common["subject"], "context": common["encounter"]}
    infusion = _infusion(report, obs)
    if infusion is not None:
        ended, minutes = infusion
        resource["effectivePeriod"] = {"start": common["effectiveDateTime"], "end": iso(ended)}
        dosage["rateQuantity"] = quantity(round(dose / minutes, 3), "mg/min", "mg/min")
    else:
        resource["effectiveDateTime"] = common["effectiveDateTime"]
    resource["dosage"] = dosage
    if "performer" in common:
        resource["performer"] = [{"actor": p} for p in common["performer"]]
    notes = list(common.get("note", []))
    if status in ("corrected", "amended"):
        notes.append({"text": f"This entry was {status} (replaces the earlier version)."})
    if notes:
        resource["note"] = notes
    medicine = medicine_concept(b, str(values["drug"]))
    if values.get("lot"):
        resource["contained"] = [{"resourceType": "Medication", "id": "med",
                                  "code": medicine, "batch": {"lotNumber": values["lot"]}}]
        resource["medicationReference"] = {"reference": "#med", "display": values["drug"]}
    else:
        resource["medicationCodeableConcept"] = medicine
    return resource


def _questionnaire(b: Entries, obs: Observation, common: dict[str, Any],
                   status: str) -> dict[str, Any]:
    values = obs.values
    items: list[dict[str, Any]] = []
    if obs.kind is Kind.CADSS6:
        items = [{"linkId": f"item-{k}", "text": f"CADSS item {k}",
                  "answer": [{"valueInteger": int(v)}]}
                 for k, v in sorted(values["items"].items(), key=lambda kv: int(kv[0]))]
        items.append({"linkId": "total", "text": "Total (0-24)",
                      "answer": [{"valueInteger": int(values["total"])}]})
    else:
        items = [{"linkId": f"item-{n}", "text": item, "answer": [{"valueBoolean": bool(v)}]}
                 for n, (item, v) in enumerate(values["items"].items(), start=1)]
        if values.get("ready_at"):
            items.append({"linkId": "ready-at", "text": "Ready to leave at",
                          "answer": [{"valueDateTime": values["ready_at"]}]})
        if values.get("comment"):
            items.append({"linkId": "comment", "text": "Comment",
                          "answer": [{"valueString": str(values["comment"])}]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse", "meta": profile("questionnaireresponse"),
        "questionnaire": b.site.full_url("questionnaire", obs.kind.value),
        "status": {"final": "completed", "corrected": "amended"}.get(status, status),
        "subject": common["subject"], "encounter": common["encounter"],
        "authored": common["effectiveDateTime"], "item": items}
    if "performer" in common:
        resource["author"] = common["performer"][0]
    return resource


def _other(report: SessionReport, obs: Observation, common: dict[str, Any]) -> dict[str, Any]:
    code, text, cat = KAPDESK_CODES[obs.kind.value]
    resource: dict[str, Any] = {"resourceType": "Observation", "category": category(cat),
                                "code": concept(code, text), **common}
    values = obs.values
    if obs.kind in (Kind.MOAAS, Kind.RASS):
        resource["valueInteger"] = int(values["score"])
        resource["interpretation"] = [{"text": describe(obs.kind, values)}]
    elif obs.kind is Kind.DISSOCIATION:
        resource["valueCodeableConcept"] = {"text": values["severity"]}
    elif obs.kind is Kind.CADSS6:
        resource["valueInteger"] = int(values["total"])
    else:  # a side effect
        resource["valueCodeableConcept"] = {"text": values["name"]}
        resource["component"] = [{"code": {"text": "Severity"},
                                  "valueCodeableConcept": {"text": values["severity"]}}]
    return resource


def outcomes(b: Entries, measures: Sequence[OutcomeMeasure], patient_ref: str,
             people: Mapping[int, str]) -> list[str]:
    """PHQ-9, GAD-7 and PCL-5 totals: each correction chain once, as it stands."""
    by_id = {m.id: m for m in measures}
    replaced = {m.corrects for m in measures if m.corrects is not None}
    added = []
    for m in measures:
        if m.id in replaced:
            continue
        first = m
        while first.corrects is not None and first.corrects in by_id:
            first = by_id[first.corrects]
        code, text = OUTCOME_CODES[m.instrument.value]
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final" if m.corrects is None else "corrected",
            "category": category("survey"),
            "code": loinc(code, text) if code else concept(*KAPDESK_CODES["pcl5"][:2]),
            "subject": {"reference": patient_ref}, "effectiveDateTime": iso(m.taken_at),
            "issued": m.recorded_at.isoformat(timespec="milliseconds"),
            "valueInteger": m.total, "interpretation": [{"text": m.band}]}
        if code:
            resource["meta"] = profile("observation-screening-assessment")
        if m.user_id in people:
            resource["performer"] = [{"reference": people[m.user_id]}]
        added.append(b.add("outcome", first.id, resource))
    return added
