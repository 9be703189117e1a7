"""The chime on real output, captured by SDL's disk driver; and no device at all."""

import time
from array import array

import pytest

from kapdesk.audio.output import MixerOutput


@pytest.fixture
def disk_output(tmp_path, monkeypatch):
    capture = tmp_path / "out.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(capture))
    output = MixerOutput()
    yield output, capture
    output.close()


def test_chime_is_soft_starts_gently_and_ends_in_silence(disk_output):
    output, capture = disk_output
    assert output.start(), output.reason
    output.chime()
    time.sleep(2.2)
    output.close()
    samples = array("h", capture.read_bytes())
    peak = max(abs(s) for s in samples)
    assert 0.05 * 32767 < peak < 0.25 * 32767  # audible, never loud, never clipping
    start = next(i for i, s in enumerate(samples) if s != 0)
    first_5ms = samples[start:start + 2 * 240]
    assert max(abs(s) for s in first_5ms) < peak / 3  # a fade-in, not a click
    assert max(abs(s) for s in samples[-2000:]) == 0  # it has died away


def test_no_audio_device_is_reported_and_nothing_crashes(monkeypatch):
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    output = MixerOutput()
    assert output.start() is False
    assert output.reason.startswith("Audio unavailable")
    output.chime()  # tries again, fails quietly
    assert output.available is False
