"""Back-to-back playback on real output: formats, sample rates, mono/stereo, levels, gaps.

One run, captured by SDL's disk driver, is measured by every test here: four tones in
four formats, at 48 and 44.1 kHz, mono and stereo, 20 dB apart at the source, played
with crossfade 0 (gapless) at the gains loudness.analyse() gave them.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest

from kapdesk.audio.loudness import analyse
from kapdesk.audio.model import Ended, PlaylistEnded, Started, TrackSpec
from kapdesk.audio.player import MusicPlayer
from tests.audio.signals import (
    RATE,
    Capture,
    EventLog,
    db,
    dominant_hz,
    longest_silence_s,
    loudness_lufs,
    segments_by_tone,
    tone,
    tone_level,
)

SECONDS = 1.5
# name, file, tone Hz, source rate, channels, amplitude (A and B are 20 dB apart)
TRACKS = [
    ("A", "a.wav", 440.0, 48_000, 2, 0.5),
    ("B", "b.ogg", 660.0, 44_100, 1, 0.05),
    ("C", "c.flac", 550.0, 44_100, 2, 0.2),
    ("D", "d.mp3", 770.0, 44_100, 2, 0.1),
]


@dataclass
class Run:
    samples: np.ndarray
    events: list[object]
    segments: dict[str, tuple[float, float]]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    folder = tmp_path_factory.mktemp("gapless")
    specs = []
    for name, file, freq, rate, channels, amp in TRACKS:
        path = tone(folder / file, freq, SECONDS, rate=rate, amp=amp, channels=channels)
        specs.append(TrackSpec(name, path, analyse(path).gain_db))
    capture = Capture(folder / "out.raw")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SDL_AUDIODRIVER", "disk")
        mp.setenv("SDL_DISKAUDIOFILE", str(capture.path))
        player = MusicPlayer()
        assert player.start(), player.reason
        try:
            log = EventLog(player, capture)
            player.set_crossfade(0)
            player.load(specs)
            player.play(fade_s=0.05)
            log.wait_for(lambda e: isinstance(e, PlaylistEnded), 4 * SECONDS + 3)
            log.run_for(0.3)
        finally:
            player.close()
    samples = capture.samples()
    found = segments_by_tone(samples, [t[2] for t in TRACKS])
    yield Run(samples, log.events(), {t[0]: seg for t, seg in zip(TRACKS, found, strict=True)})


def test_events_tell_each_track_start_and_natural_end(run: Run) -> None:
    expected: list[object] = []
    for name, *_ in TRACKS:
        expected += [Started(name), Ended(name, natural=True)]
    assert run.events == [*expected, PlaylistEnded()]


@pytest.mark.parametrize(("name", "file", "freq", "rate", "channels", "amp"), TRACKS)
def test_each_file_plays_its_true_length_at_the_right_speed(
        run: Run, name: str, file: str, freq: float, rate: int, channels: int,
        amp: float) -> None:
    start, end = run.segments[name]
    assert end - start == pytest.approx(SECONDS, abs=0.045), (file, rate, channels)
    middle = run.samples[int((start + 0.2) * RATE):int((end - 0.2) * RATE), 0]
    assert dominant_hz(middle) == pytest.approx(freq, rel=0.003), (file, rate)


def test_no_silence_between_tracks_played_back_to_back(run: Run) -> None:
    assert longest_silence_s(run.samples) < 0.05


def test_tracks_20_db_apart_at_the_source_come_out_within_1_lu(run: Run) -> None:
    levels = {}
    for name, (start, end) in run.segments.items():
        part = run.samples[int((start + 0.15) * RATE):int((end - 0.15) * RATE)]
        levels[name] = loudness_lufs(part)
    assert abs(levels["A"] - levels["B"]) < 1.0, levels
    assert max(levels.values()) - min(levels.values()) < 1.0, levels
    for level in levels.values():
        assert level == pytest.approx(-18.0, abs=1.0), levels  # the ReplayGain 2 reference


def test_loudness_gain_is_in_place_from_the_first_sample(run: Run) -> None:
    for name, _file, freq, *_ in TRACKS[1:]:
        start, end = run.segments[name]
        levels = tone_level(run.samples[int(start * RATE):int(end * RATE), 0], freq)
        first, steady = levels[1:3].min(), np.median(levels[5:-5])
        assert abs(db(first) - db(steady)) < 1.0, name


def test_nothing_clips(run: Run) -> None:
    assert int(np.abs(run.samples.astype(np.int32)).max()) < 32_000


def test_music_starts_with_a_fade_in_not_a_click(run: Run) -> None:
    start = run.segments["A"][0]
    first = run.samples[int(start * RATE):int(start * RATE) + RATE // 200, 0]  # 5 ms
    steady = np.abs(run.samples[int((start + 0.5) * RATE):int((start + 0.6) * RATE), 0]).max()
    assert np.abs(first).max() < steady / 4
