"""Test set-up: offscreen Qt, SDL without a sound card, and a private data dir per test."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from kapdesk.core.clock import FakeClock
from kapdesk.core.protocol import Protocol, load_protocols
from kapdesk.paths import builtin_protocols_dir
from kapdesk.store.database import open_database


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test ever touches real notes: the data dir is this test's temp folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("KAPDESK_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def protocols() -> dict[str, Protocol]:
    found, errors = load_protocols([builtin_protocols_dir()])
    assert not errors
    return {p.id: p for p in found}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kapdesk.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    """A real SQLite file in this test's temp folder, opened and migrated like the app does."""
    database = open_database(db_path)
    yield database
    database.conn.close()
