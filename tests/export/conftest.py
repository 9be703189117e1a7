"""Export fixtures: full sessions written through the real stores, loaded as reports."""

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import Protocol
from kapdesk.core.report import SessionReport
from kapdesk.store.connection import Database
from kapdesk.store.reports import load_session_report
from tests.export.sample_session import Sample, write_session

CLINIC = "Harbour Street Clinic"


@pytest.fixture(autouse=True)
def _gui(qapp):  # pytest-qt's QApplication: Qt painting needs one, with fonts
    return qapp


@pytest.fixture
def signed_sample(db: Database, clock: FakeClock, protocols: dict[str, Protocol]) -> Sample:
    """An intramuscular KAP session, signed, with an amendment after sign-off."""
    return write_session(db, clock, protocols["im-kap"])


@pytest.fixture
def draft_sample(db: Database, clock: FakeClock, protocols: dict[str, Protocol],
                 signed_sample: Sample) -> Sample:
    """Three days later, an esketamine session for another patient, left unsigned."""
    clock.advance(timedelta(days=3).total_seconds())
    return write_session(db, clock, protocols["esketamine-nasal"], code="K-205", signed=False)


@pytest.fixture
def signed(db: Database, signed_sample: Sample) -> SessionReport:
    return load_session_report(db, signed_sample.session_id, CLINIC, signed_sample.plays)


@pytest.fixture
def draft(db: Database, draft_sample: Sample) -> SessionReport:
    return load_session_report(db, draft_sample.session_id, CLINIC, draft_sample.plays)


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text of a PDF (one page, or all) as poppler's pdftotext reads it."""
    assert shutil.which("pdftotext"), "pdftotext is missing: apt-get install poppler-utils"
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_pages(path: Path) -> tuple[int, str]:
    """Number of pages and the page size line of `pdfinfo`."""
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                         text=True).stdout
    info = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return int(info["Pages"]), info["Page size"].strip()
