"""`kapdesk export` and `kapdesk rems-due`, run as a user would, on the demo database."""

import csv
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def kapdesk(*args: str, password: str | None = "demo-password"):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KAPDESK_PASSWORD", None)
    if password is not None:
        env["KAPDESK_PASSWORD"] = password
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=180, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "data"
    assert kapdesk("demo", "--data-dir", str(folder)).returncode == 0
    return folder


def _signed_session(folder: Path) -> int:
    with closing(sqlite3.connect(folder / "kapdesk.sqlite3")) as db:
        return db.execute("SELECT min(session_id) FROM signatures").fetchone()[0]


def _exports_audited(demo, sid) -> tuple[int, int | None]:
    with closing(sqlite3.connect(demo / "kapdesk.sqlite3")) as db:
        found = db.execute("SELECT count(*), min(user_id) FROM audit WHERE action = 'export'"
                           " AND entity = 'session' AND entity_id = ?", [sid]).fetchone()
    return int(found[0]), found[1]


def test_session_exports_in_every_format_and_each_is_audited(demo, tmp_path):
    sid = _signed_session(demo)
    before, _by = _exports_audited(demo, sid)  # the demo folder is shared by this module
    for fmt in ("pdf", "csv", "json", "fhir"):
        out = tmp_path / f"s.{fmt}"
        result = kapdesk("export", "--data-dir", str(demo), "--session", str(sid), "--format",
                         fmt, "--out", str(out), "--user", "ada.quill")
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 200 and (out.stat().st_mode & 0o777) == 0o600
    with (tmp_path / "s.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {r["session_id"] for r in rows} == {str(sid)}
    assert json.loads((tmp_path / "s.json").read_text())["format_version"] == 1
    assert json.loads((tmp_path / "s.fhir").read_text())["resourceType"] == "Bundle"
    with closing(sqlite3.connect(demo / "kapdesk.sqlite3")) as db:
        ada = db.execute("SELECT id FROM users WHERE username = 'ada.quill'").fetchone()[0]
    after, by = _exports_audited(demo, sid)
    assert (after - before, by) == (4, ada)


def test_patient_export_deidentified_has_no_name(demo, tmp_path):
    out = tmp_path / "p.json"
    result = kapdesk("export", "--data-dir", str(demo), "--patient", "K-101", "--format",
                     "json", "--out", str(out), "--deidentify", "--user", "ada.quill")
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "K-101" in text and "Morgan Vale" not in text and "1984-05-12" not in text


@pytest.mark.parametrize("args,message", [
    (["--session", "9999", "--format", "pdf"], "There is no session 9999."),
    (["--patient", "NOPE", "--format", "csv"], "NOPE"),
    (["--session", "1", "--format", "docx"], "invalid choice: 'docx'"),
])
def test_bad_requests_exit_2_with_one_line(demo, tmp_path, args, message):
    result = kapdesk("export", "--data-dir", str(demo), *args, "--out",
                     str(tmp_path / "x.out"), "--user", "ada.quill")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_unwritable_destination_and_missing_credentials(demo, tmp_path):
    sid = str(_signed_session(demo))
    missing = kapdesk("export", "--data-dir", str(demo), "--session", sid, "--format", "pdf",
                      "--out", str(tmp_path / "no" / "x.pdf"), "--user", "ada.quill")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    nobody = kapdesk("export", "--data-dir", str(demo), "--session", sid, "--format", "pdf",
                     "--out", str(tmp_path / "x.pdf"))
    assert nobody.returncode == 2 and "--user" in nobody.stderr
    wrong = kapdesk("export", "--data-dir", str(demo), "--session", sid, "--format", "pdf",
                    "--out", str(tmp_path / "x.pdf"), "--user", "ada.quill",
                    password="wrong password")
    assert wrong.returncode == 2 and "wrong password" in wrong.stderr
    staff = kapdesk("export", "--data-dir", str(demo), "--session", sid, "--format", "pdf",
                    "--out", str(tmp_path / "x.pdf"), "--user", "riley.park")
    assert staff.returncode == 2 and "cannot export records" in staff.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_rems_due_lists_unexported_esketamine_sessions(demo):
    result = kapdesk("rems-due", "--data-dir", str(demo), "--user", "ada.quill")
    assert result.returncode == 0
    assert result.stdout.strip().endswith("REMS monitoring form(s) due")


def test_an_existing_file_needs_force_and_a_link_is_refused(demo, tmp_path):
    sid = str(_signed_session(demo))
    out = tmp_path / "note.csv"
    out.write_text("the clinic's own file")
    args = ("export", "--data-dir", str(demo), "--session", sid, "--format", "csv", "--user",
            "ada.quill")
    kept = kapdesk(*args, "--out", str(out))
    assert kept.returncode == 2 and "already exists" in kept.stderr and "--force" in kept.stderr
    assert out.read_text() == "the clinic's own file"
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    refused = kapdesk(*args, "--out", str(link), "--force")
    assert refused.returncode == 2 and "is a symbolic link" in refused.stderr
    assert not (tmp_path / "elsewhere.csv").exists()
    forced = kapdesk(*args, "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert out.read_text(encoding="utf-8").startswith("observation_id,")
    assert not list(tmp_path.glob(".*.part"))


def test_rems_due_lists_patient_codes_only_to_a_signed_in_clinician(demo):
    nobody = kapdesk("rems-due", "--data-dir", str(demo))
    assert nobody.returncode == 2 and "--user" in nobody.stderr and not nobody.stdout
    wrong = kapdesk("rems-due", "--data-dir", str(demo), "--user", "ada.quill",
                    password="not-the-password")
    assert wrong.returncode == 2 and "wrong password" in wrong.stderr and not wrong.stdout
    staff = kapdesk("rems-due", "--data-dir", str(demo), "--user", "riley.park")
    assert staff.returncode == 2 and "cannot see notes and patient details" in staff.stderr
    assert "K-1" not in staff.stdout + staff.stderr
    asked = kapdesk("rems-due", "--data-dir", str(demo), "--user", "ada.quill", password=None)
    assert asked.returncode == 2 and "KAPDESK_PASSWORD" in asked.stderr  # no terminal
