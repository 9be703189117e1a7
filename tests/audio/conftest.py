"""Players on real output: SDL's disk driver writes what is played to a raw file."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from kapdesk.audio.player import MusicPlayer
from tests.audio.signals import Capture, EventLog


@pytest.fixture
def capture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Capture:
    path = tmp_path / "out.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(path))
    return Capture(path)


@pytest.fixture
def player(capture: Capture) -> Iterator[MusicPlayer]:
    music = MusicPlayer()
    assert music.start(), music.reason
    yield music
    music.close()


@pytest.fixture
def log(player: MusicPlayer, capture: Capture) -> EventLog:
    return EventLog(player, capture)
