"""Files that are safe to write and to open: formula cells neutralised, nothing but a
regular file ever replaced (and that only when asked), no temporary copy of the records
left behind by a stopped export, and the audit saying an export started and how it ended."""

import csv
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.observations import Kind
from kapdesk.core.protocol import Protocol
from kapdesk.export.common import ExportError, ExportExists, write_text
from kapdesk.export.csv_export import export_session_csv, neutralise
from kapdesk.services.exports import ExportRequest, export_patient, export_session
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.records import RecordStore
from kapdesk.store.reports import load_session_report
from kapdesk.store.sessions import SessionStore
from tests.export.conftest import CLINIC
from tests.export.sample_session import Sample, write_session

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1", "-cmd|' /C calc'!A0"])
def test_a_cell_that_would_run_as_a_formula_gets_a_quote(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", [-3, -3.5, 0, "-3", "+4", "-0.5", "Nausea", "", None,
                                  "K-204", "2026-03-02T09:40:00.000000+00:00"])
def test_numbers_and_plain_text_are_left_as_they_are(cell: object) -> None:
    assert neutralise(cell) == cell


def test_csv_of_a_hostile_record_opens_as_text(db: Database, clock: FakeClock,
                                               protocols: dict[str, Protocol],
                                               tmp_path: Path) -> None:
    sample = write_session(db, clock, protocols["im-kap"], code="=1+2", signed=False)
    audit = AuditTrail(db, clock)
    records = RecordStore(db, clock, SessionStore(db, clock, audit), audit)
    records.record(sample.session_id, Kind.SIDE_EFFECT,
                   {"name": "@SUM(1+1)*cmd|' /C calc'!A0", "severity": "mild"}, sample.nurse)
    records.record(sample.session_id, Kind.RASS, {"score": -3}, sample.nurse)
    report = load_session_report(db, sample.session_id, CLINIC)
    out = export_session_csv(report, tmp_path / "s.csv")
    raw = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(raw.splitlines()))
    assert {r["patient_code"] for r in rows} == {"'=1+2"}
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in {r["name"] for r in rows}
    rass = next(r for r in rows if r["kind"] == "rass")
    assert rass["score"] == "-3" and ",-3," in raw  # a number, unquoted, no quote mark
    streamed = tmp_path / "p.csv"
    export_patient(db, clock, None, "=1+2", ExportRequest("csv", streamed), CLINIC)
    streamed_rows = csv.DictReader(streamed.read_text(encoding="utf-8").splitlines())
    assert {r["patient_code"] for r in streamed_rows} == {"'=1+2"}


def test_an_existing_file_is_replaced_only_when_asked(signed_sample: Sample, db: Database,
                                                       clock: FakeClock, tmp_path: Path) -> None:
    out = tmp_path / "note.json"
    out.write_text("someone else's file")
    with pytest.raises(ExportExists, match=r"already exists.*--force"):
        export_session(db, clock, None, signed_sample.session_id, ExportRequest("json", out),
                       CLINIC)
    assert out.read_text() == "someone else's file"
    export_session(db, clock, None, signed_sample.session_id,
                   ExportRequest("json", out, overwrite=True), CLINIC)
    assert json.loads(out.read_text())["type"] == "kapdesk.session"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def _special(kind: str, path: Path) -> str:
    if kind == "folder":
        path.mkdir()
        return "is a folder"
    if kind == "symlink":
        path.symlink_to(path.parent / "elsewhere.txt")
        return "is a symbolic link, not a regular file"
    if kind == "fifo":
        os.mkfifo(path)
        return "is a FIFO \\(named pipe\\), not a regular file"
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # the null device
    return "is a character device node, not a regular file"


@pytest.mark.parametrize("kind", ["folder", "symlink", "fifo", "device"])
def test_nothing_but_a_regular_file_is_replaced_even_with_force(
        kind: str, signed_sample: Sample, db: Database, clock: FakeClock,
        tmp_path: Path) -> None:
    out = tmp_path / "target.pdf"
    words = _special(kind, out)
    for force in (False, True):
        with pytest.raises(ExportError, match=words):
            export_session(db, clock, None, signed_sample.session_id,
                           ExportRequest("pdf", out, overwrite=force), CLINIC)
    assert not (tmp_path / "elsewhere.txt").exists()
    assert os.lstat(out).st_mode & 0o170000 == {"folder": stat.S_IFDIR, "symlink": stat.S_IFLNK,
                                               "fifo": stat.S_IFIFO,
                                               "device": stat.S_IFCHR}[kind]
    assert not list(tmp_path.glob(".*.part"))


_STALLED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kapdesk.export.common import finish_on_terminate, write_text

    def write(out):
        out.write("observation_id,patient_code\\r\\n1,K-204\\r\\n")
        out.flush()
        print("writing", flush=True)
        time.sleep(60)

    with finish_on_terminate():
        write_text(Path(sys.argv[1]), write)
""")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_export_leaves_no_copy_of_the_records(how: signal.Signals,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "records.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen([sys.executable, "-c", _STALLED, str(out)], stdout=subprocess.PIPE,
                          text=True, env=env) as child:
        assert child.stdout is not None and child.stdout.readline() == "writing\n"
        parts = list(tmp_path.glob(".records.csv.*.part"))
        assert len(parts) == 1 and stat.S_IMODE(parts[0].stat().st_mode) == 0o600
        child.send_signal(how)
        child.wait(timeout=30)
    assert not out.exists()
    left = list(tmp_path.glob(".*.part"))
    if how is signal.SIGTERM:  # caught: the temporary file is removed at once
        assert child.returncode == 128 + signal.SIGTERM and left == []
        return
    assert len(left) == 1  # SIGKILL cannot be caught: the next export removes it
    (tmp_path / ".other.csv.kapdesk-export-0123.part").write_text("another file's")
    write_text(out, lambda handle: handle.write("done"))
    assert out.read_text() == "done"
    assert [p.name for p in tmp_path.glob(".*.part")] == [".other.csv.kapdesk-export-0123.part"]


def _export_rows(db: Database) -> list[tuple[str, dict]]:
    return [(r["action"], json.loads(r["new"])) for r in AuditTrail(db, None).rows("session")
            if r["action"].startswith("export")]


def test_the_audit_says_an_export_started_and_how_it_ended(signed_sample: Sample, db: Database,
                                                            clock: FakeClock,
                                                            tmp_path: Path) -> None:
    sid = signed_sample.session_id
    export_session(db, clock, None, sid, ExportRequest("csv", tmp_path / "a.csv"), CLINIC)
    clock.advance(timedelta(minutes=1).total_seconds())
    with pytest.raises(ExportError, match="page size 'a5'"):
        export_session(db, clock, None, sid, ExportRequest("pdf", tmp_path / "b.pdf",
                                                           page_size="a5"), CLINIC)
    rows = _export_rows(db)
    ids = [r["id"] for r in AuditTrail(db, None).rows("session")
           if r["action"] == "export_started"]
    assert [a for a, _ in rows] == ["export_started", "export", "export_started",
                                    "export_failed"]
    assert rows[1][1]["started"] == ids[0] and rows[3][1]["started"] == ids[1]
    assert "page size 'a5'" in rows[3][1]["error"]
    assert not (tmp_path / "b.pdf").exists() and not list(tmp_path.glob(".*.part"))
