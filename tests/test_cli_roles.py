"""The role matrix through the CLI's own entry point (kapdesk.cli.main, in process): each
command that acts on the records (export of a session or a patient, backup, restore, the
REMS forms due) for admin, clinician, staff and nobody signed in (no --user). Allowed: exit
0 and the file written; refused: exit 2 with one line naming the role and the action, and
nothing written. The checks are the operations' (kapdesk.services), the same the window
calls (tests/services/test_role_matrix.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kapdesk import cli
from kapdesk.core.clock import SystemClock
from kapdesk.core.observations import Kind
from kapdesk.core.permissions import ROLE_WORDS, Action, Role, allowed
from kapdesk.core.session import State
from kapdesk.paths import Paths
from kapdesk.wiring import build_services, create_account

PASSWORD = "cli-role-password-1"
ROLES = ("admin", "clinician", "staff", None)
VITALS = {"systolic": 124, "diastolic": 78, "heart_rate": 72, "spo2": 98, "resp_rate": 14}


def _folder(data_dir: Path, protocols) -> int:
    """Three accounts with passwords, one dosed esketamine session (its REMS form due)."""
    ctx = build_services(Paths(data_dir), SystemClock())
    users = {role: create_account(ctx, f"{role.title()} Invented", role, role, PASSWORD)
             for role in ("admin", "clinician", "staff")}
    doc = users["clinician"]
    sid = ctx.ops.sessions.plan(doc, _plan(protocols)).value.id
    for target in (State.PREPARING, State.DOSED):
        ctx.ops.sessions.advance(doc, sid, target, "Invented test session")
    ctx.ops.records.record(doc, sid, Kind.VITALS, VITALS)
    ctx.ops.backups.backup(users["admin"])  # one to restore
    ctx.db.close()
    if ctx.lock is not None:
        ctx.lock.release()
    return sid


def _plan(protocols):  # type: ignore[no-untyped-def]
    from kapdesk.services.session_ops import PlanRequest

    return PlanRequest("K-300", protocols["esketamine-nasal"])


def _audit_rows(data_dir: Path) -> int:
    conn = sqlite3.connect(data_dir / "kapdesk.sqlite3")
    try:
        return int(conn.execute("SELECT count(*) FROM audit WHERE action NOT IN "
                                "('login', 'login_failed')").fetchone()[0])
    finally:
        conn.close()


Command = Callable[[Path, Path, int], list[str]]

COMMANDS: dict[str, tuple[Action, Command]] = {
    "export --session": (Action.EXPORT, lambda d, out, sid: [
        "export", "--data-dir", str(d), "--session", str(sid), "--format", "csv",
        "--out", str(out / "s.csv")]),
    "export --patient": (Action.EXPORT, lambda d, out, sid: [
        "export", "--data-dir", str(d), "--patient", "K-300", "--format", "json",
        "--out", str(out / "p.json")]),
    "backup": (Action.BACKUP, lambda d, out, sid: [
        "backup", "--data-dir", str(d), "--to", str(out / "b.sqlite3")]),
    "restore": (Action.BACKUP, lambda d, out, sid: [
        "restore", "--data-dir", str(d),
        str(sorted((d / "backups").glob("kapdesk-*.sqlite3"))[-1])]),
    "rems-due": (Action.VIEW_RECORD, lambda d, out, sid: ["rems-due", "--data-dir", str(d)]),
}


CASES = [pytest.param(name, role, id=f"{name}-{role or 'signed-out'}")
         for name in COMMANDS for role in ROLES
         if not (name == "rems-due" and role is None)]  # --user is required: see below


@pytest.mark.parametrize(("name", "role"), CASES)
def test_every_command_for_every_role(data_dir, protocols, tmp_path, capsys, monkeypatch,
                                      name, role):
    sid = _folder(data_dir, protocols)
    out = tmp_path / "out"
    out.mkdir()
    action, command = COMMANDS[name]
    argv = command(data_dir, out, sid)
    if role is not None:
        argv += ["--user", role]
        monkeypatch.setenv("KAPDESK_PASSWORD", PASSWORD)
    before = _audit_rows(data_dir)
    capsys.readouterr()
    code = cli.main(argv)
    said = capsys.readouterr()
    if role is not None and allowed(role, action):
        assert code == 0, said.err
        assert said.out.strip() and not said.err
        if name != "rems-due":
            assert name == "restore" or any(out.iterdir())
        return
    assert code == 2 and not said.out
    (line,) = said.err.strip().splitlines()
    who = "Signed out" if role is None else f"Signed in as {ROLE_WORDS[Role(role)]}"
    assert line.startswith(f"kapdesk: {who}, you cannot {action.value}"), line
    if role is None:
        assert "--user" in line
    assert not any(out.iterdir()), f"{name} refused for {role}, yet a file was written"
    assert _audit_rows(data_dir) == before, f"{name} refused for {role}, yet audited"


def test_rems_due_needs_a_user_before_anything(data_dir, protocols, capsys):
    _folder(data_dir, protocols)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["rems-due", "--data-dir", str(data_dir)])
    assert stopped.value.code == 2 and "--user" in capsys.readouterr().err


def test_a_new_folder_backs_up_and_exports_with_nobody_signed_in(data_dir, tmp_path, capsys):
    """No account can sign in yet (a new data folder): nothing to protect, nobody to ask."""
    assert cli.main(["backup", "--data-dir", str(data_dir), "--to",
                     str(tmp_path / "first.sqlite3")]) == 0
    assert (tmp_path / "first.sqlite3").exists()
    conn = sqlite3.connect(data_dir / "kapdesk.sqlite3")
    try:
        (who,) = conn.execute("SELECT user_id FROM audit WHERE action = 'backup'").fetchone()
    finally:
        conn.close()
    assert who is None
