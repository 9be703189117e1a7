"""The room's "awaiting signature" list: discharged or closed dosing sessions without a
signature, newest first, at most `limit`, whatever the age of the record."""

from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from tests.store.conftest import discharge, preparing


def _discharged(sessions: SessionStore, clock: FakeClock, protocol: Protocol, user_id: int,
                code: str, close: bool = True) -> int:
    """A dosing session discharged and (unless not `close`) closed, leaving the room."""
    sid = preparing(sessions, protocol, user_id, code)
    clock.advance(300)
    sessions.transition(sid, State.DOSED, user_id)
    discharge(sessions, clock, sid, user_id)
    if close:
        sessions.transition(sid, State.CLOSED, user_id)
    return sid


def test_unsigned_lists_discharged_and_closed_newest_first_and_leaves_out_the_rest(
        sessions: SessionStore, records: RecordStore, clock: FakeClock, im_kap: Protocol,
        user_id: int) -> None:
    old = _discharged(sessions, clock, im_kap, user_id, "K-1")
    signed = _discharged(sessions, clock, im_kap, user_id, "K-2")
    records.sign(signed, user_id, "Dr Ana Silva")
    closed = _discharged(sessions, clock, im_kap, user_id, "K-3")
    cancelled = sessions.plan("K-5", im_kap, user_id).id
    sessions.transition(cancelled, State.CANCELLED, user_id, "Patient unwell on arrival")
    newest = _discharged(sessions, clock, im_kap, user_id, "K-6", close=False)
    sessions.plan("K-4", im_kap, user_id)  # planned, not signable
    assert [s.id for s in sessions.unsigned()] == [newest, closed, old]
    assert [s.id for s in sessions.unsigned(limit=2)] == [newest, closed]
    assert [s.patient_code for s in sessions.unsigned()] == ["K-6", "K-3", "K-1"]


def test_the_newest_unsigned_are_found_past_many_signed_ones(
        sessions: SessionStore, records: RecordStore, clock: FakeClock, im_kap: Protocol,
        user_id: int) -> None:
    first = _discharged(sessions, clock, im_kap, user_id, "K-10")
    for n in range(12):  # the walk from the newest passes these before it reaches `first`
        records.sign(_discharged(sessions, clock, im_kap, user_id, f"K-{20 + n}"), user_id,
                     "Dr Ana Silva")
    assert [s.id for s in sessions.unsigned(limit=5)] == [first]
