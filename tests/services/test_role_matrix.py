"""The role-by-action matrix of every operation in kapdesk.services, over a real SQLite file
built through kapdesk.wiring: for each action and each of admin, clinician, staff and
nobody signed in, the action is done (and written, and audited) or refused with words that
name the action and the role, writing nothing, leaving no file behind.

The session and record actions are staged as in test_operations; this adds export,
backup, restore, the account changes, the playlist save, the settings (the room's choices,
anyone's; the clinic's, an admin's), the room's own writes (cue due or escalated, heartbeat,
clock change, what the start found: anyone signed in), and the signed-out column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kapdesk.core.accounts import User
from kapdesk.core.clock import FakeClock, Heartbeat
from kapdesk.core.cues import CueEventKind
from kapdesk.core.observations import CADSS6_ITEMS
from kapdesk.core.permissions import Action, PermissionDenied, allowed
from kapdesk.core.playlist import PlaylistSet, Track
from kapdesk.core.session import State
from kapdesk.services.backup_ops import restore_backup
from kapdesk.services.exports import ExportRequest
from kapdesk.services.operations import Op, OpChanges
from kapdesk.store.backup import list_backups
from kapdesk.store.database import open_database
from tests.services.test_operations import OPERATIONS as SESSION_AND_RECORD
from tests.services.test_operations import PASSWORD, World

ROLES = ("admin", "clinician", "staff", None)  # None: nobody signed in
ANY_SIGNED_IN = None  # an entry's action when every role may, but somebody must be signed in


class Matrix(World):
    """One clinic (clinician, staff, admin, each with a password) and a place for files."""

    def __init__(self, data_dir: Path, clock: FakeClock, protocols: dict[str, Any],
                 out: Path) -> None:
        super().__init__(data_dir, clock, protocols)
        self.out = out
        out.mkdir()

    def who(self, role: str | None) -> User | None:
        return self.users[role] if role is not None else None

    def rows(self) -> tuple[int, ...]:
        users = self.ctx.db.execute("SELECT count(*), group_concat(role || active || "
                                    "coalesce(password_hash, '') || coalesce(pin_hash, ''))"
                                    " FROM users").fetchone()
        settings = self.ctx.db.execute("SELECT group_concat(key || '=' || value, ';') FROM "
                                       "(SELECT key, value FROM settings ORDER BY key)"
                                       ).fetchone()
        return (*super().rows(), hash(settings[0]), users[0], hash(users[1]))

    def files(self) -> list[Path]:
        return sorted(self.out.rglob("*")) + list_backups(self.ctx.paths.backups_dir) + \
            sorted(self.ctx.paths.playlists_dir.rglob("*"))

    def a_nurse_account(self) -> int:
        return self.ctx.ops.accounts.create(self.users["admin"], "Nurse Invented", "nurse1",
                                            "clinician", PASSWORD).value.id


Act = Callable[[Matrix, User | None], Any]
Stage = Callable[[Matrix], Act]


@dataclass(frozen=True)
class Entry:
    action: Action | None  # None: any signed-in user (ANY_SIGNED_IN)
    stage: Stage
    refusal: str  # the words naming the action, after "Signed in as ..., " / "Signed out, "
    writes: bool = True


def _export_session(m: Matrix) -> Act:
    sid = m.discharged()
    return lambda m, u: m.ctx.ops.exports.session(u, sid, ExportRequest("csv", m.out / "s.csv"))


def _export_patient(m: Matrix) -> Act:
    m.discharged()
    return lambda m, u: m.ctx.ops.exports.patient(u, "K-100",
                                                  ExportRequest("json", m.out / "p.json"))


def _rems_due(m: Matrix) -> Act:
    m.discharged()
    return lambda m, u: m.ctx.ops.exports.rems_due(u)


def _backup(m: Matrix) -> Act:
    return lambda m, u: m.ctx.ops.backups.backup(u, m.out / "by-hand.sqlite3")


def _automatic_backup(m: Matrix) -> Act:
    return lambda m, u: m.ctx.ops.backups.automatic(u, "session 1 closed")


def _create_account(m: Matrix) -> Act:
    return lambda m, u: m.ctx.ops.accounts.create(u, "Kim Invented", "kim", "staff",
                                                  "kim-password-1")


def _set_role(m: Matrix) -> Act:
    uid = m.a_nurse_account()
    return lambda m, u: m.ctx.ops.accounts.set_role(u, uid, "staff")


def _reset_password(m: Matrix) -> Act:
    uid = m.a_nurse_account()
    return lambda m, u: m.ctx.ops.accounts.reset_password(u, uid, "a-new-password-9")


def _deactivate(m: Matrix) -> Act:
    uid = m.a_nurse_account()
    return lambda m, u: m.ctx.ops.accounts.deactivate(u, uid)


def _list_accounts(m: Matrix) -> Act:
    return lambda m, u: m.ctx.ops.accounts.active(u)


def _set_pin(m: Matrix) -> Act:
    return lambda m, u: m.ctx.ops.accounts.set_pin(u, "2468")


def _save_playlist(m: Matrix) -> Act:
    folder = m.ctx.paths.playlists_dir / "evening-slow"
    m.ctx.paths.playlists_dir.mkdir(parents=True, exist_ok=True)
    tracks = {"onset": [Track(m.out / "a.ogg")], "peak": [Track(m.out / "b.ogg")]}
    return lambda m, u: m.ctx.ops.playlists.save(
        u, PlaylistSet("evening-slow", "Evening, slow", folder, phases=tracks))


def cannot(action: Action) -> str:
    return f"you cannot {action.value}"


def _add_veto(m: Matrix) -> Act:
    m.planned()
    return lambda m, u: m.ctx.ops.music.add_veto(u, "K-100", m.out / "bells.ogg",
                                                 "Dislikes bells")


def _lift_veto(m: Matrix) -> Act:
    m.planned()
    m.ctx.ops.music.add_veto(m.users["staff"], "K-100", m.out / "bells.ogg", "Dislikes bells")
    return lambda m, u: m.ctx.ops.music.remove_veto(u, "K-100", m.out / "bells.ogg",
                                                    "Asked for it back")


def _cue(kind: CueEventKind, data: dict[str, Any] | None = None) -> Stage:
    def staged(m: Matrix) -> Act:
        sid = m.dosed()
        return lambda m, u: m.ctx.ops.sessions.answer_cue(u, sid, "vitals#1", kind, data)
    return staged


def _setting(key: str, value: Any) -> Stage:
    return lambda m: lambda m, u: m.ctx.ops.settings.change(u, key, value)


CADSS = {str(n): f"Invented wording {n}" for n in CADSS6_ITEMS}
ROOM_SETTINGS = "you cannot change the room's settings"


def _cue_seen(kind: CueEventKind) -> Stage:
    def staged(m: Matrix) -> Act:
        sid = m.dosed()
        return lambda m, u: m.ctx.ops.room.cue_seen(u, sid, "vitals#1", kind, {"due_s": 0.0})
    return staged


def _heartbeat(m: Matrix) -> Act:
    return lambda m, u: m.ctx.ops.room.beat(u, Heartbeat.read(m.clock))


def _clock_change(m: Matrix) -> Act:
    sid = m.dosed()
    return lambda m, u: m.ctx.ops.room.clock_changed(
        u, sid, "suspend", 600.0, m.clock.now(), Heartbeat.read(m.clock),
        [("vitals#1", 300.0)], "the laptop was asleep")


def _closure(m: Matrix) -> Act:
    sid = m.dosed()
    return lambda m, u: m.ctx.ops.room.closure(
        u, sid, m.clock.now(), None, {"closed_s": 900.0}, [], Heartbeat.read(m.clock))


MATRIX: dict[str, Entry] = {
    **{name: Entry(action, stage, cannot(action))
       for name, (action, stage) in SESSION_AND_RECORD.items()},
    "export a session": Entry(Action.EXPORT, _export_session, cannot(Action.EXPORT)),
    "export a patient": Entry(Action.EXPORT, _export_patient, cannot(Action.EXPORT)),
    "list the REMS forms due": Entry(Action.VIEW_RECORD, _rems_due, cannot(Action.VIEW_RECORD),
                                     writes=False),
    "back up now": Entry(Action.BACKUP, _backup, cannot(Action.BACKUP)),
    "automatic backup": Entry(ANY_SIGNED_IN, _automatic_backup,
                              r"the backup \(session 1 closed\) is not made"),
    "create an account": Entry(Action.MANAGE_ACCOUNTS, _create_account,
                               cannot(Action.MANAGE_ACCOUNTS)),
    "change a role": Entry(Action.MANAGE_ACCOUNTS, _set_role, cannot(Action.MANAGE_ACCOUNTS)),
    "reset a password": Entry(Action.MANAGE_ACCOUNTS, _reset_password,
                              cannot(Action.MANAGE_ACCOUNTS)),
    "deactivate an account": Entry(Action.MANAGE_ACCOUNTS, _deactivate,
                                   cannot(Action.MANAGE_ACCOUNTS)),
    "see the accounts": Entry(Action.MANAGE_ACCOUNTS, _list_accounts,
                              cannot(Action.MANAGE_ACCOUNTS), writes=False),
    "set one's own PIN": Entry(ANY_SIGNED_IN, _set_pin, "you cannot set a PIN"),
    "veto a track": Entry(Action.CURATE_MUSIC, _add_veto, cannot(Action.CURATE_MUSIC)),
    "lift a veto": Entry(Action.CURATE_MUSIC, _lift_veto, cannot(Action.CURATE_MUSIC)),
    "acknowledge a cue": Entry(Action.ACKNOWLEDGE_CUE, _cue(CueEventKind.ACKNOWLEDGED),
                               cannot(Action.ACKNOWLEDGE_CUE)),
    "snooze a cue": Entry(Action.ACKNOWLEDGE_CUE, _cue(CueEventKind.SNOOZED, {"minutes": 5}),
                          cannot(Action.ACKNOWLEDGE_CUE)),
    "skip a cue": Entry(Action.RUN_SESSION, _cue(CueEventKind.SKIPPED,
                                                 {"reason": "Patient asleep"}),
                        cannot(Action.RUN_SESSION)),
    "save a playlist set": Entry(Action.CURATE_MUSIC, _save_playlist,
                                 cannot(Action.CURATE_MUSIC)),
    "choose the night level": Entry(ANY_SIGNED_IN, _setting("theme_level", "night"),
                                    ROOM_SETTINGS),
    "set the music's volume": Entry(ANY_SIGNED_IN, _setting("music_volume", 0.4),
                                    ROOM_SETTINGS),
    "turn the chime on": Entry(ANY_SIGNED_IN, _setting("chime_on_escalation", True),
                               ROOM_SETTINGS),
    "word the CADSS items": Entry(Action.EDIT_SETTINGS, _setting("cadss_item_text", CADSS),
                                  cannot(Action.EDIT_SETTINGS)),
    "rename the clinic": Entry(Action.EDIT_SETTINGS, _setting("clinic_name", "Invented Clinic"),
                               cannot(Action.EDIT_SETTINGS)),
    "change the automatic lock": Entry(Action.EDIT_SETTINGS, _setting("lock_minutes", 10),
                                       cannot(Action.EDIT_SETTINGS)),
    "change the default protocol": Entry(Action.EDIT_SETTINGS,
                                         _setting("default_protocol", "esketamine-nasal"),
                                         cannot(Action.EDIT_SETTINGS)),
    "change the cue answer window": Entry(Action.EDIT_SETTINGS, _setting(
        "cue_answer_window", {"before_min": 5, "after_min": 10}), cannot(Action.EDIT_SETTINGS)),
    "the room stores a cue due": Entry(Action.VIEW_CLOCK, _cue_seen(CueEventKind.DUE),
                                       cannot(Action.VIEW_CLOCK)),
    "the room stores a cue escalated": Entry(Action.VIEW_CLOCK,
                                             _cue_seen(CueEventKind.ESCALATED),
                                             cannot(Action.VIEW_CLOCK)),
    "the room stores its heartbeat": Entry(Action.VIEW_CLOCK, _heartbeat,
                                           cannot(Action.VIEW_CLOCK)),
    "the room stores a clock change": Entry(Action.VIEW_CLOCK, _clock_change,
                                            cannot(Action.VIEW_CLOCK)),
    "the room stores what the start found": Entry(Action.VIEW_CLOCK, _closure,
                                                  cannot(Action.VIEW_CLOCK)),
}


def _allowed(entry: Entry, role: str | None) -> bool:
    if role is None:
        return False
    return entry.action is None or allowed(role, entry.action)


def _refusal(entry: Entry, role: str | None) -> str:
    if role is None:
        return f"Signed out, {entry.refusal}"
    words = {"admin": "an admin", "clinician": "a clinician", "staff": "staff"}[role]
    return f"Signed in as {words}, {entry.refusal}"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "signed-out")
@pytest.mark.parametrize("name", list(MATRIX))
def test_every_action_for_every_role(data_dir, clock, protocols, tmp_path, name, role):
    world = Matrix(data_dir, clock, protocols, tmp_path / "out")
    entry = MATRIX[name]
    act = entry.stage(world)
    before, files = world.rows(), world.files()
    if _allowed(entry, role):
        result = act(world, world.who(role))
        if isinstance(result, Op):
            assert result.changes != OpChanges() and result.words
        if entry.writes:
            assert world.rows() != before, f"{name} by {role}: nothing written or audited"
        return
    with pytest.raises(PermissionDenied, match=_refusal(entry, role)):
        act(world, world.who(role))
    assert world.rows() == before, f"{name} refused for {role}, yet something was written"
    assert world.files() == files, f"{name} refused for {role}, yet a file was written"


def test_the_matrix_covers_every_role_gated_action_of_the_house():
    """Every action of the role matrix that a user does is an operation tested here (the
    music's controls write no record; protocols are edited as files, not by an operation
    yet)."""
    covered = {e.action for e in MATRIX.values()}
    room_only = {Action.PLAY_MUSIC, Action.EDIT_PROTOCOLS}
    assert set(Action) - room_only <= covered


def test_each_allowed_change_names_who_made_it_in_the_audit(data_dir, clock, protocols,
                                                            tmp_path):
    world = Matrix(data_dir, clock, protocols, tmp_path / "out")
    admin, staff = world.users["admin"], world.users["staff"]
    (last,) = world.ctx.db.execute("SELECT max(id) FROM audit").fetchone()
    made = world.ctx.ops.accounts.create(admin, "Kim Invented", "kim", "staff",
                                         "kim-password-1").value
    world.ctx.ops.accounts.set_role(admin, made.id, "clinician")
    world.ctx.ops.accounts.reset_password(admin, made.id, "kim-password-2")
    world.ctx.ops.accounts.deactivate(admin, made.id)
    world.ctx.ops.backups.backup(admin)
    _save_playlist(world)(world, staff)
    rows = world.ctx.db.execute("SELECT user_id, action, entity FROM audit WHERE id > ? "
                                "ORDER BY id", [last]).fetchall()
    assert [tuple(r) for r in rows] == [
        (admin.id, "create", "user"), (admin.id, "create", "account"),
        (admin.id, "update", "account.role"),
        (admin.id, "update", "account.password"), (admin.id, "deactivate", "account"),
        (admin.id, "backup", "database"), (staff.id, "save", "playlist_set")]
    assert world.ctx.ops.accounts.by_username("kim") is None  # deactivated


def test_a_new_folder_lets_nobody_signed_in_export_back_up_and_make_the_first_admin(
        data_dir, clock, protocols, tmp_path):
    from kapdesk.paths import Paths
    from kapdesk.wiring import build_services

    ctx = build_services(Paths(data_dir), clock)
    assert ctx.ops.accounts.nobody_can_sign_in()
    clinician = ctx.stores.users.add("Dr No Password", "clinician", username="nopass")
    sid = ctx.stores.sessions.plan("K-1", protocols["im-kap"], clinician.id).id
    out = ctx.ops.exports.session(None, sid, ExportRequest("json", tmp_path / "s.json"))
    assert out.value.exists()
    assert ctx.ops.backups.backup(None).value.exists()
    with pytest.raises(PermissionDenied, match="only the first admin"):
        ctx.ops.accounts.create(None, "Sam Invented", "sam", "staff", "sam-password-1")
    admin = ctx.ops.accounts.create(None, "Jo Invented", "jo", "admin", "jo-password-12")
    assert admin.value.role == "admin" and not ctx.ops.accounts.nobody_can_sign_in()
    with pytest.raises(PermissionDenied, match="Signed out, you cannot export records"):
        ctx.ops.exports.session(None, sid, ExportRequest("json", tmp_path / "t.json"))
    with pytest.raises(PermissionDenied, match="Signed out, you cannot manage accounts"):
        ctx.ops.accounts.create(None, "Max Invented", "max", "admin", "max-password-1")
    ctx.db.close()
    if ctx.lock is not None:
        ctx.lock.release()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "signed-out")
def test_restore_is_an_admins(data_dir, clock, protocols, tmp_path, role):
    world = Matrix(data_dir, clock, protocols, tmp_path / "out")
    backup = world.ctx.ops.backups.backup(world.users["admin"]).value
    world.planned()  # a session the backup does not hold
    user = world.who(role)
    ctx = world.ctx
    ctx.db.close()
    if ctx.lock is not None:
        ctx.lock.release()
    database = ctx.paths.database
    if role == "admin":
        done = restore_backup(user, backup, database, clock, open_database(database))
        assert done.value.kept_aside is not None and done.changes.backups
        db = open_database(database)
        try:
            assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
            (by,) = db.execute("SELECT json_extract(new, '$.by') FROM audit WHERE action = "
                               "'restore'").fetchone()
            assert by == "admin"
        finally:
            db.close()
        return
    words = "Signed out" if role is None else "Signed in as"
    with pytest.raises(PermissionDenied, match=f"{words}.*you cannot back up and restore"):
        restore_backup(user, backup, database, clock, open_database(database))
    db = open_database(database)
    try:
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1  # untouched
    finally:
        db.close()


def test_hostile_account_and_playlist_requests_are_refused_in_words(data_dir, clock,
                                                                   protocols, tmp_path):
    from kapdesk.core.errors import KapdeskError

    world = Matrix(data_dir, clock, protocols, tmp_path / "out")
    admin, staff = world.users["admin"], world.users["staff"]
    ops = world.ctx.ops
    sid = world.dosed()
    before = world.rows()
    bad: list[Callable[[], object]] = [
        lambda: ops.accounts.set_role(admin, 999_999, "staff"),
        lambda: ops.accounts.set_role(admin, staff.id, "superuser"),
        lambda: ops.accounts.reset_password(admin, 999_999, "a-new-password-9"),
        lambda: ops.accounts.reset_password(admin, staff.id, "short"),
        lambda: ops.accounts.deactivate(admin, admin.id),
        lambda: ops.accounts.create(admin, "X", "bad name!", "staff", "long-password-1"),
        lambda: ops.accounts.create(admin, "X", "staff", "staff", "long-password-1"),
        lambda: ops.accounts.set_pin(staff, "12"),
        lambda: ops.accounts.set_role(admin, admin.id, "staff"),  # the last admin
        lambda: ops.playlists.save(staff, PlaylistSet("x", "Escape", tmp_path / "elsewhere")),
        lambda: ops.playlists.save(staff, PlaylistSet(
            "x", "Escape", world.ctx.paths.playlists_dir / ".." / "x")),
        lambda: ops.playlists.save(staff, PlaylistSet(
            "x", "   ", world.ctx.paths.playlists_dir / "x")),
        lambda: ops.sessions.answer_cue(world.doc, sid, "no-such-cue#9",
                                        CueEventKind.ACKNOWLEDGED),
        lambda: ops.sessions.answer_cue(world.doc, sid, "vitals#1", CueEventKind.DUE),
        lambda: ops.sessions.answer_cue(world.doc, sid, "vitals#1", CueEventKind.SKIPPED,
                                        {"reason": "   "}),
        lambda: ops.music.add_veto(staff, "K-404", tmp_path / "x.ogg", "No such patient"),
    ]
    for number, attempt in enumerate(bad):
        try:
            attempt()
        except KapdeskError as exc:
            assert str(exc).strip() and "Traceback" not in str(exc)
        else:
            raise AssertionError(f"bad request {number} was accepted")
    assert world.rows() == before  # each refused before anything was written
    assert not (tmp_path / "elsewhere").exists() and not (tmp_path / "x").exists()
    assert not any(world.ctx.paths.playlists_dir.rglob("*"))


def test_a_session_closed_by_the_window_is_backed_up_in_the_name_of_who_closed_it(
        data_dir, clock, protocols, tmp_path):
    world = Matrix(data_dir, clock, protocols, tmp_path / "out")
    sid = world.discharged()
    world.ctx.ops.sessions.advance(world.doc, sid, State.CLOSED)
    op = world.ctx.ops.backups.automatic(world.doc, f"session {sid} closed")
    assert op.value is not None and op.value.exists()
    (who,) = world.ctx.db.execute("SELECT user_id FROM audit WHERE action = 'backup'"
                                  ).fetchone()
    assert who == world.doc.id
    assert world.ctx.ops.backups.automatic(world.doc, "daily", daily=True).value is None


def test_an_admin_demoted_or_deactivated_meanwhile_is_refused(data_dir, clock, protocols,
                                                             tmp_path):
    """The accounts list stays open on the first admin's screen while a second admin
    changes the first one's account: what the first one then does is refused."""
    world = Matrix(data_dir, clock, protocols, tmp_path / "out")
    first = world.users["admin"]
    accounts = world.ctx.ops.accounts
    second = accounts.create(first, "Second Admin", "admin2", "admin", PASSWORD).value
    accounts.set_role(second, first.id, "clinician")
    before = world.rows()
    with pytest.raises(PermissionDenied, match="Signed in as a clinician, you cannot manage"):
        accounts.set_role(first, second.id, "staff")  # `first` still says "admin"
    accounts.set_role(second, first.id, "admin")
    accounts.deactivate(second, first.id)
    with pytest.raises(PermissionDenied, match="admin is no longer active"):
        accounts.reset_password(first, second.id, "a-new-password-9")
    assert world.rows()[-2] == before[-2]  # still as many accounts
