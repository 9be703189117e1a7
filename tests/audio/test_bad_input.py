"""Bad files, no device, and a clinician pressing every button at once: the music goes on."""

import logging
import random
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from kapdesk.audio.device import SoundDevice
from kapdesk.audio.model import (
    DeviceLost,
    Ended,
    PlayerState,
    PlaylistEnded,
    Skipped,
    Started,
    TrackSpec,
)
from kapdesk.audio.output import MixerOutput
from kapdesk.audio.player import MusicPlayer
from tests.audio.signals import (
    RATE,
    Capture,
    EventLog,
    bad_files,
    longest_silence_s,
    sounding,
    tone,
)


def test_bad_files_are_skipped_within_a_second_and_the_music_goes_on(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    bad = bad_files(tmp_path)
    good1 = tone(tmp_path / "good1.wav", 440, 1.5)
    good2 = tone(tmp_path / "good2.flac", 660, 1.5, rate=44_100)
    player.set_crossfade(0)
    player.load([TrackSpec("missing", bad["missing"]), TrackSpec("g1", good1, 0.0),
                 TrackSpec("empty", bad["empty"]), TrackSpec("corrupt", bad["corrupt"]),
                 TrackSpec("truncated", bad["truncated"]), TrackSpec("g2", good2, 0.0)])
    caplog.set_level(logging.WARNING, logger="kapdesk.audio")
    began = capture.frames()
    player.play(fade_s=0.05)
    skipped = log.wait_for(lambda e: isinstance(e, Skipped), 1.0)
    assert skipped == Skipped("missing", "file not found")
    log.wait_for(lambda e: isinstance(e, PlaylistEnded), 5.0)
    log.run_for(0.2)
    events = log.events()
    assert events[:3] == [Skipped("missing", "file not found"), Started("g1"),
                          Ended("g1", natural=True)]
    reasons = {e.track_id: e.reason for e in events if isinstance(e, Skipped)}
    assert reasons["empty"] == "the file is empty"
    assert reasons["corrupt"].startswith("unsupported or damaged audio file")
    assert reasons["truncated"]  # opens, but holds no playable audio
    assert events[-3:] == [Started("g2"), Ended("g2", natural=True), PlaylistEnded()]
    samples = capture.samples()
    assert (sounding(samples)[0] - began) / RATE < 1.0  # the music started within 1 s
    assert longest_silence_s(samples) < 0.05  # and g2 followed g1 without a gap
    assert "missing" in caplog.text and "corrupt" in caplog.text


def test_a_list_of_only_bad_files_ends_cleanly_without_spinning(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path) -> None:
    bad = bad_files(tmp_path)
    player.load([TrackSpec(name, path) for name, path in bad.items()])
    player.play()
    log.wait_for(lambda e: isinstance(e, PlaylistEnded), 1.0)
    assert [type(e) for e in log.events()] == [Skipped] * 4 + [PlaylistEnded]
    assert player.state is PlayerState.STOPPED
    cpu = time.process_time()
    time.sleep(1.0)
    assert time.process_time() - cpu < 0.05  # idle: no thread busy-waits
    samples = capture.samples()
    assert not samples.size or np.abs(samples).max() == 0
    assert log.events() == [Skipped(n, log.events()[i].reason)  # type: ignore[union-attr]
                            for i, n in enumerate(bad)] + [PlaylistEnded()]


def test_no_device_is_reported_and_retry_opens_it(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    player = MusicPlayer()
    try:
        assert player.start() is False
        assert player.available is False and player.reason.startswith("Audio unavailable")
        player.load([TrackSpec("t", tone(tmp_path / "t.wav", 440, 2.0), 0.0)])
        player.play()  # accepted; nothing to hear it on
        player.next()
        assert player.events() == []
        monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
        assert player.retry() is True and player.available and player.reason == ""
        player.play()
        EventLog(player).wait_for(lambda e: e == Started("t"), 1.0)
    finally:
        player.close()


def test_the_chime_shares_the_device_with_the_music(
        capture: Capture, tmp_path: Path) -> None:
    device = SoundDevice()
    player = MusicPlayer(device)
    chime = MixerOutput(device)
    try:
        assert player.start() and chime.start()
        player.load([TrackSpec("t", tone(tmp_path / "t.wav", 220, 3.0, amp=0.1), 0.0)])
        player.play(fade_s=0.05)
        time.sleep(0.5)
        chime.chime()
        chime.close()  # not its device: the music keeps playing
        time.sleep(1.0)
        assert player.available and player.state is PlayerState.PLAYING
    finally:
        player.close()
        device.close()
    samples = capture.samples()[:, 0].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(samples[int(0.6 * RATE):int(1.1 * RATE)]))
    freqs = np.fft.rfftfreq(int(0.5 * RATE), 1 / RATE)
    for wanted in (220.0, 523.25):  # the music and the bell, mixed
        band = (freqs > wanted - 5) & (freqs < wanted + 5)
        assert spectrum[band].max() > 20 * np.median(spectrum)


@pytest.mark.parametrize("seed", [1, 2])
def test_100_random_presses_in_2_s_never_leave_it_stuck_or_silent_by_mistake(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path,
        seed: int) -> None:
    tracks = [TrackSpec(f"t{i}", tone(tmp_path / f"t{i}.wav", 300 + 100 * i, 10.0), 0.0)
              for i in range(3)]
    tracks.insert(2, TrackSpec("bad", tmp_path / "missing.ogg"))
    player.set_crossfade(1.0)
    player.load(tracks)
    rng = random.Random(seed)
    presses = [player.play, player.pause, player.stop, player.next, player.previous,
               lambda: player.stop(0.2), lambda: player.crossfade_to(tracks[::-1]),
               lambda: player.set_volume(rng.random())]
    began = time.monotonic()
    for _ in range(100):
        rng.choice(presses)()
        log.poll()
        time.sleep(rng.uniform(0, 0.02))
    assert time.monotonic() - began < 2.0
    player.set_volume(1.0)
    log.run_for(3.3)  # every fade has ended, even a 3 s fade-in
    assert_heard_as_stated(player, capture, loud=1000)
    for command, state in ((player.play, PlayerState.PLAYING),
                           (player.pause, PlayerState.PAUSED), (player.play, PlayerState.PLAYING),
                           (lambda: player.stop(0.2), PlayerState.STOPPED),
                           (player.play, PlayerState.PLAYING)):
        command()
        log.run_for(0.8)
        assert player.state is state
        assert_heard_as_stated(player, capture, loud=33)  # a fade-in may still be rising
    assert any(t.name == "kapdesk-music" for t in threading.enumerate())
    started = [e.track_id for e in log.events() if isinstance(e, Started)]
    finished = [e.track_id for e in log.events() if isinstance(e, Ended | Skipped)]
    assert len(started) >= 2 and set(started) <= {t.id for t in tracks}
    assert set(finished) <= {t.id for t in tracks}


def assert_heard_as_stated(player: MusicPlayer, capture: Capture, loud: int) -> None:
    """Playing sounds above `loud`; paused or stopped is silent (over the last 0.2 s)."""
    recent = capture.samples()[-int(0.2 * RATE):]
    peak = int(np.abs(recent.astype(np.int32)).max()) if recent.size else 0
    if player.state is PlayerState.PLAYING:
        assert player.current() is not None
        assert peak > loud, f"playing {player.current()} but silent ({peak})"
    else:
        assert peak == 0, f"{player.state} but sounding ({peak})"


def test_a_lost_output_is_reported_and_retry_brings_the_music_back(
        capture: Capture, tmp_path: Path) -> None:
    device = SoundDevice()
    player = MusicPlayer(device)
    try:
        assert player.start(), player.reason
        log = EventLog(player)
        player.load([TrackSpec("t", tone(tmp_path / "t.wav", 440, 10.0), 0.0)])
        player.play(fade_s=0.05)
        log.wait_for(lambda e: e == Started("t"), 1.0)
        device.close()  # the output goes away under the player (as another owner might)
        lost = log.wait_for(lambda e: isinstance(e, DeviceLost), 1.0)
        assert isinstance(lost, DeviceLost) and player.available is False
        assert player.reason == f"Audio unavailable: {lost.reason}"
        assert player.state is PlayerState.PLAYING  # what was asked for is kept
        assert player.retry() is True and player.available
        log.run_for(1.0)
        recent = capture.samples()[-int(0.3 * RATE):]  # the disk driver starts a new file
        assert np.abs(recent).max() > 5000  # the same track plays on, faded back in
        assert player.current() == TrackSpec("t", tmp_path / "t.wav", 0.0)
    finally:
        player.close()
        device.close()
