"""Sessions on disk: every step stored with who and when, one running session, restarts."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from kapdesk.core.clock import FakeClock
from kapdesk.core.cues import CueEventKind, CueStatus, expand_schedule, fold_cues
from kapdesk.core.errors import SessionConflictError, TransitionError
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.database import open_database
from kapdesk.store.sessions import SessionStore
from kapdesk.store.users import UserStore


@pytest.fixture
def store(db: sqlite_utils.Database, clock: FakeClock) -> SessionStore:
    return SessionStore(db, clock)


@pytest.fixture
def user_id(db: sqlite_utils.Database, clock: FakeClock) -> int:
    return UserStore(db, clock).add("Dr Ana Silva").id


def event_rows(db: sqlite_utils.Database, session_id: int) -> list[tuple]:
    return db.execute("SELECT at, kind, user_id, data FROM session_events WHERE session_id = ? "
                      "ORDER BY id", [session_id]).fetchall()


def dosed(store: SessionStore, protocol: Protocol, user_id: int, clock: FakeClock,
          code: str = "P-001") -> int:
    sid = store.plan(code, protocol, user_id).id
    store.transition(sid, State.PREPARING, user_id)
    clock.advance(300)
    store.transition(sid, State.DOSED, user_id)
    return sid


def test_full_lifecycle_is_stored_with_who_and_when(
        store: SessionStore, db: sqlite_utils.Database, clock: FakeClock,
        protocols: dict[str, Protocol], user_id: int) -> None:
    expected: list[tuple[datetime, str, str | None]] = []
    session = store.plan("P-001", protocols["im-kap"], user_id)
    expected.append((clock.now(), "planned", None))
    assert session.state is State.PLANNED and session.t0 is None
    for minutes, target in [(10, State.PREPARING), (25, State.DOSED), (95, State.RECOVERY),
                            (1, State.DISCHARGED), (4, State.CLOSED)]:
        clock.advance(minutes * 60)
        previous = session.state.value
        session = store.transition(session.id, target, user_id)
        assert session.state is target
        expected.append((clock.now(), target.value, previous))
    dose_time = datetime(2026, 3, 2, 9, 35, tzinfo=UTC)
    assert session.t0 == dose_time
    assert db.execute("SELECT state, t0 FROM sessions WHERE id = ?", [session.id]).fetchone() \
        == ("closed", "2026-03-02T09:35:00.000000+00:00")
    rows = event_rows(db, session.id)
    assert len(rows) == len(expected)
    for (at, kind, uid, data), (when, to, frm) in zip(rows, expected, strict=True):
        assert at.endswith("+00:00") and datetime.fromisoformat(at) == when
        assert (kind, uid) == ("transition", user_id)
        assert f'"to": "{to}"' in data and (frm is None or f'"from": "{frm}"' in data)
    events = store.events(session.id)
    assert events[2].data["t0"] == "2026-03-02T09:35:00.000000+00:00"
    assert events[4].data["monitoring_minutes"] == 96.0


def test_second_running_session_is_refused(store: SessionStore, db: sqlite_utils.Database,
                                           clock: FakeClock, protocols: dict[str, Protocol],
                                           user_id: int) -> None:
    first = dosed(store, protocols["im-kap"], user_id, clock, code="A-17")
    second = store.plan("B-42", protocols["iv-infusion"], user_id).id
    first_before = (store.get(first), event_rows(db, first))
    with pytest.raises(SessionConflictError) as info:
        store.transition(second, State.PREPARING, user_id)
    assert str(info.value) == (f"Session {first} for patient A-17 is dosed in this room. "
                               "Close or cancel it before starting another.")
    assert store.get(second).state is State.PLANNED
    assert len(event_rows(db, second)) == 1  # only the plan: the refused step left nothing
    assert (store.get(first), event_rows(db, first)) == first_before
    assert store.running() is not None and store.running().id == first


def test_room_is_free_again_after_cancel(store: SessionStore, protocols: dict[str, Protocol],
                                         user_id: int) -> None:
    first = store.plan("A-1", protocols["im-kap"], user_id).id
    second = store.plan("A-2", protocols["im-kap"], user_id).id
    store.transition(first, State.PREPARING, user_id)
    with pytest.raises(TransitionError, match="needs a reason"):
        store.transition(first, State.CANCELLED, user_id, reason=" ")
    store.transition(first, State.CANCELLED, user_id, reason="  BP 165/100, deferred ")
    assert store.events(first)[-1].data["reason"] == "BP 165/100, deferred"
    assert store.transition(second, State.PREPARING, user_id).is_running


def test_many_sessions_can_be_planned(store: SessionStore, clock: FakeClock,
                                      protocols: dict[str, Protocol], user_id: int) -> None:
    ids = []
    for code in ("C-3", "C-1", "C-2", "C-1"):
        ids.append(store.plan(code, protocols["im-kap"], user_id).id)
        clock.advance(60)
    assert [s.id for s in store.planned()] == ids
    assert [s.patient_code for s in store.planned()] == ["C-3", "C-1", "C-2", "C-1"]
    assert store.running() is None and store.count() == 4
    assert store.get(ids[1]).protocol == protocols["im-kap"]


def test_plan_needs_a_patient_code(store: SessionStore, protocols: dict[str, Protocol],
                                   user_id: int) -> None:
    with pytest.raises(TransitionError, match="needs a patient code"):
        store.plan("   ", protocols["im-kap"], user_id)
    assert store.count() == 0


def test_illegal_step_writes_nothing(store: SessionStore, db: sqlite_utils.Database,
                                     protocols: dict[str, Protocol], user_id: int) -> None:
    sid = store.plan("P-1", protocols["im-kap"], user_id).id
    with pytest.raises(TransitionError, match="Cannot record the dose while the session is "
                                              "planned"):
        store.transition(sid, State.DOSED, user_id)
    assert store.get(sid).state is State.PLANNED and store.get(sid).t0 is None
    assert len(event_rows(db, sid)) == 1


def test_strict_discharge_refused_through_the_store(
        store: SessionStore, clock: FakeClock, protocols: dict[str, Protocol],
        user_id: int) -> None:
    sid = dosed(store, protocols["esketamine-nasal"], user_id, clock)
    clock.advance(100 * 60)
    store.transition(sid, State.RECOVERY, user_id)
    with pytest.raises(TransitionError, match="cannot be closed before then"):
        store.transition(sid, State.DISCHARGED, user_id, reason="wants to go")
    assert store.get(sid).state is State.RECOVERY


def test_correct_t0_records_old_new_and_reason(store: SessionStore, clock: FakeClock,
                                               protocols: dict[str, Protocol],
                                               user_id: int) -> None:
    sid = dosed(store, protocols["im-kap"], user_id, clock)
    old = store.get(sid).t0
    clock.advance(600)
    new = old - timedelta(minutes=3)
    session = store.correct_t0(sid, new, user_id, "  dose given before I pressed the button ")
    assert session.t0 == new
    assert session.elapsed(clock.now()) == 780.0
    event = store.events(sid)[-1]
    assert (event.kind, event.user_id, event.at) == ("t0_corrected", user_id, clock.now())
    assert event.data == {"old": "2026-03-02T09:05:00.000000+00:00",
                          "new": "2026-03-02T09:02:00.000000+00:00",
                          "reason": "dose given before I pressed the button"}


@pytest.mark.parametrize(("shift_s", "reason", "message"), [
    (60, "typo", "The corrected dose time is in the future."),
    (-60, "  ", "Correcting the dose time needs a reason."),
    (-13 * 3600, "typo", "The corrected dose time is more than 12 h before the session was "
                         "planned"),
])
def test_correct_t0_refusals(store: SessionStore, clock: FakeClock,
                             protocols: dict[str, Protocol], user_id: int, shift_s: float,
                             reason: str, message: str) -> None:
    sid = dosed(store, protocols["im-kap"], user_id, clock)
    clock.advance(120)
    before = store.get(sid)
    with pytest.raises(TransitionError) as info:
        store.correct_t0(sid, clock.now() + timedelta(seconds=shift_s), user_id, reason)
    assert str(info.value).startswith(message)
    assert store.get(sid).t0 == before.t0
    assert store.events(sid, kinds=("t0_corrected",)) == []


def test_dose_time_can_go_back_to_12_h_before_the_plan_with_the_reason(
        store: SessionStore, clock: FakeClock, protocols: dict[str, Protocol],
        user_id: int) -> None:
    sid = dosed(store, protocols["im-kap"], user_id, clock)
    planned = store.get(sid).planned_at
    clock.advance(600)
    new = planned - timedelta(hours=11, minutes=59)  # planned at the bedside after the dose
    session = store.correct_t0(sid, new, user_id, "Planned after the injection")
    assert session.t0 == new
    event = store.events(sid, kinds=("t0_corrected",))[-1]
    assert event.data["reason"] == "Planned after the injection"
    assert event.data["before_planned"] is True
    with pytest.raises(TransitionError, match="the earliest is"):
        store.correct_t0(sid, planned - timedelta(hours=12, seconds=1), user_id, "x")


def test_correct_t0_before_the_dose_is_refused(store: SessionStore, clock: FakeClock,
                                               protocols: dict[str, Protocol],
                                               user_id: int) -> None:
    sid = store.plan("P-1", protocols["im-kap"], user_id).id
    with pytest.raises(TransitionError, match="only after the dose is recorded"):
        store.correct_t0(sid, clock.now(), user_id, "typo")


def test_cue_events_round_trip(store: SessionStore, clock: FakeClock,
                               protocols: dict[str, Protocol], user_id: int) -> None:
    sid = dosed(store, protocols["im-kap"], user_id, clock)
    clock.advance(130)
    store.record_cue(sid, "lights-dim#1", CueEventKind.ACKNOWLEDGED, user_id)
    clock.advance(480)
    store.record_cue(sid, "music-peak#1", CueEventKind.SNOOZED, user_id, {"minutes": 5})
    clock.advance(300)
    store.record_cue(sid, "music-peak#1", CueEventKind.SKIPPED, user_id,
                     {"reason": "patient asked for quiet"})
    events = store.cue_events(store.get(sid))
    assert [(e.cue_key, e.kind, e.elapsed_s, e.data) for e in events] == [
        ("lights-dim#1", CueEventKind.ACKNOWLEDGED, 130.0, {}),
        ("music-peak#1", CueEventKind.SNOOZED, 610.0, {"minutes": 5}),
        ("music-peak#1", CueEventKind.SKIPPED, 910.0, {"reason": "patient asked for quiet"}),
    ]
    states = {s.cue.key: s for s in fold_cues(expand_schedule(protocols["im-kap"]), events,
                                              910.0)}
    assert states["lights-dim#1"].status is CueStatus.ACKNOWLEDGED
    assert states["music-peak#1"].note == "patient asked for quiet"


def test_clock_jump_is_taken_out_of_session_time(store: SessionStore, clock: FakeClock,
                                                 protocols: dict[str, Protocol],
                                                 user_id: int) -> None:
    sid = dosed(store, protocols["im-kap"], user_id, clock)
    clock.advance(600)
    clock.jump_wall(3600)
    store.record_clock(sid, "clock_jump", 3600.0, clock.now())
    clock.suspend(120)
    store.record_clock(sid, "suspend", 120.0, clock.now())
    clock.advance(60)
    session = store.get(sid)
    assert [a.seconds for a in session.adjustments] == [3600.0]
    assert session.elapsed(clock.now()) == 780.0  # 600 + 120 asleep + 60; the jump removed


def test_session_events_are_append_only(store: SessionStore, db: sqlite_utils.Database,
                                        protocols: dict[str, Protocol], user_id: int) -> None:
    sid = store.plan("P-1", protocols["im-kap"], user_id).id
    before = event_rows(db, sid)
    with pytest.raises(sqlite3.DatabaseError, match="session events are append-only"):
        db.execute("UPDATE session_events SET kind = 'forged' WHERE session_id = ?", [sid])
    with pytest.raises(sqlite3.DatabaseError, match="session events are append-only"):
        db.execute("DELETE FROM session_events WHERE session_id = ?", [sid])
    assert event_rows(db, sid) == before


def test_restart_finds_the_running_session(db: sqlite_utils.Database, db_path: Path,
                                           clock: FakeClock, protocols: dict[str, Protocol],
                                           user_id: int) -> None:
    store = SessionStore(db, clock)
    sid = dosed(store, protocols["esketamine-nasal"], user_id, clock, code="R-9")
    t0 = store.get(sid).t0
    clock.advance(300)
    store.record_cue(sid, "device-2#1", CueEventKind.ACKNOWLEDGED, user_id)
    db.conn.close()  # the laptop dies
    clock.advance(1200)
    reopened = open_database(db_path)
    try:
        assert reopened.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert reopened.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert reopened.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        running = SessionStore(reopened, clock).running()
        assert running is not None
        assert (running.id, running.state, running.t0, running.patient_code) == (
            sid, State.DOSED, t0, "R-9")
        assert running.protocol == protocols["esketamine-nasal"]
        assert running.elapsed(clock.now()) == 1500.0
        events = SessionStore(reopened, clock).cue_events(running)
        assert [(e.cue_key, e.kind, e.elapsed_s) for e in events] == [
            ("device-2#1", CueEventKind.ACKNOWLEDGED, 300.0)]
    finally:
        reopened.conn.close()
