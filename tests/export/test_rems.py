"""The REMS Patient Monitoring Form, item by item, filled from an esketamine session."""

import json
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.core.rems import CONCOMITANT, ENROLLED, FIRST_TREATMENT, SERIOUS_EVENT, RemsSetting
from kapdesk.core.rems import missing_items as gaps
from kapdesk.core.report import SessionReport
from kapdesk.export.common import ExportError
from kapdesk.export.rems import rems_document, rems_form, rems_pdf
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.records import RecordStore
from kapdesk.store.reports import load_session_report
from kapdesk.store.sessions import SessionStore
from tests.export.conftest import CLINIC, pdf_text
from tests.export.sample_session import PATIENT_NAME, write_session

SETTING = RemsSetting("Harbour Street Clinic", "12 Harbour Street", "Suite 4", "Portview",
                      "ME", "04101", {"Dr Ana Silva": {"phone": "+1 207 555 0100",
                                                       "email": "ana@harbour.example"}})


def _complete(db: Database, clock: FakeClock, protocol: Protocol) -> SessionReport:
    """An esketamine session whose record answers every REMS item."""
    sample = write_session(db, clock, protocol, code="K-301", signed=False)
    audit = AuditTrail(db, clock)
    PatientStore(db, clock, audit).save("K-301", sample.clinician, sex="female")
    records = RecordStore(db, clock, SessionStore(db, clock, audit), audit)
    report = load_session_report(db, sample.session_id, CLINIC)
    screening, discharge = report.screening, report.of_kind(Kind.DISCHARGE)[-1]
    assert screening is not None
    records.correct(screening.id, sample.clinician, "REMS answers added", {
        "items": {**screening.values["items"], FIRST_TREATMENT: False, ENROLLED: True,
                  CONCOMITANT["benzodiazepines"]: True,
                  **{CONCOMITANT[k]: False for k in ("sedative_hypnotics", "psychostimulants",
                                                     "maois")}}})
    records.correct(discharge.id, sample.clinician, "REMS answer added", {
        "items": {**discharge.values["items"], SERIOUS_EVENT: False},
        "ready_at": discharge.values["ready_at"]})
    return load_session_report(db, sample.session_id, CLINIC)


def test_every_item_of_the_form_from_the_record(db: Database, clock: FakeClock,
                                               protocols: dict[str, Protocol]) -> None:
    form = rems_form(_complete(db, clock, protocols["esketamine-nasal"]), SETTING, UTC)
    v = form.value
    assert (v("first_name"), v("last_name"), v("date_of_birth")) == ("Morgan", "Testperson",
                                                                     "05/12/1984")
    assert v("sex") == "Female" and form.by_hand == ()  # recorded by this clinic
    assert (v("first_treatment"), v("enrolled")) == ("no", "not asked (not the first treatment)")
    assert (v("benzodiazepines"), v("sedative_hypnotics"), v("psychostimulants"),
            v("maois")) == ("yes", "no", "no", "no")
    assert (v("provider_first_name"), v("provider_last_name"), v("provider_phone"),
            v("provider_email")) == ("Ana", "Silva", "+1 207 555 0100", "ana@harbour.example")
    assert (v("setting_name"), v("setting_address1"), v("setting_address2"), v("setting_city"),
            v("setting_state"), v("setting_zip")) == (
        "Harbour Street Clinic", "12 Harbour Street", "Suite 4", "Portview", "ME", "04101")
    assert v("treatment_date") == "03/02/2026" and v("dose") == "84 mg"
    assert v("lot") == "LOT-7731A"
    minutes = v("monitoring_minutes")
    assert minutes is not None and int(minutes) >= 120
    assert v("ready_minutes") == "80"
    assert v("bp_predose") == "124/78 mmHg (T-15)"
    assert (v("bp_40_min") or "").startswith("146/90 mmHg (T+4")
    assert (v("bp_end") or "").startswith("122/78 mmHg (T+11")
    assert v("vitals_ok_before_dosing") == "yes" and v("vitals_ok_before_completion") == "yes"
    assert (v("pulse_oximetry") or "").startswith("yes: 9 readings, lowest 95%")
    assert (v("sedation") or "").startswith("yes: lowest MOAA/S 3")
    assert (v("dissociation") or "").startswith("yes: moderate")
    assert v("respiratory_depression") == "no (lowest SpO2 95%, lowest RR 13/min)"
    assert v("serious_adverse_events") == "no"
    assert form.missing == ()
    assert form.due_by is not None


def test_missing_items_are_named(draft: SessionReport) -> None:
    missing = gaps(draft, RemsSetting())
    for label in ("First treatment", "Benzodiazepines", "Provider telephone", "Address 1",
                  "ZIP", "Serious adverse events"):
        assert label in missing
    assert "Sex" not in missing and "Address 2" not in missing and "Dose administered" \
        not in missing


def test_other_sessions_have_no_rems_items(signed: SessionReport) -> None:
    assert gaps(signed, RemsSetting()) == ()
    with pytest.raises(ExportError, match="not an esketamine nasal spray session"):
        rems_form(signed)


def test_json_and_pdf(draft: SessionReport, tmp_path: Path) -> None:
    doc = json.loads(json.dumps(rems_document(draft, draft.planned_at, tz=UTC,
                                              setting=SETTING)))
    assert doc["format_version"] == 2 and doc["type"] == "kapdesk.rems_form"
    assert doc["fields"]["dose"] == "84 mg" and doc["fields"]["bp_predose"].startswith("124/78")
    assert doc["fields"]["treatment_date"] == "03/05/2026" and doc["due_by"] == "03/12/2026"
    assert "Benzodiazepines" in doc["missing"] and doc["complete_by_hand"] == ["Sex"]
    assert next(i for i in doc["items"] if i["key"] == "benzodiazepines")["missing"] is True
    path = tmp_path / "rems.pdf"
    assert rems_pdf(draft, path, tz=UTC, setting=SETTING) >= 1
    text = " ".join(pdf_text(path).split())
    for fact in ("SPRAVATO REMS", "K-205", "84 mg", "LOT-7731A", "124/78 mmHg (T-15)",
                 "Respiratory depression", "Pulse oximetry", "Serious adverse events",
                 "DRAFT - not signed", "03/12/2026", "05/12/1984", "Morgan",
                 "12 Harbour Street", "complete on the form"):
        assert fact in text, fact
    rems_pdf(draft, path, tz=UTC, deidentified=True, overwrite=True)
    assert PATIENT_NAME.split()[-1] not in pdf_text(path)


def test_due_seven_days_after_the_dose(draft: SessionReport) -> None:
    form = rems_form(draft, SETTING, UTC)
    assert draft.t0 is not None and form.due_by == draft.t0 + timedelta(days=7)


def test_the_sign_check_reads_the_clinic_settings(db: Database, clock: FakeClock,
                                                  protocols: dict[str, Protocol]) -> None:
    from kapdesk.services.rems import rems_gaps
    from kapdesk.store.settings import SettingsStore

    report = _complete(db, clock, protocols["esketamine-nasal"])
    before = rems_gaps(db, report.session_id)
    assert "Provider telephone" in before and "Address 1" in before
    settings = SettingsStore(db)
    settings.set("rems_setting", {"name": SETTING.name, "address1": SETTING.address1,
                                  "city": SETTING.city, "state": SETTING.state,
                                  "zip": SETTING.zip})
    settings.set("provider_contacts", {"Dr Ana Silva": {"phone": "+1 207 555 0100",
                                                        "email": "ana@harbour.example"}})
    assert rems_gaps(db, report.session_id) == ()
    settings.set("provider_contacts", ["not", "a", "mapping"])  # a bad setting: named gaps
    assert "Provider email" in rems_gaps(db, report.session_id)
