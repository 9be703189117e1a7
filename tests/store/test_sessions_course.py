"""Sessions within a course: spacing rules at planning time, numbering, dose times,
integration between doses, and an audit row for every step."""

import json
from datetime import date, timedelta

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.sessions import SessionStore, SpacingError
from kapdesk.store.timefmt import to_db
from tests.store.conftest import discharge

NO_INTEGRATION = "No integration session has been recorded since the last dose."


def dosing_session(sessions: SessionStore, protocol: Protocol, user_id: int, clock: FakeClock,
                   code: str = "K-1", reason: str | None = None,
                   course_id: int | None = None) -> int:
    """Plan, dose and close one session; returns its id. The dose is 10 min after planning."""
    sid = sessions.plan(code, protocol, user_id, spacing_reason=reason, course_id=course_id).id
    sessions.transition(sid, State.PREPARING, user_id)
    clock.advance(600)
    sessions.transition(sid, State.DOSED, user_id)
    discharge(sessions, clock, sid, user_id)
    sessions.transition(sid, State.CLOSED, user_id)
    return sid


def number(db: Database, sid: int) -> int | None:
    return db.execute("SELECT number FROM sessions WHERE id = ?", [sid]).fetchone()[0]


def test_plan_refuses_a_dose_too_soon_without_a_reason(
        sessions: SessionStore, audit: AuditTrail, clock: FakeClock, im_kap: Protocol,
        user_id: int) -> None:
    first = dosing_session(sessions, im_kap, user_id, clock)
    dosed_at = sessions.get(first).t0
    assert dosed_at is not None
    clock.advance(24 * 3600)
    count, audit_rows = sessions.count(), len(audit.rows())
    for reason in (None, "", "   "):
        with pytest.raises(SpacingError) as info:
            sessions.plan("K-1", im_kap, user_id, spacing_reason=reason)
        hours = int((clock.now() - dosed_at).total_seconds() // 3600)
        assert info.value.warnings == [
            f"Only {hours} h since the last dose ({dosed_at:%Y-%m-%d %H:%M} UTC); the protocol "
            "asks for at least 48 h.", NO_INTEGRATION]
        assert str(info.value) == " ".join(info.value.warnings) + " To go ahead, give a reason."
    assert sessions.count() == count and len(audit.rows()) == audit_rows
    assert sessions.spacing("K-1", im_kap) == info.value.warnings
    assert sessions.spacing("K-2", im_kap) == []  # another patient


def test_a_spacing_reason_is_stored_with_the_plan_and_audited(
        sessions: SessionStore, audit: AuditTrail, clock: FakeClock, im_kap: Protocol,
        user_id: int, other_user_id: int) -> None:
    dosing_session(sessions, im_kap, user_id, clock)
    clock.advance(30 * 3600)
    warnings = sessions.spacing("K-1", im_kap)
    sid = sessions.plan(" K-1 ", im_kap, other_user_id,
                        spacing_reason="  travelling next week ").id
    [planned] = sessions.events(sid)
    assert (planned.kind, planned.user_id) == ("transition", other_user_id)
    assert planned.data == {"from": None, "to": "planned", "spacing_warnings": warnings,
                            "spacing_reason": "travelling next week"}
    row = audit.rows("session", sid)[0]
    assert (row["action"], row["user_id"], row["old"]) == ("create", other_user_id, None)
    assert json.loads(row["new"]) == {"patient": "K-1", "protocol": "im-kap",
                                      "spacing_warnings": warnings,
                                      "spacing_reason": "travelling next week"}


def test_no_spacing_data_when_no_rule_applies(sessions: SessionStore, audit: AuditTrail,
                                              im_kap: Protocol, user_id: int) -> None:
    sid = sessions.plan("K-1", im_kap, user_id, spacing_reason="not needed").id
    assert sessions.events(sid)[0].data == {"from": None, "to": "planned"}
    assert json.loads(audit.rows("session", sid)[0]["new"]) == {"patient": "K-1",
                                                                "protocol": "im-kap"}


def test_integration_since_the_last_dose_clears_that_warning(
        sessions: SessionStore, patients: PatientStore, clock: FakeClock, im_kap: Protocol,
        user_id: int) -> None:
    dosing_session(sessions, im_kap, user_id, clock)
    clock.advance(3 * 24 * 3600)
    assert sessions.spacing("K-1", im_kap) == [NO_INTEGRATION]
    patients.record_integration("K-1", clock.now() - timedelta(days=1), "talk", "", user_id)
    assert sessions.spacing("K-1", im_kap) == []
    sessions.plan("K-1", im_kap, user_id)  # no reason needed


def test_a_third_dose_in_a_week(sessions: SessionStore, patients: PatientStore,
                                clock: FakeClock, im_kap: Protocol, user_id: int) -> None:
    for _ in range(2):
        dosing_session(sessions, im_kap, user_id, clock, reason="course schedule")
        clock.advance(50 * 3600)
    patients.record_integration("K-1", clock.now(), "talk", "", user_id)
    assert sessions.spacing("K-1", im_kap) == [
        "This would be dosing session 3 in 7 days; the protocol allows 2."]


def test_dose_times_lists_only_dosed_sessions_of_the_patient(
        sessions: SessionStore, patients: PatientStore, clock: FakeClock, im_kap: Protocol,
        user_id: int) -> None:
    a = dosing_session(sessions, im_kap, user_id, clock)
    clock.advance(3 * 24 * 3600)
    b = dosing_session(sessions, im_kap, user_id, clock, reason="ok")
    dosing_session(sessions, im_kap, user_id, clock, code="K-2")
    sessions.plan("K-1", im_kap, user_id, spacing_reason="ok")  # planned: no dose yet
    patients.record_integration("K-1", clock.now(), "talk", "", user_id)
    assert sessions.dose_times(" K-1 ") == [sessions.get(a).t0, sessions.get(b).t0]
    assert len(sessions.dose_times("K-2")) == 1
    assert sessions.dose_times("K-3") == []


def test_course_numbering_of_dosing_sessions(sessions: SessionStore, patients: PatientStore,
                                             db: Database, clock: FakeClock,
                                             im_kap: Protocol, user_id: int) -> None:
    course = patients.add_course("K-1", "im-kap", 6, date(2026, 3, 2), user_id)
    other = patients.add_course("K-2", "im-kap", 6, date(2026, 3, 2), user_id)
    first = dosing_session(sessions, im_kap, user_id, clock, course_id=course.id)
    patients.record_integration("K-1", clock.now(), "talk", "", user_id, course.id)
    clock.advance(3 * 24 * 3600)
    second = sessions.plan("K-1", im_kap, user_id, course_id=course.id).id
    elsewhere = sessions.plan("K-2", im_kap, user_id, course_id=other.id).id
    loose = sessions.plan("K-3", im_kap, user_id).id
    assert [number(db, s) for s in (first, second, elsewhere, loose)] == [1, 2, 1, None]
    # a cancelled last session gives its number to the next one
    sessions.transition(second, State.CANCELLED, user_id, reason="unwell")
    third = sessions.plan("K-1", im_kap, user_id, course_id=course.id).id
    assert number(db, third) == 2


def test_course_numbers_stay_unique_when_an_earlier_plan_is_cancelled(
        sessions: SessionStore, patients: PatientStore, db: Database,
        im_kap: Protocol, user_id: int) -> None:
    course = patients.add_course("K-1", "im-kap", 6, date(2026, 3, 2), user_id)
    a = sessions.plan("K-1", im_kap, user_id, course_id=course.id).id
    b = sessions.plan("K-1", im_kap, user_id, course_id=course.id).id
    sessions.transition(a, State.CANCELLED, user_id, reason="booked twice")
    c = sessions.plan("K-1", im_kap, user_id, course_id=course.id).id
    numbers = [number(db, s) for s in (b, c)]
    assert numbers == [2, 3] and len(set(numbers)) == 2


def test_integration_since_is_strictly_after(sessions: SessionStore, patients: PatientStore,
                                             clock: FakeClock, user_id: int) -> None:
    when = clock.now() - timedelta(hours=1)
    patients.record_integration("K-1", when, "talk", "", user_id)
    assert sessions.integration_since("K-1", when - timedelta(microseconds=1))
    assert not sessions.integration_since("K-1", when)
    assert not sessions.integration_since("K-2", when - timedelta(days=1))


def test_every_step_and_t0_correction_is_audited_with_the_user(
        sessions: SessionStore, audit: AuditTrail, clock: FakeClock, im_kap: Protocol,
        user_id: int, other_user_id: int) -> None:
    sid = sessions.plan("K-1", im_kap, user_id).id
    sessions.transition(sid, State.PREPARING, other_user_id)
    clock.advance(600)
    sessions.transition(sid, State.DOSED, user_id)
    t0 = sessions.get(sid).t0
    assert t0 is not None
    clock.advance(300)
    sessions.correct_t0(sid, t0 - timedelta(minutes=2), other_user_id, " pressed late ")
    discharge(sessions, clock, sid, user_id)
    sessions.transition(sid, State.CLOSED, other_user_id)
    rows = audit.rows("session", sid)
    assert [(r["action"], r["user_id"]) for r in rows] == [
        ("create", user_id), ("transition", other_user_id), ("transition", user_id),
        ("transition", user_id), ("transition", user_id), ("transition", other_user_id)]
    moves = [(json.loads(r["old"])["state"], json.loads(r["new"])["to"]) for r in rows[1:]]
    assert moves == [("planned", "preparing"), ("preparing", "dosed"), ("dosed", "recovery"),
                     ("recovery", "discharged"), ("discharged", "closed")]
    assert json.loads(rows[2]["new"])["t0"] == to_db(t0)
    assert "monitoring_minutes" in json.loads(rows[4]["new"])
    [fix] = audit.rows("session.t0", sid)
    assert (fix["action"], fix["user_id"]) == ("correct", other_user_id)
    assert json.loads(fix["old"]) == {"t0": to_db(t0)}
    assert json.loads(fix["new"]) == {"t0": to_db(t0 - timedelta(minutes=2)),
                                      "reason": "pressed late"}
    assert audit.verify() is None


def test_a_cancel_is_audited_with_its_reason(sessions: SessionStore, audit: AuditTrail,
                                             im_kap: Protocol, user_id: int) -> None:
    sid = sessions.plan("K-1", im_kap, user_id).id
    sessions.transition(sid, State.CANCELLED, user_id, reason=" BP 165/100 ")
    row = audit.rows("session", sid)[-1]
    assert (row["action"], row["user_id"]) == ("transition", user_id)
    assert json.loads(row["new"]) == {"from": "planned", "to": "cancelled",
                                      "reason": "BP 165/100"}
