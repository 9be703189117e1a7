"""JSON: everything, with format_version 1; loads back with the key facts."""

import json
from pathlib import Path

from kapdesk.core.report import SessionReport
from kapdesk.export.json_export import course_document, export_json, session_document
from kapdesk.store.connection import Database
from kapdesk.store.reports import load_course_report
from tests.export.conftest import CLINIC
from tests.export.sample_session import (
    AMENDMENT_TEXT,
    CORRECTION_REASON,
    NOTE_TEXT,
    PATIENT_DOB,
    PATIENT_NAME,
    SCREENING_COMMENT,
)


def test_session_json_round_trips_the_record(signed: SessionReport, tmp_path: Path) -> None:
    path = export_json(session_document(signed, signed.planned_at), tmp_path / "s.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format_version"] == 1 and doc["type"] == "kapdesk.session"
    assert doc["clinic"] == CLINIC and doc["deidentified"] is False
    assert doc["patient"] == {"code": "K-204", "name": PATIENT_NAME,
                              "date_of_birth": PATIENT_DOB, "weight_kg": 68.0,
                              "allergies": "Penicillin (rash)", "sex": None}
    session = doc["session"]
    assert session["id"] == signed.session_id and session["state"] == "closed"
    assert session["protocol"]["id"] == "im-kap" and session["t0"].endswith("+00:00")
    obs = doc["observations"]
    assert len(obs) == len(signed.entries)
    assert sum(o["current"] for o in obs) == len(signed.current)
    fixed = next(o for o in obs if o["reason"] == CORRECTION_REASON)
    original = next(o for o in obs if o["id"] == fixed["corrects"])
    assert (original["values"]["systolic"], fixed["values"]["systolic"]) == (145, 135)
    assert not original["current"] and round(fixed["minute"]) == 46
    assert {a["rule"] for a in doc["alerts"]} == {"bp_high", "bp_rise", "moaas_low"}
    assert all(a["acknowledged_at"] for a in doc["alerts"])
    assert doc["note"] == NOTE_TEXT
    assert any(o["values"].get("text") == AMENDMENT_TEXT for o in obs)
    assert doc["signature"]["name"] == "Dr Ana Silva"
    assert doc["discharge"]["ready_at"].startswith("2026-03-02T10:45")
    assert [t["to_state"] for t in doc["transitions"]][-1] == "closed"
    assert [m["title"] for m in doc["music"]][1] == "Long Light (peak)"
    assert any(c["cue_kind"] == "lights" for c in doc["cue_events"])
    assert {c["name"] for c in doc["clinicians"]} == {"Dr Ana Silva", "Sam Okafor, RN"}


def test_deidentified_json_keeps_the_code_only(signed: SessionReport) -> None:
    doc = session_document(signed, deidentified=True)
    text = json.dumps(doc, ensure_ascii=False)
    assert doc["patient"] == {"code": "K-204"} and doc["deidentified"] is True
    for secret in (PATIENT_NAME, PATIENT_DOB, SCREENING_COMMENT, NOTE_TEXT[:30], "Zebulon",
                   AMENDMENT_TEXT, "Penicillin"):
        assert secret not in text
    assert doc["note"] is None
    assert len(doc["observations"]) == len(signed.entries)


def test_course_json(signed: SessionReport, draft: SessionReport, db: Database) -> None:
    course = load_course_report(db, "K-204", CLINIC)
    doc = json.loads(json.dumps(course_document(course, [signed])))
    assert doc["format_version"] == 1 and doc["type"] == "kapdesk.course"
    assert [d["dose_mg"] for d in doc["doses"]] == [70.0]
    assert doc["sessions"][0]["lowest_moaas"] == 3
    assert doc["session_reports"][0]["session"]["id"] == signed.session_id
    deid = json.dumps(course_document(course, [signed], deidentified=True))
    assert PATIENT_NAME not in deid and NOTE_TEXT[:30] not in deid
