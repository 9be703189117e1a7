"""CSV: one row per observation, parsed back with the csv module, with the right values."""

import csv
from pathlib import Path

import pytest

from kapdesk.core.report import CSV_COLUMNS, SessionReport
from kapdesk.export.common import ExportError
from kapdesk.export.csv_export import export_rows_csv, export_session_csv
from kapdesk.store.connection import Database
from kapdesk.store.reports import observation_rows
from tests.export.sample_session import (
    CORRECTION_REASON,
    NOTE_TEXT,
    PATIENT_DOB,
    PATIENT_NAME,
    SCREENING_COMMENT,
)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        return list(reader)


def test_one_row_per_observation_with_its_values(signed: SessionReport, tmp_path: Path,
                                                 db: Database) -> None:
    path = export_session_csv(signed, tmp_path / "session.csv")
    rows = _read(path)
    assert len(rows) == len(signed.entries) == db.execute(
        "SELECT count(*) FROM observations").fetchone()[0]
    assert [int(r["observation_id"]) for r in rows] == [o.id for o in signed.entries]
    assert {r["patient_code"] for r in rows} == {"K-204"}
    assert {r["protocol"] for r in rows} == {"im-kap"}
    baseline = next(r for r in rows if r["kind"] == "vitals")
    assert (baseline["systolic"], baseline["diastolic"], baseline["heart_rate"],
            baseline["spo2"], baseline["resp_rate"]) == ("124.0", "78.0", "72.0", "98.0", "14.0")
    assert baseline["user"] == "Sam Okafor, RN"
    assert baseline["observed_at"].endswith("+00:00")
    high = next(r for r in rows if r["systolic"] == "182.0")
    assert high["diastolic"] == "112.0" and high["current"] == "1"
    dose = next(r for r in rows if r["kind"] == "dose")
    assert (dose["drug"], dose["dose_mg"], dose["route"], dose["lot"]) == (
        "ketamine", "70.0", "intramuscular", "LOT-7731A")
    med = next(r for r in rows if r["kind"] == "medication")
    assert (med["drug"], med["dose_mg"], med["route"]) == ("Ondansetron", "4.0", "oral")
    assert next(r for r in rows if r["kind"] == "moaas")["score"] == "3"
    assert next(r for r in rows if r["kind"] == "cadss6")["score"] == "7"
    effect = next(r for r in rows if r["kind"] == "side_effect")
    assert (effect["name"], effect["severity"]) == ("Nausea", "mild")
    # the correction points at its original, which stays in the file, no longer current
    fixed = next(r for r in rows if r["reason"] == CORRECTION_REASON)
    original = next(r for r in rows if r["observation_id"] == fixed["corrects"])
    assert (original["systolic"], fixed["systolic"]) == ("145.0", "135.0")
    assert (original["current"], fixed["current"], fixed["amendment"]) == ("0", "1", "0")
    amendments = [r for r in rows if r["amendment"] == "1"]
    assert {r["kind"] for r in amendments} == {"vitals", "note"}
    screening = next(r for r in rows if r["kind"] == "screening")
    assert '"Consent confirmed":true' in screening["items"]
    assert screening["text"] == SCREENING_COMMENT
    discharge = next(r for r in rows if r["kind"] == "discharge")
    assert discharge["ready_at"].startswith("2026-03-02T10:45")


def test_deidentified_csv_has_no_name_birth_date_or_free_text(
        signed: SessionReport, tmp_path: Path) -> None:
    path = export_session_csv(signed, tmp_path / "deid.csv", deidentified=True)
    text = path.read_text(encoding="utf-8")
    for secret in (PATIENT_NAME, PATIENT_DOB, SCREENING_COMMENT, "Zebulon", "Late entry"):
        assert secret not in text
    rows = _read(path)
    assert len(rows) == len(signed.entries)
    assert {r["patient_code"] for r in rows} == {"K-204"}
    assert all(r["text"] == "" and r["reason"] == "" for r in rows)
    assert any(r["systolic"] == "182.0" for r in rows)  # coded values stay


def test_all_observations_stream_from_the_database(signed: SessionReport, draft: SessionReport,
                                                   db: Database, tmp_path: Path) -> None:
    path = export_rows_csv(observation_rows(db), tmp_path / "all.csv")
    rows = _read(path)
    assert len(rows) == len(signed.entries) + len(draft.entries)
    assert [r["patient_code"] for r in rows].count("K-205") == len(draft.entries)
    one = _read(export_rows_csv(observation_rows(db, patient_code="K-205"), tmp_path / "1.csv"))
    assert len(one) == len(draft.entries)
    deid = export_rows_csv(observation_rows(db, deidentified=True), tmp_path / "d.csv")
    assert NOTE_TEXT[:20] not in deid.read_text() and "Zebulon" not in deid.read_text()


def test_unwritable_targets_are_clear_errors(signed: SessionReport, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_session_csv(signed, tmp_path / "missing" / "x.csv")
    with pytest.raises(ExportError, match="is a folder"):
        export_session_csv(signed, tmp_path)
    assert not list(tmp_path.rglob("*.part")) and not list(tmp_path.rglob("*.csv"))
