"""The session state machine: every legal step, every refusal in words."""

from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import KapdeskError, TransitionError
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import (
    ACTION_WORDS,
    RUNNING_STATES,
    TRANSITIONS,
    ClockAdjustment,
    Session,
    State,
    check_t0_correction,
    check_transition,
    clock_adjustments,
    dose_time_correctable,
    monitoring_minutes,
    signable,
)

LEGAL = [(s, t) for s, targets in TRANSITIONS.items() for t in targets]
ILLEGAL = [(s, t) for s in State for t in State if t not in TRANSITIONS[s]]


def make(protocol: Protocol, state: State, now: datetime, minutes_since_dose: float | None,
         adjustments: tuple[ClockAdjustment, ...] = ()) -> Session:
    t0 = None if minutes_since_dose is None else now - timedelta(minutes=minutes_since_dose)
    return Session(7, "P-007", protocol, state, now - timedelta(hours=3), t0, adjustments)


def refusal(session: Session, target: State, now: datetime, reason: str | None = None) -> str:
    with pytest.raises(TransitionError) as info:
        check_transition(session, target, now, reason)
    assert isinstance(info.value, KapdeskError)
    return str(info.value)


def test_happy_path_is_planned_to_closed() -> None:
    path = [State.PLANNED, State.PREPARING, State.DOSED, State.RECOVERY, State.DISCHARGED,
            State.CLOSED]
    assert all(b in TRANSITIONS[a] for a, b in pairwise(path))
    assert TRANSITIONS[State.CLOSED] == () and TRANSITIONS[State.CANCELLED] == ()


@pytest.mark.parametrize(("state", "target"), LEGAL, ids=lambda s: s.value)
def test_each_legal_transition_is_allowed(protocols: dict[str, Protocol], clock: FakeClock,
                                          state: State, target: State) -> None:
    dosed = state in (State.DOSED, State.RECOVERY, State.DISCHARGED)
    session = make(protocols["im-kap"], state, clock.now(), 90 if dosed else None)
    reason = "patient unwell" if target is State.CANCELLED else None
    check_transition(session, target, clock.now(), reason)  # does not raise


@pytest.mark.parametrize(("state", "target"), ILLEGAL, ids=lambda s: s.value)
def test_each_illegal_transition_is_refused_in_words(protocols: dict[str, Protocol],
                                                     clock: FakeClock, state: State,
                                                     target: State) -> None:
    session = make(protocols["im-kap"], state, clock.now(), 200)
    message = refusal(session, target, clock.now(), reason="a reason")
    if TRANSITIONS[state]:
        nexts = " or ".join(ACTION_WORDS[s] for s in TRANSITIONS[state])
        assert message == (f"Cannot {ACTION_WORDS[target]} while the session is "
                           f"{state.label.lower()}: next you can {nexts}.")
    else:
        assert message == (f"This session is {state.label.lower()}; nothing more can be "
                           "done in the room.")


def test_illegal_messages_read_well(protocols: dict[str, Protocol], clock: FakeClock) -> None:
    now = clock.now()
    planned = make(protocols["im-kap"], State.PLANNED, now, None)
    assert refusal(planned, State.DOSED, now) == (
        "Cannot record the dose while the session is planned: next you can start preparing "
        "or cancel the session.")
    dosed = make(protocols["im-kap"], State.DOSED, now, 10)
    assert refusal(dosed, State.CANCELLED, now, "changed mind") == (
        "Cannot cancel the session while the session is dosed: next you can begin recovery.")
    assert refusal(dosed, State.PLANNED, now) == (
        "Cannot return the session to planned while the session is dosed: next you can "
        "begin recovery.")
    closed = make(protocols["im-kap"], State.CLOSED, now, 200)
    assert refusal(closed, State.PREPARING, now) == (
        "This session is closed; nothing more can be done in the room.")


@pytest.mark.parametrize("state", [State.PLANNED, State.PREPARING])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_cancel_needs_a_reason(protocols: dict[str, Protocol], clock: FakeClock,
                               state: State, reason: str | None) -> None:
    session = make(protocols["im-kap"], state, clock.now(), None)
    assert refusal(session, State.CANCELLED, clock.now(), reason) == (
        "Cancelling a session needs a reason.")


@pytest.mark.parametrize("reason", [None, "patient feels fine, escort waiting"])
def test_strict_minimum_refuses_early_discharge_even_with_reason(
        protocols: dict[str, Protocol], clock: FakeClock, reason: str | None) -> None:
    session = make(protocols["esketamine-nasal"], State.RECOVERY, clock.now(), 119)
    assert refusal(session, State.DISCHARGED, clock.now(), reason) == (
        "Esketamine nasal spray (REMS) needs at least 120 min of monitoring after the dose; "
        "119 min have passed (1 min to go). The session cannot be closed before then.")


def test_strict_minimum_allows_discharge_at_120_min(protocols: dict[str, Protocol],
                                                     clock: FakeClock) -> None:
    session = make(protocols["esketamine-nasal"], State.RECOVERY, clock.now(), 120)
    check_transition(session, State.DISCHARGED, clock.now())
    assert monitoring_minutes(session, clock.now()) == 120.0


def test_clock_set_forward_cannot_shorten_the_strict_minimum(
        protocols: dict[str, Protocol], clock: FakeClock) -> None:
    t0 = clock.now()
    clock.advance(30 * 60)
    clock.jump_wall(3600)  # the wall clock now reads T+90 after 30 real minutes
    jump = ClockAdjustment(clock.now(), 3600)
    clock.advance(60 * 60)  # 90 real minutes since the dose; the wall clock says 150
    session = Session(1, "P-1", protocols["esketamine-nasal"], State.RECOVERY,
                      t0 - timedelta(minutes=30), t0, (jump,))
    assert (clock.now() - t0) == timedelta(minutes=150)
    assert "90 min have passed (30 min to go)" in refusal(session, State.DISCHARGED,
                                                          clock.now(), "reason")


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_non_strict_early_discharge_needs_a_reason(protocols: dict[str, Protocol],
                                                   clock: FakeClock, reason: str | None) -> None:
    session = make(protocols["im-kap"], State.RECOVERY, clock.now(), 60)
    assert refusal(session, State.DISCHARGED, clock.now(), reason) == (
        "Intramuscular ketamine (KAP) needs at least 90 min of monitoring after the dose; "
        "60 min have passed (30 min to go). To discharge earlier, give a reason.")


def test_non_strict_early_discharge_with_a_reason_is_allowed(
        protocols: dict[str, Protocol], clock: FakeClock) -> None:
    session = make(protocols["im-kap"], State.RECOVERY, clock.now(), 60)
    check_transition(session, State.DISCHARGED, clock.now(), "transport arrived; stable")
    check_transition(make(protocols["im-kap"], State.RECOVERY, clock.now(), 90),
                     State.DISCHARGED, clock.now())  # at the minimum, no reason needed


def test_running_and_clock_flags(protocols: dict[str, Protocol], clock: FakeClock) -> None:
    now = clock.now()
    for state in State:
        dosed = state in (State.DOSED, State.RECOVERY, State.DISCHARGED, State.CLOSED)
        session = make(protocols["im-kap"], state, now, 5 if dosed else None)
        assert session.is_running == (state in RUNNING_STATES)
        # the clock stops at discharge (issue 10 item 10)
        assert session.clock_running == (state in (State.DOSED, State.RECOVERY))
        assert session.discharged == (state in (State.DISCHARGED, State.CLOSED))
    assert set(RUNNING_STATES) == {State.PREPARING, State.DOSED, State.RECOVERY,
                                   State.DISCHARGED}


def test_elapsed_and_monitoring_minutes(protocols: dict[str, Protocol],
                                        clock: FakeClock) -> None:
    before = make(protocols["im-kap"], State.PREPARING, clock.now(), None)
    assert before.elapsed(clock.now()) == 0.0
    assert monitoring_minutes(before, clock.now()) == 0.0
    session = make(protocols["im-kap"], State.DOSED, clock.now(), 45.5)
    assert session.elapsed(clock.now()) == 2730.0
    assert monitoring_minutes(session, clock.now()) == 45.5


def test_clock_adjustments_helper(clock: FakeClock) -> None:
    at = clock.now()
    assert clock_adjustments([(at, -60.0)]) == (ClockAdjustment(at, -60.0),)
    assert [s.label for s in State] == ["Planned", "Preparing", "Dosed", "Recovery",
                                        "Discharged", "Closed", "Cancelled"]


def test_signable_is_one_rule_of_kind_state_and_signature() -> None:
    ended = [State.DISCHARGED, State.CLOSED, "closed"]
    assert all(signable("dosing", state, signed=False) for state in ended)
    assert not any(signable("dosing", state, signed=True) for state in ended)
    assert not any(signable("integration", state, signed=False) for state in ended)
    assert not any(signable("dosing", state, signed=False)
                   for state in (State.PLANNED, State.PREPARING, State.DOSED, State.RECOVERY,
                                 State.CANCELLED))


def test_the_dose_time_is_correctable_after_the_dose_and_before_discharge(
        protocols: dict[str, Protocol], clock: FakeClock) -> None:
    def at(state: State, t0: datetime | None) -> Session:
        return Session(1, "K-1", protocols["im-kap"], state, clock.now(), t0)

    assert dose_time_correctable(at(State.DOSED, clock.now()))
    assert dose_time_correctable(at(State.RECOVERY, clock.now()))
    assert not dose_time_correctable(at(State.PREPARING, None))
    assert not dose_time_correctable(at(State.DISCHARGED, clock.now()))
    with pytest.raises(TransitionError, match="only after the dose is recorded"):
        check_t0_correction(at(State.DISCHARGED, clock.now()), clock.now(), clock.now(), "x")
