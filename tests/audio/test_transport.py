"""Play, pause, stop, volume and list changes, heard on real output (SDL's disk driver)."""

import time
from pathlib import Path

import numpy as np
import pytest

from kapdesk.audio.model import Ended, PlayerState, PlaylistEnded, Started, TrackSpec
from kapdesk.audio.player import MusicPlayer
from tests.audio.signals import RATE, Capture, EventLog, db, sounding, tone, tone_level


def spec(track_id: str, path: Path) -> TrackSpec:
    return TrackSpec(track_id, path, 0.0)


def level_db(samples: np.ndarray, start_s: float, seconds: float = 0.1) -> float:
    part = samples[int(start_s * RATE):int((start_s + seconds) * RATE), 0].astype(np.float64)
    return db(float(np.sqrt(np.mean(part ** 2))) / 32767) if len(part) else -240.0


def test_fades_in_at_the_start_and_the_stop_fade_reaches_silence_on_time(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path) -> None:
    player.load([spec("t", tone(tmp_path / "t.wav", 440, 12.0))])
    player.play()  # the session's music: a 3 s fade-in
    log.run_for(3.6)
    stop_at = capture.frames()
    player.stop()  # default 3 s
    assert player.state is PlayerState.STOPPED
    log.run_for(3.7)
    samples = capture.samples()
    first, _last = sounding(samples)
    start = first / RATE
    # fade-in: quiet at first, rising steadily to full level by 3 s
    rising = [level_db(samples, start + t) for t in (0.1, 1.0, 2.0, 3.1)]
    assert rising == sorted(rising) and rising[0] < rising[-1] - 30, rising
    # stop: digital silence (within 1 LSB) 3 s after the command, within 10 %
    silent_from = sounding(samples, threshold=1)[1] / RATE
    assert silent_from - stop_at / RATE == pytest.approx(3.0, abs=0.3)
    # and a gradual fade over that time, not a drop at either end
    before = level_db(samples, stop_at / RATE - 0.3)
    fading = [level_db(samples, stop_at / RATE + t) - before for t in (0.5, 1.5, 2.5)]
    assert fading[0] > -10 and fading == sorted(fading, reverse=True) and fading[2] > -60, fading
    assert log.events() == [Started("t"), Ended("t", natural=False)]


def test_pause_fades_out_quickly_and_play_resumes_where_it_was(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path) -> None:
    player.load([spec("t", tone(tmp_path / "t.wav", 440, 6.0))])
    player.play(fade_s=0.05)
    log.run_for(1.0)
    paused_at = capture.frames()
    player.pause()
    log.run_for(0.8)
    heard = player.position()
    assert player.state is PlayerState.PAUSED
    resumed_at = capture.frames()
    player.play()
    log.run_for(0.8)
    assert player.position() == pytest.approx(heard + 0.8, abs=0.25)
    samples = capture.samples()
    pause_end = sounding(samples[paused_at:resumed_at])[1] / RATE
    assert 0.25 < pause_end < 0.7  # a 250 ms fade after the queued audio (0.17-0.34 s)
    # never a jump: the level falls smoothly through the pause fade (20 ms windows)
    levels = tone_level(samples[paused_at:paused_at + int(0.6 * RATE), 0], 440)
    assert np.diff(levels).max() < 0.01 and np.diff(levels).min() > -0.35 * levels[0]
    back = sounding(samples[resumed_at:])[0] / RATE
    assert back < 0.3
    assert level_db(samples, resumed_at / RATE + back, 0.02) < level_db(
        samples, resumed_at / RATE + back + 0.4, 0.02) - 10  # faded back in
    assert log.events() == [Started("t")]


def test_volume_is_perceptual_and_ramped(player: MusicPlayer, capture: Capture,
                                          log: EventLog, tmp_path: Path) -> None:
    player.load([spec("t", tone(tmp_path / "t.wav", 440, 4.0))])
    player.play(fade_s=0.05)
    log.run_for(1.0)
    at = capture.frames() / RATE
    player.set_volume(0.5)  # cubic taper: about -18 dB
    log.run_for(1.0)
    samples = capture.samples()
    levels = tone_level(samples[int(at * RATE):int((at + 0.8) * RATE), 0], 440)
    drop = db(levels[-1]) - db(levels[0])
    assert drop == pytest.approx(-18.06, abs=0.5)
    assert np.abs(np.diff(db(1) + 20 * np.log10(levels))).max() < 6  # no jump in 20 ms


def test_next_and_previous_crossfade_and_report_the_cut(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path) -> None:
    a = spec("a", tone(tmp_path / "a.wav", 440, 8.0))
    b = spec("b", tone(tmp_path / "b.wav", 660, 8.0))
    player.set_crossfade(1.0)
    player.load([a, b])
    player.play(fade_s=0.05)
    log.run_for(1.0)
    player.next()
    log.run_for(1.5)
    assert player.current() == b
    player.previous()  # early in b: back to a
    log.run_for(1.5)
    assert player.current() == a
    assert log.events() == [Started("a"), Started("b"), Ended("a", natural=False),
                            Started("a"), Ended("b", natural=False)]
    samples = capture.samples()
    first, last = sounding(samples)
    quiet = np.abs(samples[first:last]).max(axis=1) <= 33
    assert quiet.sum() < RATE * 0.05  # no silence between them


def test_crossfade_to_a_new_list_switches_phase_without_a_gap(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path) -> None:
    onset = [spec("onset", tone(tmp_path / "onset.wav", 440, 8.0))]
    peak = [spec("peak", tone(tmp_path / "peak.ogg", 660, 5.0, rate=44_100))]
    player.set_crossfade(2.0)
    player.load(onset)
    player.play(fade_s=0.05)
    log.run_for(1.0)
    switch = capture.frames() / RATE
    player.crossfade_to(peak)
    log.run_for(3.0)
    assert player.current() == peak[0]
    samples = capture.samples()
    old = tone_level(samples[:, 0], 440)
    new = tone_level(samples[:, 0], 660)
    both = np.nonzero((old > 0.01) & (new > 0.01))[0] * 0.02
    assert both[0] - switch < 0.4 and (both[-1] - both[0]) == pytest.approx(2.0, abs=0.3)
    first, last = sounding(samples)
    assert (np.abs(samples[first:last]).max(axis=1) <= 33).sum() < RATE * 0.05
    assert log.events() == [Started("onset"), Started("peak"), Ended("onset", natural=False)]


def test_stop_then_play_starts_the_track_again_with_a_fade_in(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path) -> None:
    player.load([spec("t", tone(tmp_path / "t.wav", 440, 6.0))])
    player.play(fade_s=0.05)
    log.run_for(0.6)
    player.stop(fade_s=0.3)
    log.run_for(0.6)
    assert player.current() is None and player.position() == 0.0
    player.play(fade_s=0.5)
    log.run_for(0.4)
    assert player.state is PlayerState.PLAYING
    assert player.position() < 0.7  # from the start again, not from 0.9 s
    assert log.events() == [Started("t"), Ended("t", natural=False), Started("t")]


def test_commands_return_at_once(player: MusicPlayer, tmp_path: Path) -> None:
    tracks = [spec(str(i), tone(tmp_path / f"{i}.wav", 440 + 10 * i, 2.0)) for i in range(3)]
    slowest = 0.0
    for command in (lambda: player.load(tracks), player.play, player.next, player.pause,
                    player.previous, player.play, lambda: player.set_volume(0.3),
                    lambda: player.crossfade_to(tracks[::-1]), player.stop):
        began = time.perf_counter()
        command()
        slowest = max(slowest, time.perf_counter() - began)
        time.sleep(0.05)
    assert slowest < 0.02


def steepest_step_db(samples: np.ndarray) -> float:
    """The largest departure of a sample from the line through the two before it (the
    second difference), in dBFS: a smooth low tone and its fades stay far below -60 dBFS,
    a sound that ends in one sample jumps by its own level."""
    steps = np.abs(np.diff(samples.astype(np.float64), n=2, axis=0))
    return db(float(steps.max()) / 32767)


@pytest.mark.parametrize("fade", ["pause", "stop"])
def test_next_on_the_last_track_during_a_fade_lets_the_fade_run_out(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path,
        fade: str) -> None:
    player.load([spec("last", tone(tmp_path / "last.wav", 100, 8.0, amp=0.5))])
    player.play(fade_s=0.05)
    log.run_for(1.0)
    if fade == "pause":
        player.pause()  # 250 ms
    else:
        player.stop(fade_s=1.0)
    log.run_for(0.1)
    fade_at = capture.frames()
    player.next()  # past the last track, while the fade is still sounding
    log.run_for(1.8)
    samples = capture.samples()
    assert steepest_step_db(samples) < -60
    # the fade ran its course: still sounding well after next(), then silence
    last = sounding(samples)[1]
    assert last > fade_at + 0.1 * RATE
    assert np.abs(samples[last + 1:]).max(initial=0) <= 33
    assert log.events() == [Started("last"), Ended("last", natural=False), PlaylistEnded()]
    assert player.state is PlayerState.STOPPED


def test_closing_while_music_plays_fades_it_out(capture: Capture, tmp_path: Path) -> None:
    player = MusicPlayer()
    assert player.start(), player.reason
    try:
        player.load([spec("t", tone(tmp_path / "t.wav", 100, 8.0, amp=0.5))])
        player.play(fade_s=0.05)
        time.sleep(1.0)
    finally:
        player.close()
    samples = capture.samples()
    assert np.abs(samples).max() > 10_000  # it was playing
    # the output's last sound is the end of a fade, not the tone cut off as it was
    assert np.abs(samples[-int(0.02 * RATE):]).max() <= 33
    assert steepest_step_db(samples) < -60
