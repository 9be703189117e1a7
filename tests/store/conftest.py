"""Stores wired together as app.py does, on the real SQLite file of each test."""

from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import Protocol
from kapdesk.core.session import State
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.patients import PatientStore
from kapdesk.store.records import RecordStore
from kapdesk.store.sessions import SessionStore
from kapdesk.store.users import UserStore


@pytest.fixture
def user_id(db: Database, clock: FakeClock) -> int:
    return UserStore(db, clock).add("Dr Ana Silva").id


@pytest.fixture
def other_user_id(db: Database, clock: FakeClock) -> int:
    return UserStore(db, clock).add("Sam Okafor, RN").id


@pytest.fixture
def audit(db: Database, clock: FakeClock) -> AuditTrail:
    return AuditTrail(db, clock)


@pytest.fixture
def sessions(db: Database, clock: FakeClock, audit: AuditTrail) -> SessionStore:
    return SessionStore(db, clock, audit)


@pytest.fixture
def records(db: Database, clock: FakeClock, sessions: SessionStore,
            audit: AuditTrail) -> RecordStore:
    return RecordStore(db, clock, sessions, audit)


@pytest.fixture
def patients(db: Database, clock: FakeClock, audit: AuditTrail) -> PatientStore:
    return PatientStore(db, clock, audit)


@pytest.fixture
def im_kap(protocols: dict[str, Protocol]) -> Protocol:
    return protocols["im-kap"]


def preparing(sessions: SessionStore, protocol: Protocol, user_id: int,
              code: str = "P-001") -> int:
    """A session planned and in preparation (in the room, not dosed)."""
    sid = sessions.plan(code, protocol, user_id).id
    sessions.transition(sid, State.PREPARING, user_id)
    return sid


def discharge(sessions: SessionStore, clock: FakeClock, sid: int, user_id: int) -> None:
    """From dosed to discharged, after the protocol's minimum monitoring time."""
    session = sessions.get(sid)
    assert session.t0 is not None
    sessions.transition(sid, State.RECOVERY, user_id)
    minimum = session.protocol.min_monitoring_minutes * 60
    clock.advance(max(0.0, minimum - session.elapsed(clock.now())) + 60)
    sessions.transition(sid, State.DISCHARGED, user_id)


@pytest.fixture
def folder(tmp_path: Path, clock: FakeClock) -> Path:
    """A data folder opened as the room opens it, holding one patient, K-1; closed again."""
    from kapdesk.store.opening import open_data_folder

    folder = tmp_path / "data"
    folder.mkdir()
    opened = open_data_folder(folder / "kapdesk.sqlite3", clock, "test")
    PatientStore(opened.db, clock, AuditTrail(opened.db, clock)).save("K-1", None)
    opened.close()
    return folder
