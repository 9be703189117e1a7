"""Long runs: a full 6 s crossfade heard on real output, and 20-minute tracks in bounded memory."""

import time
from pathlib import Path

import numpy as np
import psutil
import pytest
import soundfile as sf

from kapdesk.audio.decoder import AHEAD_S
from kapdesk.audio.model import Ended, PlaylistEnded, Started, TrackSpec
from kapdesk.audio.player import MusicPlayer
from tests.audio.signals import (
    RATE,
    Capture,
    EventLog,
    longest_silence_s,
    segments_by_tone,
    tone,
    tone_level,
)

MIB = 1024 * 1024


@pytest.mark.slow
def test_a_6_s_crossfade_keeps_the_level_and_leaves_no_gap(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path) -> None:
    a = TrackSpec("a", tone(tmp_path / "a.wav", 440, 12.5), 0.0)
    b = TrackSpec("b", tone(tmp_path / "b.ogg", 660, 12.5, rate=44_100), 0.0)
    assert player.crossfade_s == 6.0  # the default
    player.load([a, b])
    player.play(fade_s=0.05)
    log.wait_for(lambda e: isinstance(e, PlaylistEnded), 21.0)
    assert log.events() == [Started("a"), Started("b"), Ended("a", natural=True),
                            Ended("b", natural=True), PlaylistEnded()]
    samples = capture.samples()
    assert longest_silence_s(samples) < 0.05
    (a_start, _a_end), (_b_start, b_end) = segments_by_tone(samples, [440, 660])
    old, new = tone_level(samples[:, 0], 440), tone_level(samples[:, 0], 660)
    inside = np.zeros(len(old), dtype=bool)  # not the first and last 0.2 s (onset splatter)
    inside[int(a_start / 0.02) + 10:int(b_end / 0.02) - 10] = True
    both = np.nonzero(inside & (old > 0.003) & (new > 0.003))[0] * 0.02  # > -40 dB re full
    assert both[-1] - both[0] == pytest.approx(6.0, abs=0.2)
    start = a_start
    assert both[0] - start == pytest.approx(12.5 - 6.0, abs=0.2)  # a plays its full length
    # equal power: the summed level stays even through the crossfade
    power = old ** 2 + new ** 2
    across = power[int((start + 0.5) / 0.02):int((start + 18.5) / 0.02)]
    assert 10 * np.log10(across.max() / across.min()) < 1.0
    assert int(np.abs(samples.astype(np.int32)).max()) < 32_000


@pytest.mark.slow
def test_memory_stays_bounded_with_20_minute_tracks(tmp_path: Path) -> None:
    long_a, long_b = tmp_path / "long_a.wav", tmp_path / "long_b.wav"
    for path, freq in ((long_a, 225), (long_b, 245)):  # 20 minutes, 22.05 kHz mono
        second = (0.1 * np.sin(2 * np.pi * freq * np.arange(22_050) / 22_050)).astype(np.float32)
        with sf.SoundFile(str(path), "w", 22_050, 1, "PCM_16") as out:
            for _ in range(20 * 60):
                out.write(second)
    process = psutil.Process()
    player = MusicPlayer()
    try:
        assert player.start(), player.reason
        log = EventLog(player)
        player.load([TrackSpec("a", long_a, 0.0), TrackSpec("b", long_b, 0.0)])
        player.play(fade_s=0.05)
        log.wait_for(lambda e: e == Started("a"), 2.0)
        log.run_for(1.0)
        before = process.memory_info().rss
        peak = before
        for _ in range(3):
            player.next() if player.current() == TrackSpec("a", long_a, 0.0) else player.previous()
            end = time.monotonic() + 2.0
            while time.monotonic() < end:  # crossfading between two 20-minute tracks
                peak = max(peak, process.memory_info().rss)
                log.poll()
                time.sleep(0.05)
        engine = player._engine
        assert engine is not None
        with player._lock:
            streams = list(engine.list._ahead.values()) + [
                v.stream for v in [engine._current, *engine._fading] if v is not None]
        assert streams and all(s.buffered <= (AHEAD_S + 0.6) * RATE for s in streams)
    finally:
        player.close()
    assert (peak - before) / MIB < 30  # a decoded 20-minute track would be 440 MiB
    started = [e for e in log.events() if isinstance(e, Started)]
    assert len(started) == 4
