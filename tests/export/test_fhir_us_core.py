"""Each US Core rule the FHIR export implements, one test per rule, plus the coded
medication, questionnaire and side-effect rules of the issue."""

from datetime import datetime

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import Protocol
from kapdesk.core.report import SessionReport
from kapdesk.export.fhir import FhirSite, session_bundle
from kapdesk.export.fhir_codes import DATA_ABSENT, PROFILES
from kapdesk.store.connection import Database
from kapdesk.store.reports import load_session_report
from tests.export.conftest import CLINIC
from tests.export.fhir_helpers import SITE, by_url, coded, resources, valid
from tests.export.sample_session import write_session

SNOMED = "http://snomed.info/sct"


@pytest.fixture
def data(signed: SessionReport) -> dict:
    return valid(session_bundle(signed, signed.planned_at, SITE))


def _profiled(data: dict, kind: str, name: str) -> list[dict]:
    found = [r for r in resources(data, kind)
             if PROFILES[name] in r.get("meta", {}).get("profile", [])]
    assert found, f"no {kind} declares {name}"
    return found


def test_vital_signs_keep_loinc_ucum_and_declare_their_profiles(data: dict,
                                                                 signed: SessionReport) -> None:
    for name, code, unit in (("blood-pressure", "85354-9", None),
                             ("heart-rate", "8867-4", "/min"),
                             ("pulse-oximetry", "59408-5", "%"),
                             ("respiratory-rate", "9279-1", "/min")):
        found = _profiled(data, "Observation", name)
        assert found == coded(data, code) and len(found) == len(signed.vitals)
        assert {r["category"][0]["coding"][0]["code"] for r in found} == {"vital-signs"}
        if unit:
            assert {r["valueQuantity"]["code"] for r in found} == {unit}
    spo2 = coded(data, "59408-5")[0]["code"]["coding"]
    assert [c["code"] for c in spo2] == ["59408-5", "2708-6"]


def test_patient_has_the_code_as_identifier_and_a_masked_absent_name(data: dict) -> None:
    patient = _profiled(data, "Patient", "patient")[0]
    assert patient["identifier"][0]["value"] == "K-204"
    assert patient["name"] == [{"extension": [{"url": DATA_ABSENT, "valueCode": "masked"}]}]
    assert patient["gender"] == "unknown" and "birthDate" not in patient  # sex not recorded


def test_patient_gender_is_the_recorded_sex(db: Database, clock: FakeClock,
                                            signed: SessionReport) -> None:
    from kapdesk.store.audit import AuditTrail
    from kapdesk.store.patients import PatientStore

    PatientStore(db, clock, AuditTrail(db, clock)).save("K-204", next(iter(signed.clinicians)),
                                                        sex="male")
    report = load_session_report(db, signed.session_id, CLINIC)
    patient = resources(valid(session_bundle(report, clock.now(), SITE)), "Patient")[0]
    assert patient["gender"] == "male"
    hidden = resources(session_bundle(report, clock.now(), SITE, deidentified=True), "Patient")
    assert hidden[0]["gender"] == "unknown"  # de-identified: left out


def test_practitioner_has_identifier_and_name(data: dict, signed: SessionReport) -> None:
    people = _profiled(data, "Practitioner", "practitioner")
    assert sorted(p["identifier"][0]["value"] for p in people) == sorted(
        str(u) for u in signed.clinicians)
    names = {p["name"][0]["text"]: p["name"][0] for p in people}
    assert names["Dr Ana Silva"]["family"] == "Silva" and names["Dr Ana Silva"]["prefix"] \
        == ["Dr"] and names["Dr Ana Silva"]["given"] == ["Ana"]
    assert names["Sam Okafor, RN"]["family"] == "Okafor"
    assert names["Sam Okafor, RN"]["suffix"] == ["RN"]


def test_encounter_is_typed_and_starts_at_arrival(data: dict, signed: SessionReport) -> None:
    visit = _profiled(data, "Encounter", "encounter")[0]
    assert visit["type"][0]["coding"][0] == {"system": SNOMED, "code": "185347001",
                                             "display": "Encounter for problem"}
    start = datetime.fromisoformat(visit["period"]["start"])
    screening = signed.screening
    assert screening is not None and signed.t0 is not None
    baseline = [o for o in signed.vitals if o.observed_at < signed.t0]
    assert baseline and start <= screening.observed_at and start <= baseline[0].observed_at
    assert start < signed.t0  # from arrival, not from the dose
    assert by_url(data, visit["location"][0]["location"]["reference"])["name"] \
        == "Treatment room 2"
    provider = by_url(data, visit["serviceProvider"]["reference"])
    assert provider["resourceType"] == "Organization" and provider["name"] == CLINIC
    assert PROFILES["organization"] in provider["meta"]["profile"]
    assert provider["address"][0]["line"] == ["12 Harbour Street", "Portview PV1 2AB"]


def test_document_reference_for_the_note(data: dict, signed: SessionReport) -> None:
    docs = _profiled(data, "DocumentReference", "documentreference")
    note = next(d for d in docs if d["description"] == "Session note")
    assert note["type"]["coding"][0] == {"system": "http://loinc.org", "code": "11506-3",
                                         "display": "Progress note"}
    assert note["category"][0]["coding"][0]["code"] == "clinical-note"
    visit = resources(data, "Encounter")[0]
    assert note["context"]["period"] == visit["period"]
    assert note["content"][0]["attachment"]["contentType"].startswith("text/plain")
    assert signed.signature is not None
    signer = by_url(data, note["authenticator"]["reference"])
    assert signer["identifier"][0]["value"] == str(signed.signature.user_id)
    assert by_url(data, note["author"][0]["reference"])["resourceType"] == "Practitioner"
    amendment = next(d for d in docs if d["description"] == "Note amendment")
    assert amendment["relatesTo"][0]["code"] == "appends"
    assert by_url(data, amendment["relatesTo"][0]["target"]["reference"]) == note


def test_provenance_for_the_signature(data: dict, signed: SessionReport) -> None:
    sig = signed.signature
    assert sig is not None
    prov = _profiled(data, "Provenance", "provenance")[0]
    targets = {t["reference"] for t in prov["target"]}
    kinds = {by_url(data, t)["resourceType"] for t in targets}
    assert {"Encounter", "DocumentReference", "Observation",
            "MedicationAdministration"} <= kinds
    assert datetime.fromisoformat(prov["recorded"]) == sig.signed_at.replace(microsecond=0)
    agent = prov["agent"][0]
    assert agent["type"]["coding"][0]["code"] == "author"
    assert by_url(data, agent["who"]["reference"])["identifier"][0]["value"] \
        == str(sig.user_id)
    assert by_url(data, agent["onBehalfOf"]["reference"])["resourceType"] == "Organization"
    assert prov["signature"][0]["type"][0]["code"] == "1.2.840.10065.1.12.1.1"
    assert prov["entity"][0]["what"]["identifier"]["value"] == sig.content_hash
    assert prov["reason"][0]["text"] == sig.meaning


def test_draft_has_no_provenance(draft: SessionReport) -> None:
    data = valid(session_bundle(draft, draft.planned_at, SITE))
    assert not resources(data, "Provenance")
    assert {d["docStatus"] for d in resources(data, "DocumentReference")} == {"preliminary"}


def test_checklists_and_cadss6_are_questionnaire_responses(data: dict) -> None:
    answers = _profiled(data, "QuestionnaireResponse", "questionnaireresponse")
    by_form = {a["questionnaire"]: a for a in answers}
    assert len(by_form) == 3
    for a in answers:
        assert a["status"] == "completed" and a["subject"] and a["authored"] and a["item"]
    cadss = next(a for a in answers if a["item"][-1]["linkId"] == "total")
    assert [i["answer"][0]["valueInteger"] for i in cadss["item"]] == [2, 1, 2, 1, 0, 1, 7]
    total = coded(data, "cadss6")[0]
    assert total["valueInteger"] == 7 and by_url(data, total["derivedFrom"][0]["reference"]) \
        == cadss
    discharge = next(a for a in answers if a["item"][-1]["linkId"] == "ready-at")
    assert all("valueBoolean" in i["answer"][0] for i in discharge["item"][:-1])


def test_medication_administration_is_coded(data: dict) -> None:
    meds = resources(data, "MedicationAdministration")
    dose = next(m for m in meds if m["category"]["text"] == "Treatment dose")
    assert dose["dosage"]["route"]["coding"][0] == {"system": SNOMED, "code": "78421000",
                                                    "display": "Intramuscular route"}
    assert dose["dosage"]["dose"] == {"value": 70.0, "unit": "mg",
                                      "system": "http://unitsofmeasure.org", "code": "mg"}
    assert dose["contained"][0]["batch"]["lotNumber"] == "LOT-7731A"
    assert dose["contained"][0]["code"] == {"text": "ketamine"}  # no RXCUI configured
    oral = next(m for m in meds if m["category"]["text"] == "As needed")
    assert oral["dosage"]["route"]["coding"][0]["code"] == "26643006"


def test_rxnorm_comes_from_the_clinic_settings(signed: SessionReport) -> None:
    site = FhirSite(SITE.installation, CLINIC, rxnorm={"ketamine": "1234567"})
    dose = next(m for m in resources(session_bundle(signed, signed.planned_at, site),
                                     "MedicationAdministration")
                if m["category"]["text"] == "Treatment dose")
    assert dose["contained"][0]["code"]["coding"][0] == {
        "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1234567",
        "display": "ketamine"}


def test_each_esketamine_device_is_numbered(draft: SessionReport) -> None:
    data = valid(session_bundle(draft, draft.planned_at, SITE))
    doses = [m for m in resources(data, "MedicationAdministration")
             if m["category"]["text"] == "Treatment dose"]
    assert [m["dosage"]["text"] for m in doses] == [f"Nasal spray device {n}" for n in (1, 2, 3)]
    assert {m["dosage"]["route"]["coding"][0]["code"] for m in doses} == {"46713006"}


def test_iv_infusion_is_a_period_with_its_rate(db: Database, clock: FakeClock,
                                              protocols: dict[str, Protocol]) -> None:
    sample = write_session(db, clock, protocols["iv-infusion"], code="K-310", signed=False)
    report = load_session_report(db, sample.session_id, CLINIC)
    data = valid(session_bundle(report, clock.now(), SITE))
    dose = next(m for m in resources(data, "MedicationAdministration")
                if m["category"]["text"] == "Treatment dose")
    start = datetime.fromisoformat(dose["effectivePeriod"]["start"])
    end = datetime.fromisoformat(dose["effectivePeriod"]["end"])
    minutes = (end - start).total_seconds() / 60
    assert 40 <= minutes <= 41 and "effectiveDateTime" not in dose
    assert dose["dosage"]["rateQuantity"]["code"] == "mg/min"
    assert dose["dosage"]["rateQuantity"]["value"] == pytest.approx(70 / minutes, abs=1e-3)
    assert dose["dosage"]["route"]["coding"][0]["code"] == "47625008"


def test_a_side_effect_is_linked_to_the_dose(data: dict) -> None:
    effect = coded(data, "side-effect")[0]
    dose = by_url(data, effect["partOf"][0]["reference"])
    assert dose["resourceType"] == "MedicationAdministration"
    assert dose["category"]["text"] == "Treatment dose"
