"""CSV: one row per observation (originals, corrections and amendments alike).

A text cell that a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a
carriage return: OWASP "CSV Injection") is written with a single quote before it, so it is
shown as the text it is; numbers stay numbers (a RASS of -3 is still a number).

The columns are kapdesk.core.report.CSV_COLUMNS, described in docs/exports.md. A session
report is flattened here; many sessions stream from the store's SQL
(kapdesk.store.reports.observation_rows), which yields the very same rows.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from kapdesk.core.deidentify import deidentify
from kapdesk.core.observations import Observation
from kapdesk.core.report import CSV_COLUMNS, VALUE_COLUMNS, SessionReport
from kapdesk.export.common import utc_iso, write_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset(FORMULA_STARTS)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """A cell as a spreadsheet may open it: text that would start a formula gets a leading
    single quote; numbers, and text that is exactly a number, are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def observation_row(report: SessionReport, obs: Observation, current: bool) -> tuple[Any, ...]:
    values = obs.values
    score = values.get("score", values.get("total"))
    text = values.get("text", values.get("comment"))
    return (
        obs.id, report.session_id, report.patient.code, report.protocol.id,
        utc_iso(obs.observed_at), utc_iso(obs.recorded_at), obs.kind.value,
        *(_cell(values.get(k)) if k != "score" else _cell(score) for k in VALUE_COLUMNS),
        _cell(values.get("items")), values.get("ready_at"),
        None if report.deidentified else text,
        report.clinicians.get(obs.user_id), obs.corrects, int(obs.amendment), obs.reason,
        int(current),
    )


def session_rows(report: SessionReport) -> list[tuple[Any, ...]]:
    current = {o.id for o in report.current}
    return [observation_row(report, o, o.id in current) for o in report.entries]


def write_rows(rows: Iterable[tuple[Any, ...]], out: IO[str]) -> int:
    """The header and the rows; returns how many rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for chunk in _chunks(rows):
        # only text whose first character can start a formula goes through neutralise
        writer.writerows([[neutralise(v) if type(v) is str and v[:1] in _FIRST else v
                           for v in row] for row in chunk])
        count += len(chunk)
    return count


def _chunks(rows: Iterable[tuple[Any, ...]], size: int = 5000) -> Iterable[list[Any]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def export_session_csv(report: SessionReport, path: Path, *, deidentified: bool = False,
                       overwrite: bool = False) -> Path:
    if deidentified and not report.deidentified:
        report = deidentify(report)
    rows = session_rows(report)
    return write_text(path, lambda out: write_rows(rows, out), overwrite=overwrite)


def export_rows_csv(rows: Iterable[tuple[Any, ...]], path: Path, *,
                    overwrite: bool = False) -> Path:
    """Rows from kapdesk.store.reports.observation_rows (already de-identified if asked)."""
    return write_text(path, lambda out: write_rows(rows, out), overwrite=overwrite)
