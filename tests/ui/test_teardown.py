"""Closing the window is the app's teardown: the music fades out (it is not cut), the
player's threads end, the sound device is released (pygame's mixer quit), and no timer
of the room, the lock, the music or the note runs on. Heard on real output: SDL's disk
driver writes what is played to a file."""

import sys

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from kapdesk.audio.model import PlayerState
from kapdesk.core.session import State
from tests.audio.signals import Capture


@pytest.fixture
def capture(tmp_path, monkeypatch) -> Capture:
    path = tmp_path / "out.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(path))
    return Capture(path)


def test_closing_the_window_fades_the_music_and_releases_the_device(make_window, capture,
                                                                    protocols, qtbot):
    window = make_window()
    room = window.room
    assert room.plan("K-31", protocols["im-kap"])
    assert room.advance(State.PREPARING)
    window.act_dose.trigger()
    music = window.music
    window.view.music_bar.play_button.click()
    qtbot.waitUntil(lambda: music.player.state is PlayerState.PLAYING, timeout=5000)
    qtbot.waitUntil(lambda: capture.frames() > 48_000 * 4, timeout=10_000)  # fully in
    window.close()
    pygame = sys.modules["pygame"]
    assert pygame.mixer.get_init() is None
    assert not music.player.available and music.player.reason == "closed"
    timers = [t for t in window.findChildren(QTimer) if t.isActive()]
    assert timers == [], [t.objectName() for t in timers]
    samples = capture.samples()[:, 0].astype(float)
    block = 48_000 // 10  # 100 ms
    levels = [np.sqrt(np.mean(samples[i:i + block] ** 2))
              for i in range(0, len(samples) - block, block)]
    loud = max(levels)
    assert loud > 100  # the music was heard
    last_loud = max(i for i, v in enumerate(levels) if v > loud / 2)
    tail = levels[last_loud:]
    assert any(loud / 20 < v < loud / 2 for v in tail), "cut, not faded"
    assert levels[-1] < loud / 20  # silent at the end
