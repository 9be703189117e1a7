"""Invented demo data: patients, past sessions with their cue history, one planned today.

Everything here is made up. It is written through the real store, on a clock set to
the past, so the demo looks exactly like a clinic's own record.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlite_utils

from kapdesk.core.clock import FakeClock
from kapdesk.core.cues import CueEventKind, expand_schedule
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.sessions import SessionStore
from kapdesk.store.users import UserStore

DEMO_CLINICIANS = ("Dr Ada Quill", "Sam Okafor, RN")
DEMO_PATIENTS = ("K-101", "K-102", "K-103", "K-104", "K-105", "K-106")
SKIP_REASONS = ("Patient asleep, not disturbed", "Done with the previous cue")


def write_demo(db: sqlite_utils.Database, protocols: dict[str, Protocol], now: datetime,
               seed: int = 7) -> dict[str, int]:
    """Fill an empty database with invented history. Returns counts of what was written."""
    rng = random.Random(seed)
    clock = FakeClock(now - timedelta(days=60))
    users = UserStore(db, clock)
    staff = [users.add(name, "clinician") for name in DEMO_CLINICIANS]
    users.add("Riley Park", "staff")
    store = SessionStore(db, clock)
    order = [p for p in ("im-kap", "iv-infusion", "sublingual-lozenge", "esketamine-nasal")
             if p in protocols]
    plan: list[tuple[datetime, str, Protocol]] = []
    for i, code in enumerate(DEMO_PATIENTS):
        protocol = protocols[order[i % len(order)]]
        start = now - timedelta(days=56 - 7 * i)
        for n in range(rng.randint(2, 6)):
            day = start + timedelta(days=3 * n + rng.randint(0, 1), hours=rng.randint(0, 5))
            if day < now - timedelta(hours=12):
                plan.append((day, code, protocol))
    for when, code, protocol in sorted(plan, key=lambda p: p[0]):
        _past_session(store, clock, when, code, protocol, rng.choice(staff).id, rng)
    sessions = len(plan)
    clock.advance_to(now)  # today's session is planned "now"
    store.plan("K-107", protocols[order[0]], staff[0].id)
    return {"patients": len(DEMO_PATIENTS) + 1, "sessions": sessions + 1}


def _past_session(store: SessionStore, clock: FakeClock, when: datetime, code: str,
                  protocol: Protocol, user: int, rng: random.Random) -> None:
    clock.advance_to(max(when, clock.now()))
    session = store.plan(code, protocol, user)
    clock.advance(20 * 60)
    store.transition(session.id, State.PREPARING, user)
    clock.advance(rng.randint(15, 30) * 60)
    session = store.transition(session.id, State.DOSED, user)
    dosed_at = clock.now()
    for cue in expand_schedule(protocol):
        due = dosed_at + timedelta(seconds=cue.due_s)
        if due < clock.now():
            continue
        clock.advance_to(due)
        store.record_cue(session.id, cue.key, CueEventKind.DUE, None, {"due_s": cue.due_s})
        clock.advance(rng.randint(5, 90))
        if rng.random() < 0.06:
            store.record_cue(session.id, cue.key, CueEventKind.SKIPPED, user,
                             {"reason": rng.choice(SKIP_REASONS)})
        else:
            store.record_cue(session.id, cue.key, CueEventKind.ACKNOWLEDGED, user)
        if cue.due_s >= protocol.phases[-1].start_min * 60 and \
                store.get(session.id).state is State.DOSED:
            store.transition(session.id, State.RECOVERY, user)
    if store.get(session.id).state is State.DOSED:
        store.transition(session.id, State.RECOVERY, user)
    minimum = dosed_at + timedelta(minutes=protocol.min_monitoring_minutes + rng.randint(0, 15))
    clock.advance_to(max(clock.now(), minimum))
    store.transition(session.id, State.DISCHARGED, user)
    clock.advance(5 * 60)
    store.transition(session.id, State.CLOSED, user)
