"""FHIR R4 (checked against the R4B models of fhir.resources): a Bundle of type collection.

Patient (pseudonymous: the clinic's code as its identifier, never a name or birth date),
Practitioner per clinician, Encounter, vital signs with LOINC codes, ratings, side effects
and checklists as Observations, MedicationAdministration for the dose and as-needed
medicines, and the note as a DocumentReference (left out when de-identified). Only the
entries as they stand are sent; a corrected one carries status "corrected" or "amended".
Ids are stable UUIDs, so a second export of a session updates rather than duplicates.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kapdesk.core.deidentify import deidentify
from kapdesk.core.observations import Kind, Observation, describe
from kapdesk.core.report import SessionReport
from kapdesk.core.session import State
from kapdesk.export.fhir_codes import (
    KAPDESK_CODES,
    PATIENT_CODE_SYSTEM,
    VITAL_CODES,
    category,
    concept,
    loinc,
    quantity,
)

_NAMESPACE = uuid.UUID("4d7a3c52-2f43-4c59-9a1e-6b1c0a7e5f10")
_ENCOUNTER_STATUS = {State.PLANNED: "planned", State.PREPARING: "arrived",
                     State.DOSED: "in-progress", State.RECOVERY: "in-progress",
                     State.DISCHARGED: "finished", State.CLOSED: "finished",
                     State.CANCELLED: "cancelled"}


def _iso(instant: datetime) -> str:
    return instant.isoformat(timespec="seconds")


class _Bundle:
    def __init__(self, report: SessionReport) -> None:
        self.report = report
        self.entries: list[dict[str, Any]] = []

    def url(self, *key: object) -> str:
        name = ":".join(str(k) for k in (self.report.clinic_name, *key))
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"

    def add(self, key: tuple[object, ...], resource: dict[str, Any]) -> str:
        full_url = self.url(*key)
        resource["id"] = full_url.removeprefix("urn:uuid:")
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url


def session_bundle(report: SessionReport, exported_at: datetime, *,
                   deidentified: bool = False) -> dict[str, Any]:
    """The session as a FHIR Bundle (a plain dict, ready for json.dumps)."""
    if deidentified and not report.deidentified:
        report = deidentify(report)
    b = _Bundle(report)
    patient = b.add(("patient", report.patient.code), {
        "resourceType": "Patient",
        "identifier": [{"system": PATIENT_CODE_SYSTEM, "value": report.patient.code}]})
    people = {uid: b.add(("practitioner", uid), {
        "resourceType": "Practitioner", "name": [{"text": name}]})
        for uid, name in sorted(report.clinicians.items())}
    period: dict[str, str] = {"start": _iso(report.t0 or report.planned_at)}
    if report.discharged_at is not None:
        period["end"] = _iso(report.discharged_at)
    encounter = b.add(("encounter", report.session_id), {
        "resourceType": "Encounter", "status": _ENCOUNTER_STATUS[report.state],
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                  "code": "AMB", "display": "ambulatory"},
        "type": [{"text": f"{report.protocol.name} session"}],
        "identifier": [{"system": "urn:kapdesk:session", "value": str(report.session_id)}],
        "subject": {"reference": patient}, "period": period,
        "participant": [{"individual": {"reference": ref}} for ref in people.values()]})
    refs = {"subject": {"reference": patient}, "encounter": {"reference": encounter}}
    for obs in report.current:
        common = _common(report, obs, refs, people)
        if obs.kind is Kind.VITALS:
            for key, resource in _vitals(obs, common):
                b.add(("obs", obs.id, key), resource)
        elif obs.kind in (Kind.DOSE, Kind.MEDICATION):
            b.add(("med", obs.id), _medication(obs, common, encounter))
        elif obs.kind is Kind.NOTE:
            if not report.deidentified:
                b.add(("note", obs.id), _document(report, obs.values.get("text", ""),
                                                  obs.observed_at, "Note amendment", refs))
        else:
            b.add(("obs", obs.id), _other(obs, common))
    if report.note and not report.deidentified:
        b.add(("note", "session", report.session_id), _document(
            report, report.note, report.ended_at or report.planned_at, "Session note", refs))
    return {"resourceType": "Bundle",
            "id": b.url("bundle", report.session_id).removeprefix("urn:uuid:"),
            "type": "collection", "timestamp": _iso(exported_at), "entry": b.entries}


def _common(report: SessionReport, obs: Observation, refs: dict[str, Any],
            people: dict[int, str]) -> dict[str, Any]:
    status = "final"
    if obs.corrects is not None:
        status = "amended" if obs.amendment else "corrected"
    out: dict[str, Any] = {"status": status, "subject": refs["subject"],
                           "encounter": refs["encounter"],
                           "effectiveDateTime": _iso(obs.observed_at),
                           "issued": obs.recorded_at.isoformat(timespec="milliseconds")}
    if obs.user_id in people:
        out["performer"] = [{"reference": people[obs.user_id]}]
    notes = [a.message for a in report.alerts_for(obs.id)]
    if obs.reason and not report.deidentified:
        notes.append(f"Reason for change: {obs.reason}")
    if notes:
        out["note"] = [{"text": n} for n in notes]
    return out


def _vitals(obs: Observation, common: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    base = {"resourceType": "Observation", "category": category("vital-signs"), **common}
    found: list[tuple[str, dict[str, Any]]] = []
    values = obs.values
    if "systolic" in values:
        found.append(("bp", {**base, "code": loinc("85354-9", "Blood pressure panel"),
                             "component": [
                                 {"code": loinc(code, text), "valueQuantity": quantity(
                                     values[key], "mmHg", "mm[Hg]")}
                                 for key, code, text in (
                                     ("systolic", "8480-6", "Systolic blood pressure"),
                                     ("diastolic", "8462-4", "Diastolic blood pressure"))]}))
    for key, (codes, text, unit, ucum) in VITAL_CODES.items():
        if key in values:
            found.append((key, {**base, "code": loinc(codes, text),
                                "valueQuantity": quantity(values[key], unit, ucum)}))
    return found


def _medication(obs: Observation, common: dict[str, Any], encounter: str) -> dict[str, Any]:
    values = obs.values
    dosage: dict[str, Any] = {"dose": quantity(values["dose_mg"], "mg", "mg")}
    if values.get("route"):
        dosage["route"] = {"text": values["route"]}
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "status": "completed",
        "category": {"text": "Treatment dose" if obs.kind is Kind.DOSE else "As needed"},
        "subject": common["subject"], "context": {"reference": encounter},
        "effectiveDateTime": common["effectiveDateTime"], "dosage": dosage}
    if "performer" in common:
        resource["performer"] = [{"actor": p} for p in common["performer"]]
    if "note" in common:
        resource["note"] = common["note"]
    if values.get("lot"):
        resource["contained"] = [{"resourceType": "Medication", "id": "med",
                                  "code": {"text": values["drug"]},
                                  "batch": {"lotNumber": values["lot"]}}]
        resource["medicationReference"] = {"reference": "#med", "display": values["drug"]}
    else:
        resource["medicationCodeableConcept"] = {"text": values["drug"]}
    return resource


def _other(obs: Observation, common: dict[str, Any]) -> dict[str, Any]:
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
        resource["component"] = [{"code": {"text": f"CADSS item {k}"}, "valueInteger": int(v)}
                                 for k, v in values["items"].items()]
    elif obs.kind is Kind.SIDE_EFFECT:
        resource["valueCodeableConcept"] = {"text": values["name"]}
        resource["component"] = [{"code": {"text": "Severity"},
                                  "valueCodeableConcept": {"text": values["severity"]}}]
    else:  # screening and discharge checklists
        resource["component"] = [{"code": {"text": item}, "valueBoolean": bool(done)}
                                 for item, done in values["items"].items()]
        if values.get("ready_at"):
            resource["component"].append({"code": {"text": "Ready to leave at"},
                                          "valueDateTime": values["ready_at"]})
    return resource


def _document(report: SessionReport, text: str, at: datetime, title: str,
              refs: dict[str, Any]) -> dict[str, Any]:
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return {"resourceType": "DocumentReference", "status": "current",
            "docStatus": "final" if report.signed else "preliminary",
            "type": {"text": title}, "subject": refs["subject"], "date": _iso(at),
            "context": {"encounter": [refs["encounter"]]},
            "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                        "data": data, "title": title}}]}


def course_bundle(reports: Sequence[SessionReport], exported_at: datetime, *,
                  deidentified: bool = False) -> dict[str, Any]:
    """Every session of a patient in one collection (the Patient once)."""
    seen: set[str] = set()
    entries: list[dict[str, Any]] = []
    for report in reports:
        for entry in session_bundle(report, exported_at, deidentified=deidentified)["entry"]:
            if entry["fullUrl"] not in seen:
                seen.add(entry["fullUrl"])
                entries.append(entry)
    code = reports[0].patient.code if reports else ""
    return {"resourceType": "Bundle",
            "id": str(uuid.uuid5(_NAMESPACE, f"course:{code}:{len(reports)}")),
            "type": "collection", "timestamp": _iso(exported_at), "entry": entries}
