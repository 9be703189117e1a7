"""FHIR: a transaction of conditional updates that an EHR can import again and again, with
corrections as the same resource, valid per the fhir.resources R4B models."""

import base64
import json
from collections import Counter
from datetime import timedelta
from typing import Any

from kapdesk.core.clock import FakeClock
from kapdesk.core.outcomes import Instrument
from kapdesk.core.protocol import Protocol
from kapdesk.core.report import SessionReport
from kapdesk.export.fhir import FhirSite, course_bundle, session_bundle
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.outcomes import OutcomeStore
from kapdesk.store.reports import load_session_report
from tests.export.conftest import CLINIC
from tests.export.fhir_helpers import SITE, coded, resources, valid
from tests.export.sample_session import (
    NOTE_TEXT,
    PATIENT_DOB,
    PATIENT_NAME,
    SCREENING_COMMENT,
    write_session,
)


def test_every_bundle_is_a_valid_transaction_of_conditional_updates(
        signed: SessionReport, draft: SessionReport) -> None:
    for data in (session_bundle(signed, signed.planned_at, SITE),
                 session_bundle(draft, draft.planned_at, SITE),
                 session_bundle(signed, signed.planned_at, SITE, deidentified=True),
                 course_bundle([signed, draft], draft.planned_at, SITE)):
        valid(data)
        assert data["type"] == "transaction"
        for entry in data["entry"]:
            resource, request = entry["resource"], entry["request"]
            assert request["method"] == "PUT"
            if resource["resourceType"] == "Provenance":
                assert request["url"] == f"Provenance/{resource['id']}"
                continue
            ident = resource["identifier"]
            ident = ident if isinstance(ident, dict) else ident[0]
            assert request["url"] == (f"{resource['resourceType']}?identifier="
                                      f"{ident['system']}|{ident['value']}")
            assert ident["system"].startswith("urn:uuid:") and "id" not in resource


def test_identifiers_belong_to_this_installation(signed: SessionReport) -> None:
    here = session_bundle(signed, signed.planned_at, SITE)
    other = session_bundle(signed, signed.planned_at,
                           FhirSite("0b8d7e55-1111-4222-8333-444455556666", CLINIC))
    def idents(data: dict[str, Any]) -> set[str]:
        return {json.dumps(e["resource"]["identifier"]) for e in data["entry"]
                if "identifier" in e["resource"]}

    assert len(idents(here)) == len(idents(other)) and not idents(here) & idents(other)
    assert {e["fullUrl"] for e in here["entry"]}.isdisjoint(e["fullUrl"] for e in other["entry"])
    assert here["identifier"]["value"] == f"session-{signed.session_id}"


def test_a_correction_is_the_same_resource_with_its_status(signed: SessionReport) -> None:
    data = session_bundle(signed, signed.planned_at, SITE)
    panels = coded(data, "85354-9")
    assert len(panels) == len(signed.vitals)  # one per reading as it stands, no duplicates
    corrected = [o for o in signed.current if o.kind.value == "vitals" and o.corrects]
    by_value = {p["identifier"][0]["value"]: p for p in panels}
    for obs in corrected:
        original = signed.chain(obs.id)[0].id
        panel = by_value[f"{original}-bp"]  # identified by the original entry
        assert panel["status"] == ("amended" if obs.amendment else "corrected")
        assert f"{obs.id}-bp" not in by_value
        systolic = next(c for c in panel["component"]
                        if c["code"]["coding"][0]["code"] == "8480-6")
        assert systolic["valueQuantity"]["value"] == obs.values["systolic"]
    assert Counter(p["status"] for p in panels) == {"final": len(panels) - 2, "corrected": 1,
                                                    "amended": 1}


def test_export_again_is_the_same_transaction(signed: SessionReport) -> None:
    one = session_bundle(signed, signed.planned_at, SITE)
    again = session_bundle(signed, signed.planned_at + timedelta(days=3), SITE)
    assert one["entry"] == again["entry"]
    assert (one["id"], one["identifier"]) == (again["id"], again["identifier"])
    assert one["timestamp"] != again["timestamp"]


def test_a_course_bundle_keeps_its_id_when_a_session_is_added(
        db: Database, clock: FakeClock, protocols: dict[str, Protocol],
        signed: SessionReport) -> None:
    before = course_bundle([signed], clock.now(), SITE)
    clock.advance(timedelta(days=4).total_seconds())
    later = write_session(db, clock, protocols["im-kap"], code="K-204", signed=False)
    after = course_bundle([signed, load_session_report(db, later.session_id, CLINIC)],
                          clock.now(), SITE)
    valid(after)
    assert (before["id"], before["identifier"]) == (after["id"], after["identifier"])
    assert after["identifier"]["value"] == "course-K-204"
    assert len(resources(after, "Encounter")) == 2 and len(resources(after, "Patient")) == 1
    assert {e["fullUrl"] for e in before["entry"]} < {e["fullUrl"] for e in after["entry"]}


def test_outcome_measures_travel_with_loinc_totals(db: Database, clock: FakeClock,
                                                   signed: SessionReport) -> None:
    store = OutcomeStore(db, clock, AuditTrail(db, clock))
    doc = next(iter(signed.clinicians))
    phq = store.record("K-204", Instrument.PHQ9, [2] * 9, clock.now(), doc)
    store.record("K-204", Instrument.GAD7, [1] * 7, clock.now(), doc)
    store.record("K-204", Instrument.PCL5, [1] * 20, clock.now(), doc)
    fixed = store.correct(phq.id, [1] * 9, clock.now(), doc, "Item 3 misread")
    data = valid(course_bundle([signed], clock.now(), SITE, measures=store.all("K-204")))
    phq9 = coded(data, "44261-6")
    assert [(o["valueInteger"], o["status"]) for o in phq9] == [(fixed.total, "corrected")]
    assert phq9[0]["identifier"][0]["value"] == str(phq.id)  # the original's id
    assert coded(data, "70274-6")[0]["valueInteger"] == 7
    pcl5 = coded(data, "pcl5-total")  # no verified LOINC code: KAPdesk's own
    assert pcl5[0]["valueInteger"] == 20 and pcl5[0]["category"][0]["coding"][0]["code"] \
        == "survey"
    session = valid(session_bundle(signed, signed.planned_at, SITE,
                                   measures=store.all("K-204")))
    assert len(coded(session, "44261-6")) == 1  # taken the day of the session


def test_the_note_and_its_amendment(signed: SessionReport) -> None:
    data = session_bundle(signed, signed.planned_at, SITE)
    docs = resources(data, "DocumentReference")
    texts = [base64.b64decode(d["content"][0]["attachment"]["data"]).decode() for d in docs]
    assert NOTE_TEXT in texts and len(docs) == 2  # the note and its amendment
    assert {d["docStatus"] for d in docs} == {"final"}


def test_deidentified_bundle_leaves_out_the_free_text(signed: SessionReport) -> None:
    data = valid(session_bundle(signed, signed.planned_at, SITE, deidentified=True))
    text = json.dumps(data, ensure_ascii=False)
    assert not resources(data, "DocumentReference")
    for secret in (PATIENT_NAME, PATIENT_DOB, SCREENING_COMMENT, "Zebulon"):
        assert secret not in text
    assert "K-204" in text


def _only(data: dict[str, Any], kind: str) -> dict[str, Any]:
    found = resources(data, kind)
    assert len(found) == 1
    return found[0]


def test_a_course_has_each_person_once(signed: SessionReport, draft: SessionReport) -> None:
    both = valid(course_bundle([signed, draft], draft.planned_at, SITE))
    assert len(resources(both, "Patient")) == 2  # two patients here: K-204 and K-205
    assert len(resources(both, "Practitioner")) == 2  # the same two clinicians, once each
    assert _only(both, "Organization")["name"] == CLINIC


def test_the_installation_id_is_made_once_and_kept(db: Database, clock: FakeClock,
                                                  signed: SessionReport, tmp_path) -> None:
    from kapdesk.services.exports import ExportRequest, export_session
    from kapdesk.store.settings import SettingsStore

    settings = SettingsStore(db)
    assert settings.get("installation_id") is None
    out = tmp_path / "s.json"
    export_session(db, clock, None, signed.session_id, ExportRequest("fhir", out), CLINIC)
    first = json.loads(out.read_text())
    made = settings.get("installation_id")
    clock.advance(3600)
    export_session(db, clock, None, signed.session_id,
                   ExportRequest("fhir", out, overwrite=True), CLINIC)
    second = json.loads(out.read_text())
    assert settings.get("installation_id") == made and first["entry"] == second["entry"]
    site = FhirSite(made, CLINIC)
    assert first["identifier"]["system"] == site.system("bundle")


def test_a_withdrawn_entry_is_entered_in_error(signed: SessionReport) -> None:
    from dataclasses import replace

    from kapdesk.core.observations import Kind, Observation

    effect = next(o for o in signed.current if o.kind is Kind.SIDE_EFFECT)
    withdrawn = Observation(max(o.id for o in signed.entries) + 1, effect.session_id,
                            Kind.SIDE_EFFECT, effect.observed_at, effect.recorded_at,
                            effect.user_id, {**effect.values, "withdrawn": True},
                            effect.id, "Entered for the wrong patient", True)
    report = replace(signed, entries=(*signed.entries, withdrawn))
    data = valid(session_bundle(report, signed.planned_at, SITE))
    (sent,) = coded(data, "side-effect")
    assert sent["status"] == "entered-in-error"
    assert sent["identifier"][0]["value"] == str(effect.id)


def test_bad_fhir_settings_are_refused_or_ignored(db: Database, clock: FakeClock,
                                                  signed: SessionReport, tmp_path) -> None:
    import pytest

    from kapdesk.services.exports import ExportRefused, ExportRequest, export_session
    from kapdesk.store.settings import SettingsStore

    settings = SettingsStore(db)
    settings.set("fhir_rxnorm", {"ketamine": "6130x", "Ondansetron": "99999901"})
    out = tmp_path / "s.json"
    export_session(db, clock, None, signed.session_id, ExportRequest("fhir", out), CLINIC)
    meds = resources(json.loads(out.read_text()), "MedicationAdministration")
    dose = next(m for m in meds if m["category"]["text"] == "Treatment dose")
    assert dose["contained"][0]["code"] == {"text": "ketamine"}  # not digits: ignored
    prn = next(m for m in meds if m["category"]["text"] == "As needed")
    assert prn["medicationCodeableConcept"]["coding"][0]["code"] == "99999901"
    settings.set("installation_id", "not-a-uuid")
    with pytest.raises(ExportRefused, match=r"installation id .* is not a UUID"):
        export_session(db, clock, None, signed.session_id,
                       ExportRequest("fhir", tmp_path / "t.json"), CLINIC)
    assert not (tmp_path / "t.json").exists()
