"""The operations of kapdesk.services, over a real SQLite file built through kapdesk.wiring:
the role-by-action matrix (what the window and the CLI both get), one transaction per action
(a refused plan leaves no patient and no course behind), and what each says it changed."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import KapdeskError
from kapdesk.core.observations import Kind
from kapdesk.core.permissions import Action, PermissionDenied, allowed
from kapdesk.core.session import State
from kapdesk.paths import Paths
from kapdesk.services.operations import Op, OpChanges
from kapdesk.services.session_ops import PlanRequest
from kapdesk.store.sessions import SpacingError
from kapdesk.store.users import User
from kapdesk.wiring import AppContext, build_services, create_account

PASSWORD = "service-password-1"
VITALS = {"systolic": 124, "diastolic": 78, "heart_rate": 72, "spo2": 98, "resp_rate": 14}


class World:
    """One clinic: a clinician, staff and an admin; the clinician sets the stage."""

    def __init__(self, data_dir: Path, clock: FakeClock, protocols: dict[str, Any]) -> None:
        self.ctx: AppContext = build_services(Paths(data_dir), clock)
        self.clock = clock
        self.protocol = protocols["im-kap"]
        self.users = {role: create_account(self.ctx, f"{role.title()} Invented", role, role,
                                           PASSWORD) for role in ("clinician", "staff", "admin")}
        self.doc = self.users["clinician"]

    def rows(self) -> tuple[int, ...]:
        """How much is written: a refused action changes none of it."""
        return tuple(self.ctx.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("patients", "courses", "sessions", "session_events",
                                   "observations", "signatures", "audit"))

    def planned(self) -> int:
        return self.ctx.ops.sessions.plan(self.doc, PlanRequest("K-100", self.protocol)).value.id

    def dosed(self) -> int:
        sid = self.planned()
        for target in (State.PREPARING, State.DOSED):
            self.ctx.ops.sessions.advance(self.doc, sid, target)
        return sid

    def with_entry(self) -> int:
        sid = self.dosed()
        self.clock.advance(60)
        return self.ctx.ops.records.record(self.doc, sid, Kind.VITALS, VITALS).value.observation.id

    def discharged(self) -> int:
        sid = self.dosed()
        self.ctx.ops.sessions.advance(self.doc, sid, State.RECOVERY)
        self.clock.advance((self.protocol.min_monitoring_minutes + 1) * 60)
        self.ctx.ops.sessions.advance(self.doc, sid, State.DISCHARGED)
        return sid


Act = Callable[[World, User], Op[Any]]
Stage = Callable[[World], Act]  # sets the stage as the clinician, returns the act to try


def _plan(w: World) -> Act:
    return lambda w, u: w.ctx.ops.sessions.plan(
        u, PlanRequest("K-7", w.protocol, {"name": "Ann Invented"}, new_course_sessions=6))


def _preparing(w: World) -> int:
    sid = w.planned()
    w.ctx.ops.sessions.advance(w.doc, sid, State.PREPARING)
    return sid


def _step(target: State, stage: Callable[[World], int]) -> Stage:
    def staged(w: World) -> Act:
        sid = stage(w)
        return lambda w, u: w.ctx.ops.sessions.advance(u, sid, target, "Patient asked to stop")
    return staged


def _correct_dose_time(w: World) -> Act:
    sid = w.dosed()
    w.clock.advance(600)
    when = w.clock.now() - timedelta(minutes=5)  # the dose was given earlier than clicked
    return lambda w, u: w.ctx.ops.sessions.correct_dose_time(u, sid, when, "Clock read late")


def _record(w: World) -> Act:
    sid = w.dosed()
    return lambda w, u: w.ctx.ops.records.record(u, sid, Kind.VITALS, VITALS)


def _correct(w: World) -> Act:
    oid = w.with_entry()
    return lambda w, u: w.ctx.ops.records.correct(u, oid, "Cuff re-checked",
                                                  {**VITALS, "systolic": 120})


def _amend_note(w: World) -> Act:
    sid = w.discharged()
    return lambda w, u: w.ctx.ops.records.amend_note(u, sid, "Phoned: slept well.",
                                                     "Late information")


def _integration(w: World) -> Act:
    w.planned()
    when = w.clock.now() - timedelta(hours=1)
    return lambda w, u: w.ctx.ops.records.integration(u, "K-100", when, "Talked it through.",
                                                      "Next in a week")


def _sign(w: World) -> Act:
    sid = w.discharged()
    return lambda w, u: w.ctx.ops.records.sign(u, sid, PASSWORD,
                                               u.display_name if u else "Nobody")


OPERATIONS: dict[str, tuple[Action, Stage]] = {
    "plan": (Action.RUN_SESSION, _plan),
    "prepare": (Action.RUN_SESSION, _step(State.PREPARING, World.planned)),
    "dose": (Action.RUN_SESSION, _step(State.DOSED, _preparing)),
    "recovery": (Action.RUN_SESSION, _step(State.RECOVERY, World.dosed)),
    "cancel": (Action.RUN_SESSION, _step(State.CANCELLED, World.planned)),
    "correct dose time": (Action.RUN_SESSION, _correct_dose_time),
    "record an entry": (Action.RECORD, _record),
    "correct an entry": (Action.RECORD, _correct),
    "amend the note": (Action.RECORD, _amend_note),
    "integration session": (Action.RECORD, _integration),
    "sign": (Action.SIGN, _sign),
}


@pytest.mark.parametrize("role", ["clinician", "staff", "admin"])
@pytest.mark.parametrize("name", list(OPERATIONS))
def test_the_role_matrix_is_kept_by_every_operation(data_dir, clock, protocols, name, role):
    world = World(data_dir, clock, protocols)
    action, stage = OPERATIONS[name]
    act = stage(world)
    before = world.rows()
    user = world.users[role]
    if allowed(role, action):
        op = act(world, user)
        assert op.changes != OpChanges() and op.words
        assert world.rows() != before  # written, and audited
        return
    with pytest.raises(PermissionDenied, match=f"Signed in as .*, you cannot {action.value}"):
        act(world, user)
    assert world.rows() == before, f"{name} refused for {role}, yet something was written"


def test_a_plan_refused_by_the_spacing_rules_leaves_no_patient_and_no_course(data_dir, clock,
                                                                             protocols):
    world = World(data_dir, clock, protocols)
    sid = world.discharged()
    world.ctx.ops.sessions.advance(world.doc, sid, State.CLOSED)
    world.clock.advance(3600)  # an hour after: spacing rules warn, and no reason is given
    before = world.rows()
    details = world.ctx.stores.patients.by_code("K-100")
    request = PlanRequest("K-100", world.protocol, {"name": "Changed Name"},
                          new_course_sessions=6)
    with pytest.raises(SpacingError):
        world.ctx.ops.sessions.plan(world.doc, request)
    assert world.rows() == before
    assert world.ctx.stores.patients.by_code("K-100") == details
    op = world.ctx.ops.sessions.plan(world.doc, PlanRequest(
        "K-100", world.protocol, {"name": "Changed Name"}, new_course_sessions=6,
        spacing_reason="Prescriber agreed a shorter gap"))
    assert op.value.state is State.PLANNED and op.changes == OpChanges(session=True,
                                                                      patient=True)
    patient = world.ctx.stores.patients.by_code("K-100")
    assert patient is not None and patient.name == "Changed Name"


def test_signing_with_a_wrong_password_is_refused_and_the_session_stays_unsigned(
        data_dir, clock, protocols):
    world = World(data_dir, clock, protocols)
    sid = world.discharged()
    with pytest.raises(KapdeskError):
        world.ctx.ops.records.sign(world.doc, sid, "not-the-password", "Clinician Invented")
    assert world.ctx.stores.records.signature(sid) is None
    op = world.ctx.ops.records.sign(world.doc, sid, PASSWORD, "Clinician Invented")
    assert op.changes.signature and op.value.name == "Clinician Invented"


BAD_PLANS: dict[str, dict[str, Any]] = {
    "no patient code": {"patient_code": "   "},
    "a course of 500 sessions": {"patient_code": "K-8", "details": {"name": "Bo Invented"},
                                 "new_course_sessions": 500},
    "a weight of -3 kg": {"patient_code": "K-9", "details": {"weight_kg": -3.0}},
}


@pytest.mark.parametrize("case", list(BAD_PLANS))
def test_a_bad_plan_is_refused_in_words_and_writes_nothing(data_dir, clock, protocols, case):
    world = World(data_dir, clock, protocols)
    request = PlanRequest(protocol=world.protocol, **BAD_PLANS[case])
    before = world.rows()
    with pytest.raises(KapdeskError) as refused:
        world.ctx.ops.sessions.plan(world.doc, request)
    assert str(refused.value).strip() and "Traceback" not in str(refused.value)
    assert world.rows() == before


def test_unknown_roles_and_missing_records_are_refused_in_words(data_dir, clock, protocols):
    world = World(data_dir, clock, protocols)
    sid = world.discharged()
    stranger = User(id=world.doc.id, username="x", display_name="X", role="nurse")
    with pytest.raises(PermissionDenied, match="Signed in as nurse, you cannot sign"):
        world.ctx.ops.records.sign(stranger, sid, PASSWORD, "X")
    with pytest.raises(KapdeskError):
        world.ctx.ops.records.correct(world.doc, 999_999, "no such entry", VITALS)
    with pytest.raises(KapdeskError, match="There is no session 999999 in the record"):
        world.ctx.ops.sessions.advance(world.doc, 999_999, State.PREPARING)
    world.ctx.ops.records.sign(world.doc, sid, PASSWORD, "Clinician Invented")
    before = world.rows()
    with pytest.raises(KapdeskError, match="already signed"):
        world.ctx.ops.records.sign(world.doc, sid, PASSWORD, "Clinician Invented")
    assert world.rows()[:-1] == before[:-1]  # only the re-authentication is audited
