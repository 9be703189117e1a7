"""FHIR R4: a collection Bundle valid per the fhir.resources models, with LOINC codes."""

import base64
import json
from collections import Counter
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from kapdesk.core.report import SessionReport
from kapdesk.export.fhir import course_bundle, session_bundle
from tests.export.sample_session import NOTE_TEXT, PATIENT_DOB, PATIENT_NAME, SCREENING_COMMENT


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _coded(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [r for r in _resources(bundle, "Observation")
            if any(c.get("code") == code for c in r["code"].get("coding", []))]


def test_bundle_is_valid_and_carries_the_vitals_with_loinc(signed: SessionReport) -> None:
    data = session_bundle(signed, signed.planned_at)
    Bundle.model_validate(data)  # raises on anything the R4(B) models refuse
    Bundle.model_validate_json(json.dumps(data))
    assert data["type"] == "collection"
    kinds = Counter(e["resource"]["resourceType"] for e in data["entry"])
    assert kinds["Patient"] == 1 and kinds["Encounter"] == 1 and kinds["Practitioner"] == 2
    patient = _resources(data, "Patient")[0]
    assert patient["identifier"][0]["value"] == "K-204"
    assert "name" not in patient and "birthDate" not in patient  # pseudonymous
    encounter = _resources(data, "Encounter")[0]
    assert encounter["status"] == "finished" and "end" in encounter["period"]
    panels = _coded(data, "85354-9")
    assert len(panels) == len(signed.vitals)
    systolic = [next(c["valueQuantity"] for c in p["component"]
                     if c["code"]["coding"][0]["code"] == "8480-6") for p in panels]
    diastolic = [next(c["valueQuantity"]["value"] for c in p["component"]
                      if c["code"]["coding"][0]["code"] == "8462-4") for p in panels]
    assert [q["value"] for q in systolic] == [o.values["systolic"] for o in signed.vitals]
    assert 112 in diastolic
    assert {q["code"] for q in systolic} == {"mm[Hg]"}
    assert {q["system"] for q in systolic} == {"http://unitsofmeasure.org"}
    statuses = Counter(p["status"] for p in panels)
    assert statuses == {"final": len(panels) - 2, "corrected": 1, "amended": 1}
    assert _coded(data, "8867-4")[0]["valueQuantity"]["value"] == 72
    assert _coded(data, "8867-4")[0]["valueQuantity"]["code"] == "/min"
    assert _coded(data, "59408-5")[0]["valueQuantity"]["code"] == "%"
    assert len(_coded(data, "9279-1")) == len(signed.vitals)
    high = next(p for p in panels if 112 in [c["valueQuantity"]["value"] for c in p["component"]])
    assert any("180/110" in n["text"] for n in high["note"])  # the alert it raised
    moaas = _coded(data, "moaas")
    assert [m["valueInteger"] for m in moaas] == [3, 5, 5]


def test_medicines_and_notes(signed: SessionReport) -> None:
    data = session_bundle(signed, signed.planned_at)
    meds = _resources(data, "MedicationAdministration")
    dose = next(m for m in meds if m["category"]["text"] == "Treatment dose")
    assert dose["dosage"]["dose"] == {"value": 70.0, "unit": "mg",
                                      "system": "http://unitsofmeasure.org", "code": "mg"}
    assert dose["contained"][0]["batch"]["lotNumber"] == "LOT-7731A"
    assert dose["dosage"]["route"]["text"] == "intramuscular"
    prn = next(m for m in meds if m["category"]["text"] == "As needed")
    assert prn["medicationCodeableConcept"]["text"] == "Ondansetron"
    docs = _resources(data, "DocumentReference")
    texts = [base64.b64decode(d["content"][0]["attachment"]["data"]).decode() for d in docs]
    assert NOTE_TEXT in texts and len(docs) == 2  # the note and its amendment
    assert {d["docStatus"] for d in docs} == {"final"}


def test_deidentified_bundle_leaves_out_the_free_text(signed: SessionReport) -> None:
    data = session_bundle(signed, signed.planned_at, deidentified=True)
    Bundle.model_validate(data)
    text = json.dumps(data, ensure_ascii=False)
    assert not _resources(data, "DocumentReference")
    for secret in (PATIENT_NAME, PATIENT_DOB, SCREENING_COMMENT, "Zebulon"):
        assert secret not in text
    assert "K-204" in text


def test_ids_are_stable_and_a_course_has_one_patient(signed: SessionReport,
                                                     draft: SessionReport) -> None:
    one = session_bundle(signed, signed.planned_at)
    again = session_bundle(signed, draft.planned_at)
    assert [e["fullUrl"] for e in one["entry"]] == [e["fullUrl"] for e in again["entry"]]
    both = course_bundle([signed, draft], draft.planned_at)
    Bundle.model_validate(both)
    assert len(_resources(both, "Patient")) == 2  # two patients here: K-204 and K-205
    assert len(_resources(both, "Practitioner")) == 2  # the same two clinicians, once each
    assert len(_resources(both, "Encounter")) == 2
    esketamine = [m for m in _resources(both, "MedicationAdministration")
                  if m.get("medicationReference", {}).get("display") == "esketamine"]
    assert len(esketamine) == 3
