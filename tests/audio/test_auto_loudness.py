"""Loudness without anyone measuring first: untagged, unmeasured files on real output."""

import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from kapdesk.audio.measurer import Measurer
from kapdesk.audio.model import Measured, PlaylistEnded, TrackSpec
from kapdesk.audio.player import MusicPlayer
from tests.audio.signals import (
    RATE,
    Capture,
    EventLog,
    db,
    loudness_lufs,
    segments_by_tone,
    tone,
    tone_level,
)


def test_two_unmeasured_files_20_db_apart_both_come_out_at_minus_18_lufs(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path) -> None:
    loud = tone(tmp_path / "loud.flac", 440, 4.0, amp=0.5)  # about -6.5 LUFS
    quiet = tone(tmp_path / "quiet.ogg", 660, 4.0, amp=0.05, rate=44_100)  # about -26.5
    player.set_crossfade(0)
    player.load([TrackSpec("loud", loud), TrackSpec("quiet", quiet)])  # no gain, no tags
    player.play(fade_s=0.05)
    log.wait_for(lambda e: isinstance(e, PlaylistEnded), 15)
    log.run_for(0.3)
    samples = capture.samples()
    levels = {}
    for name, (start, end) in zip(("loud", "quiet"), segments_by_tone(samples, [440, 660]),
                                  strict=True):
        levels[name] = loudness_lufs(samples[int((start + 0.2) * RATE):int((end - 0.2) * RATE)])
    for level in levels.values():
        assert level == pytest.approx(-18.0, abs=1.0), levels
    # measured ahead, so the quiet one is at its level from its first sound, not later
    start, end = segments_by_tone(samples, [440, 660])[1]
    heard = tone_level(samples[int(start * RATE):int(end * RATE), 0], 660)
    assert abs(db(heard[1:3].min()) - db(float(np.median(heard[5:-5])))) < 1.0
    measured = {e.path.name: e for e in log.measured()}
    assert set(measured) == {"loud.flac", "quiet.ogg"}  # published, for the UI to store
    assert measured["quiet.ogg"].source == "measured"
    gains = {name: m.gain_db for name, m in measured.items()}
    assert gains["quiet.ogg"] - gains["loud.flac"] == pytest.approx(20.0, abs=0.3), gains
    assert measured["quiet.ogg"].duration_s == pytest.approx(4.0, abs=0.01)


def test_a_track_due_before_its_measurement_starts_low_and_settles(
        capture: Capture, tmp_path: Path) -> None:
    # a player that never waits for a measurement: the fallback, on a 10-minute file
    player = MusicPlayer(measure_wait_s=0.0)
    assert player.start(), player.reason
    try:
        played_for_14_s(player, capture, tmp_path)
    finally:
        player.close()


def played_for_14_s(player: MusicPlayer, capture: Capture, tmp_path: Path) -> None:
    log = EventLog(player, capture)
    rate = 44_100
    t = np.arange(10 * 60 * rate) / rate
    wave = (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    long_track = tmp_path / "long.flac"
    sf.write(str(long_track), np.stack([wave, wave], 1), rate)
    player.load([TrackSpec("long", long_track)])
    player.play(fade_s=0.05)
    log.run_for(14.0)
    samples = capture.samples()
    first = np.nonzero(np.abs(samples[:, 0]) > 33)[0][0]
    opening = loudness_lufs(samples[first + RATE // 2:first + 2 * RATE])
    settled = loudness_lufs(samples[-2 * RATE:])
    assert opening < -18.5  # an estimate that errs low, never loud
    assert settled == pytest.approx(-18.0, abs=0.5)
    # and the glide between is smooth: no 20 ms window louder than the one before by 1 dB
    windows = samples[first + RATE:, 0].astype(np.float64)
    usable = len(windows) // 960 * 960
    rms = np.sqrt(np.mean(windows[:usable].reshape(-1, 960) ** 2, axis=1))
    assert np.max(np.diff(20 * np.log10(rms + 1e-9))) < 1.0


def test_the_measurer_remembers_answers_by_file_version_and_says_why_it_failed(
        tmp_path: Path) -> None:
    results: list[Measured] = []
    measurer = Measurer(results.append)
    try:
        good = tone(tmp_path / "good.wav", 1000, 1.0, amp=0.1)  # -20 LUFS
        bad = tmp_path / "bad.ogg"
        bad.write_text("not audio\n", encoding="utf-8")
        assert measurer.request([good, bad]) == 2
        deadline = time.monotonic() + 10
        while measurer.waiting and time.monotonic() < deadline:
            time.sleep(0.01)
        answer = measurer.result(good)
        assert answer is not None and answer.gain_db == pytest.approx(2.0, abs=0.1)
        failed = measurer.result(bad)
        assert failed is not None and failed.gain_db is None
        assert failed.error == "this is a text file, not audio"
        assert measurer.request([good]) == 0  # known: not measured again
        tone(good, 1000, 1.5, amp=0.3)  # the file changes: the answer no longer counts
        assert measurer.result(good) is None
    finally:
        measurer.stop()
    assert sorted(r.path.name for r in results) == ["bad.ogg", "good.wav"]


def test_while_music_plays_background_measuring_is_paced_to_real_time(
        tmp_path: Path) -> None:
    files = [tone(tmp_path / f"{i}.wav", 440, 3.0) for i in range(3)]
    playing = [True]
    measurer = Measurer(music_playing=lambda: playing[0])

    def timed(path: Path, due_in_s: float | None) -> float:
        began = time.monotonic()
        measurer.request([path], due_in_s)
        while measurer.result(path) is None:
            assert time.monotonic() - began < 20
            time.sleep(0.01)
        return time.monotonic() - began

    try:
        assert timed(files[0], None) > 2.5  # in the background: no faster than it plays
        assert timed(files[1], 0.0) < 1.5  # due now: flat out
        playing[0] = False
        assert timed(files[2], None) < 1.5  # no music to compete with: flat out
    finally:
        measurer.stop()
