"""The FHIR resources around the clinical entries: Patient, Practitioner, the clinic as
Organization and Location, the session as Encounter, the note as DocumentReference and the
signature as Provenance, each declaring the US Core profile it meets."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kapdesk.core.rems import split_name
from kapdesk.core.report import PatientInfo, SessionReport
from kapdesk.core.session import State
from kapdesk.export.fhir_codes import (
    ACT_CODE,
    AUTHOR_SIGNATURE,
    DOC_CATEGORY,
    ENCOUNTER_TYPE,
    NOTE_TYPE,
    PARTICIPANT_TYPE,
    SIGNATURE_TYPE,
    absent,
    coded,
    loinc,
    profile,
)
from kapdesk.export.fhir_ids import Entries

ENCOUNTER_STATUS = {State.PLANNED: "planned", State.PREPARING: "arrived",
                    State.DOSED: "in-progress", State.RECOVERY: "in-progress",
                    State.DISCHARGED: "finished", State.CLOSED: "finished",
                    State.CANCELLED: "cancelled"}


def iso(instant: datetime) -> str:
    return instant.isoformat(timespec="seconds")


def human_name(display: str) -> dict[str, Any]:
    """A display name as a HumanName: 'Dr Ana Silva' -> prefix Dr, given Ana, family
    Silva; 'Sam Okafor, RN' -> suffix RN. The text is always the name as entered."""
    prefix, given, family, suffix = split_name(display)
    name: dict[str, Any] = {"use": "official", "text": display.strip(),
                            "family": family or display.strip() or "unknown"}
    if given:
        name["given"] = given
    if prefix:
        name["prefix"] = prefix
    if suffix:
        name["suffix"] = suffix
    return name


def organization(b: Entries) -> str:
    s = b.site
    resource: dict[str, Any] = {"resourceType": "Organization", "meta": profile("organization"),
                                "active": True, "name": s.clinic_name or "Clinic"}
    telecom = [{"system": k, "value": v} for k, v in (("phone", s.phone), ("email", s.email))
               if v]
    if telecom:
        resource["telecom"] = telecom
    if s.address.strip():
        resource["address"] = [_address(s.address)]
    return b.add("organization", "clinic", resource)


def location(b: Entries, org: str) -> str:
    s = b.site
    resource: dict[str, Any] = {"resourceType": "Location", "meta": profile("location"),
                                "status": "active", "name": s.setting_name or s.clinic_name
                                or "Treatment room",
                                "managingOrganization": {"reference": org}}
    if s.address.strip():
        resource["address"] = _address(s.address)
    return b.add("location", "setting", resource)


def _address(text: str) -> dict[str, Any]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return {"text": ", ".join(lines), "line": lines}


def patient(b: Entries, who: PatientInfo) -> str:
    """Pseudonymous: the clinic's code as the identifier; the name US Core requires is
    carried as absent (masked); the gender is the recorded sex, else unknown."""
    gender = who.sex if who.sex in ("female", "male", "other") else "unknown"
    return b.add("patient-code", who.code, {
        "resourceType": "Patient", "meta": profile("patient"),
        "name": [{"extension": absent("masked")}], "gender": gender})


def practitioners(b: Entries, clinicians: Mapping[int, str]) -> dict[int, str]:
    return {uid: b.add("practitioner", uid, {
        "resourceType": "Practitioner", "meta": profile("practitioner"),
        "name": [human_name(name)]}) for uid, name in sorted(clinicians.items())}


def arrival(report: SessionReport) -> datetime:
    """When the patient arrived: the session's first step or entry, before the dose."""
    times = [t.at for t in report.transitions if t.to_state != State.PLANNED.value]
    times += [o.observed_at for o in report.entries]
    return min(times, default=report.t0 or report.planned_at)


def _period(report: SessionReport) -> dict[str, str]:
    """The session's time: from the patient's arrival to discharge (open while in the room)."""
    period = {"start": iso(arrival(report))}
    if report.discharged_at is not None:
        period["end"] = iso(report.discharged_at)
    return period


def encounter(b: Entries, report: SessionReport, patient_ref: str, people: dict[int, str],
              org: str, place: str) -> str:
    period = _period(report)
    system, code, display = ENCOUNTER_TYPE
    return b.add("encounter", report.session_id, {
        "resourceType": "Encounter", "meta": profile("encounter"),
        "status": ENCOUNTER_STATUS[report.state],
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "type": [coded(system, code, display, f"{report.protocol.name} session")],
        "subject": {"reference": patient_ref}, "period": period,
        "participant": [{"individual": {"reference": ref}} for ref in people.values()],
        "location": [{"location": {"reference": place}}],
        "serviceProvider": {"reference": org}})


def dosing_clinician(report: SessionReport) -> int | None:
    return next((t.user_id for t in report.transitions if t.to_state == State.DOSED.value),
                None)


def document(b: Entries, report: SessionReport, refs: Mapping[str, Any],
             people: Mapping[int, str], *, key: tuple[str, object], text: str,
             at: datetime, title: str, authors: Sequence[int | None],
             appends: str | None = None, amended: bool = False) -> str:
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference", "meta": profile("documentreference"),
        "status": "current",
        "docStatus": "amended" if amended else ("final" if report.signed else "preliminary"),
        "type": loinc(NOTE_TYPE[0], NOTE_TYPE[1]),
        "category": [coded(DOC_CATEGORY, "clinical-note", "Clinical Note")],
        "subject": refs["subject"], "date": iso(at),
        "description": title, "custodian": {"reference": refs["org"]},
        "context": {"encounter": [refs["encounter"]], "period": _period(report)},
        "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                    "data": data, "title": title}}]}
    author = [{"reference": people[u]} for u in dict.fromkeys(authors)
              if u is not None and u in people]
    if author:
        resource["author"] = author
    if report.signature is not None and report.signature.user_id in people:
        resource["authenticator"] = {"reference": people[report.signature.user_id]}
    if appends is not None:
        resource["relatesTo"] = [{"code": "appends", "target": {"reference": appends}}]
    return b.add(*key, resource)


def provenance(b: Entries, report: SessionReport, targets: Sequence[str],
               people: Mapping[int, str], org: str) -> str | None:
    """The signature: who signed, when, with what meaning, over which resources."""
    sig = report.signature
    if sig is None or sig.user_id not in people:
        return None
    signer = {"reference": people[sig.user_id], "display": sig.name}
    return b.add("provenance", f"signature-{report.session_id}", {
        "resourceType": "Provenance", "meta": profile("provenance"),
        "target": [{"reference": t} for t in targets], "recorded": iso(sig.signed_at),
        "reason": [{"text": sig.meaning}],
        "agent": [{"type": coded(PARTICIPANT_TYPE, "author", "Author"), "who": signer,
                   "onBehalfOf": {"reference": org}}],
        "entity": [{"role": "source", "what": {
            "identifier": {"system": b.site.system("content-sha256"),
                           "value": sig.content_hash},
            "display": "KAPdesk record fingerprint (SHA-256 of the signed record)"}}],
        "signature": [{"type": [{"system": SIGNATURE_TYPE, "code": AUTHOR_SIGNATURE[0],
                                 "display": AUTHOR_SIGNATURE[1]}],
                       "when": iso(sig.signed_at), "who": signer}]})
