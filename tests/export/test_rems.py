"""The REMS monitoring summary, filled from an esketamine session's record."""

import json
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from kapdesk.core.report import SessionReport
from kapdesk.export.common import ExportError
from kapdesk.export.rems import rems_document, rems_pdf, summarise
from tests.export.conftest import pdf_text
from tests.export.sample_session import PATIENT_NAME


def test_summary_fields_from_the_record(draft: SessionReport) -> None:
    s = summarise(draft, UTC)
    assert (s.patient_code, s.dose, s.devices, s.lots) == ("K-205", "84 mg", 3, ("LOT-7731A",))
    assert s.treatment_date == "2026-03-05"
    assert s.monitoring_minutes is not None and s.monitoring_minutes >= 120
    assert s.ready_to_leave.endswith("(T+80)")
    assert s.bp_predose == "124/78 mmHg (T-15)"
    assert s.bp_40_min.startswith("146/90 mmHg (T+4")
    assert s.bp_end.startswith("122/78 mmHg (T+11")
    assert s.vitals_ok_before_dosing == "yes" and s.vitals_ok_before_completion == "yes"
    assert s.sedation.startswith("yes: lowest MOAA/S 3")
    assert s.dissociation.startswith("yes: moderate") and "last none" in s.dissociation
    assert s.respiratory_depression == "no (lowest SpO2 95%, lowest RR 13/min)"
    assert s.concomitant_reviewed == "yes"
    assert set(s.concomitant_given.values()) == {"none given during the session"}
    assert draft.t0 is not None and s.due_by == draft.t0 + timedelta(days=7)
    assert s.missing == () and not s.signed


def test_json_and_pdf(draft: SessionReport, tmp_path: Path) -> None:
    doc = json.loads(json.dumps(rems_document(draft, draft.planned_at, tz=UTC)))
    assert doc["format_version"] == 1 and doc["type"] == "kapdesk.rems_summary"
    assert doc["dose"] == "84 mg" and doc["bp_predose"].startswith("124/78")
    path = tmp_path / "rems.pdf"
    assert rems_pdf(draft, path, tz=UTC) == 1
    text = " ".join(pdf_text(path).split())
    for fact in ("Esketamine REMS", "K-205", "84 mg", "LOT-7731A", "124/78 mmHg (T-15)",
                 "Respiratory depression", "DRAFT - not signed", "2026-03-12"):
        assert fact in text, fact
    rems_pdf(draft, path, tz=UTC, deidentified=True, overwrite=True)
    assert PATIENT_NAME not in pdf_text(path)


def test_only_for_esketamine(signed: SessionReport) -> None:
    with pytest.raises(ExportError, match="not an esketamine nasal spray session"):
        summarise(signed)
