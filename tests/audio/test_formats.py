"""AAC and ALAC in M4A, and Opus: decoded, played at the right speed and level, and files
that cannot be decoded are refused when opened, in words."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from kapdesk.audio.files import AudioFileError, open_audio, read_blocks
from kapdesk.audio.loudness import analyse
from kapdesk.audio.model import PlaylistEnded, TrackSpec
from kapdesk.audio.player import MusicPlayer
from tests.audio.signals import (
    RATE,
    Capture,
    EventLog,
    dominant_hz,
    encoded_tone,
    loudness_lufs,
    segments_by_tone,
)

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None,
                                reason="ffmpeg (apt install ffmpeg) makes these test files")

# name, file, codec, tone Hz, source rate
ENCODED = [("aac", "a.m4a", "aac", 440.0, 44_100), ("alac", "b.m4a", "alac", 550.0, 48_000),
           ("opus", "c.opus", "libopus", 660.0, 48_000)]


@pytest.mark.parametrize(("name", "file", "codec", "freq", "rate"), ENCODED)
def test_decoded_whole_at_its_own_rate(tmp_path: Path, name: str, file: str, codec: str,
                                       freq: float, rate: int) -> None:
    path = encoded_tone(tmp_path / file, freq, 2.0, codec, rate=rate)
    with open_audio(path) as handle:
        got_rate, channels = handle.samplerate, handle.channels
        audio = np.concatenate(list(read_blocks(handle, 4096)))
    assert channels == 2 and got_rate == rate  # Opus decodes at 48 kHz whatever it was fed
    assert len(audio) / got_rate == pytest.approx(2.0, abs=0.03), name
    assert dominant_hz(audio[got_rate // 4:-got_rate // 4, 0], got_rate) == pytest.approx(
        freq, rel=0.002)
    if codec == "alac":  # lossless: the samples come back as they went in (to 16 bits)
        t = np.arange(len(audio)) / rate
        assert np.abs(audio[:, 0] - 0.3 * np.sin(2 * np.pi * freq * t)).max() < 1e-4


def test_m4a_and_opus_play_at_the_right_speed_and_level_unmeasured(
        player: MusicPlayer, capture: Capture, log: EventLog, tmp_path: Path) -> None:
    amps = {"aac": 0.5, "alac": 0.05, "opus": 0.15}  # 20 dB apart at the most
    specs = [TrackSpec(name, encoded_tone(tmp_path / file, freq, 2.5, codec, rate=rate,
                                          amp=amps[name]))
             for name, file, codec, freq, rate in ENCODED]
    player.set_crossfade(0)
    player.load(specs)
    player.play(fade_s=0.05)
    log.wait_for(lambda e: isinstance(e, PlaylistEnded), 15)
    log.run_for(0.3)
    samples = capture.samples()
    found = segments_by_tone(samples, [freq for _n, _f, _c, freq, _r in ENCODED])
    for (name, _file, _codec, freq, _rate), (start, end) in zip(ENCODED, found, strict=True):
        assert end - start == pytest.approx(2.5, abs=0.06), name
        middle = samples[int((start + 0.2) * RATE):int((end - 0.2) * RATE)]
        assert dominant_hz(middle[:, 0]) == pytest.approx(freq, rel=0.003), name
        assert loudness_lufs(middle) == pytest.approx(-18.0, abs=1.0), name
    assert not [e for e in log.events() if type(e).__name__ == "Skipped"]


def test_the_loudness_of_an_m4a_is_measured_and_its_tags_read(tmp_path: Path) -> None:
    from mutagen.mp4 import MP4, MP4FreeForm

    path = encoded_tone(tmp_path / "t.m4a", 1000, 3.0, "aac", amp=0.1)
    measured = analyse(path)
    assert measured.source == "measured"
    assert measured.integrated_lufs == pytest.approx(-20.0, abs=0.3)
    tags = MP4(path)
    tags["----:com.apple.iTunes:replaygain_track_gain"] = [MP4FreeForm(b"-4.20 dB")]
    tags.save()
    assert analyse(path).source == "tags" and analyse(path).gain_db == -4.2


@pytest.mark.parametrize(("content", "reason"), [
    (b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00" + bytes(range(256)) * 20,
     "unsupported or damaged MP4/M4A file"),
    (b"Tuesday's list: slow tide, deep water\n" * 10, "this is a text file, not audio"),
    (b"\x89PNG\r\n\x1a\n" + bytes(300), "this is a PNG image, not audio"),
])
def test_an_m4a_that_cannot_be_decoded_is_refused_on_opening(
        tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "broken.m4a"
    path.write_bytes(content)
    with pytest.raises(AudioFileError) as caught:
        open_audio(path)
    assert caught.value.reason.startswith(reason)


def test_an_mp4_without_audio_is_refused(tmp_path: Path) -> None:
    import subprocess

    path = tmp_path / "video.mp4"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", "color=c=black:s=32x32:d=1", "-c:v", "mpeg4", str(path)],
                   check=True, timeout=60)
    with pytest.raises(AudioFileError, match="no audio"):
        open_audio(path)


def test_a_cut_short_m4a_opens_and_then_says_where_it_breaks(tmp_path: Path) -> None:
    whole = encoded_tone(tmp_path / "whole.m4a", 440, 20.0, "aac",
                         options=("-movflags", "+faststart"))  # the index first
    cut = tmp_path / "cut.m4a"
    data = whole.read_bytes()
    cut.write_bytes(data[:len(data) * 4 // 5])
    decoded = 0
    with open_audio(cut) as handle, pytest.raises(RuntimeError, match="cannot decode"):
        for block in read_blocks(handle, 4096):
            decoded += len(block)
    assert 10 * 44_100 < decoded < 20 * 44_100
