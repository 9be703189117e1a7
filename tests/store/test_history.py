"""The history's patient search and filters in SQL, and the REMS list as values."""

from datetime import timedelta

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.history import HistoryFilter
from kapdesk.core.protocol import Protocol
from kapdesk.store.connection import Database
from kapdesk.store.history import protocols_in_use, rems_list, search_patients
from tests.store.history_sample import QUIET_NAME, Clinic, write_clinic


@pytest.fixture
def clinic(db: Database, clock: FakeClock, protocols: dict[str, Protocol]) -> Clinic:
    return write_clinic(db, clock, protocols)


def _codes(db: Database, flt: HistoryFilter) -> dict[str, tuple[int, int, int]]:
    rows, total = search_patients(db, flt)
    assert total == len(rows)
    return {r.code: (r.sessions, r.unsigned, r.alerts) for r in rows}


def test_search_by_code_or_name_any_case(db: Database, clinic: Clinic) -> None:
    assert _codes(db, HistoryFilter()) == {"K-204": (3, 1, 2), "K-205": (1, 1, 1),
                                           "K-310": (1, 0, 0)}
    assert list(_codes(db, HistoryFilter("k-20"))) == ["K-204", "K-205"]
    assert list(_codes(db, HistoryFilter(QUIET_NAME.split()[1].upper()))) == ["K-310"]
    assert _codes(db, HistoryFilter("nobody")) == {}


def test_session_filters_narrow_the_patients(db: Database, clock: FakeClock,
                                             clinic: Clinic) -> None:
    assert _codes(db, HistoryFilter(unsigned_only=True)) == {"K-204": (1, 1, 1),
                                                             "K-205": (1, 1, 1)}
    assert _codes(db, HistoryFilter(alerts_only=True)) == {"K-204": (2, 1, 2),
                                                           "K-205": (1, 1, 1)}
    assert list(_codes(db, HistoryFilter(protocol_id="esketamine-nasal"))) == ["K-205"]
    day0 = clinic.signed.plays[0].started_at
    first_day = HistoryFilter(since=day0 - timedelta(hours=2), until=day0 + timedelta(hours=6))
    assert _codes(db, first_day) == {"K-204": (1, 0, 1)}
    assert _codes(db, HistoryFilter("K-310", alerts_only=True)) == {}
    rows, total = search_patients(db, HistoryFilter(), limit=2)
    assert (len(rows), total) == (2, 3)


def test_protocols_in_use_and_rems_due(db: Database, clock: FakeClock,
                                       clinic: Clinic) -> None:
    assert protocols_in_use(db) == [
        ("esketamine-nasal", "Esketamine nasal spray (REMS)"),
        ("integration", "Integration session"),
        ("im-kap", "Intramuscular ketamine (KAP)")]
    due = rems_list(db, clock)
    assert [(d.session_id, d.patient_code) for d in due] == [
        (clinic.esketamine.session_id, "K-205")]
    assert 5 < due[0].days_left(clock.now()) < 7
