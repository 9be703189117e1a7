"""Instants are stored as UTC text with microseconds, and read back exactly."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kapdesk.store.timefmt import from_db, to_db


def test_utc_round_trip_to_the_microsecond() -> None:
    instant = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)
    assert to_db(instant) == "2026-03-02T09:00:00.123456+00:00"
    assert from_db(to_db(instant)) == instant


def test_other_offsets_are_stored_as_utc() -> None:
    lisbon_summer = datetime(2026, 7, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert to_db(lisbon_summer) == "2026-07-01T09:30:00.000000+00:00"
    assert from_db(to_db(lisbon_summer)).tzinfo is UTC


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware UTC"):
        to_db(datetime(2026, 3, 2, 9, 0))
