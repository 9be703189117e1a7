"""Loudness analysis: BS.1770 measurement, ReplayGain/R128 tags, the -1 dBTP limit."""

import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.flac import FLAC
from mutagen.id3 import ID3, TXXX
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from kapdesk.audio.files import AudioFileError
from kapdesk.audio.loudness import analyse, limited_gain, measure, read_tags
from tests.audio.signals import bad_files, tone


def test_a_stereo_1_khz_sine_at_minus_20_dbfs_measures_minus_20_lufs(tmp_path: Path) -> None:
    result = analyse(tone(tmp_path / "s.flac", 1000, 3.0, amp=0.1))
    assert result.source == "measured"
    assert result.integrated_lufs == pytest.approx(-20.0, abs=0.1)
    assert result.true_peak_dbfs == pytest.approx(-20.0, abs=0.1)
    assert result.gain_db == pytest.approx(2.0, abs=0.1)


def test_mono_is_measured_as_heard_on_both_sides(tmp_path: Path) -> None:
    mono = analyse(tone(tmp_path / "m.wav", 440, 3.0, amp=0.2, channels=1))
    stereo = analyse(tone(tmp_path / "s.wav", 440, 3.0, amp=0.2, channels=2))
    assert mono.integrated_lufs == pytest.approx(stereo.integrated_lufs, abs=0.05)


def test_the_gain_never_lifts_the_true_peak_above_minus_1_dbtp(tmp_path: Path) -> None:
    rate = 48_000
    t = np.arange(4 * rate) / rate
    quiet = 0.01 * np.sin(2 * np.pi * 440 * t)  # about -40 LUFS ...
    quiet[::rate] = 0.9  # ... with a loud click every second
    path = tmp_path / "clicks.wav"
    sf.write(str(path), np.stack([quiet, quiet], 1).astype(np.float32), rate)
    result = analyse(path)
    assert result.integrated_lufs is not None and result.true_peak_dbfs is not None
    assert -18 - result.integrated_lufs > 15  # it would need a big lift ...
    assert result.true_peak_dbfs + result.gain_db == pytest.approx(-1.0, abs=0.02)  # ... capped


def test_replaygain_tags_are_used_when_present(tmp_path: Path) -> None:
    ogg = tone(tmp_path / "t.ogg", 440, 1.0)
    tags = OggVorbis(ogg)
    tags["REPLAYGAIN_TRACK_GAIN"] = "-7.50 dB"
    tags["REPLAYGAIN_TRACK_PEAK"] = "0.300000"
    tags.save()
    result = analyse(ogg)
    assert result.source == "tags"
    assert result.gain_db == -7.5 and result.integrated_lufs == -10.5
    assert result.true_peak_dbfs == pytest.approx(20 * math.log10(0.3), abs=0.01)

    flac = tone(tmp_path / "t.flac", 440, 1.0)
    tags = FLAC(flac)
    tags["replaygain_track_gain"] = "+6.00 dB"
    tags["replaygain_track_peak"] = "0.9"
    tags.save()
    limited = analyse(flac)
    assert limited.gain_db == pytest.approx(-1 - 20 * math.log10(0.9), abs=0.01)  # not +6

    mp3 = tone(tmp_path / "t.mp3", 440, 1.0, rate=44_100)
    id3 = ID3()
    id3.add(TXXX(encoding=3, desc="replaygain_track_gain", text=["-3.20 dB"]))
    id3.save(mp3)
    assert analyse(mp3).gain_db == -3.2 and analyse(mp3).true_peak_dbfs is None


def test_opus_r128_track_gain_is_shifted_to_the_replaygain_2_reference(tmp_path: Path) -> None:
    path = tmp_path / "t.opus"
    wave = 0.2 * np.sin(2 * np.pi * 440 * np.arange(48_000) / 48_000)
    sf.write(str(path), wave.astype(np.float32), 48_000, format="OGG", subtype="OPUS")
    tags = OggOpus(path)
    tags["R128_TRACK_GAIN"] = "-768"  # -3 dB towards -23 LUFS
    tags.save()
    assert read_tags(path) is not None
    assert analyse(path).gain_db == pytest.approx(2.0)  # -3 + 5: towards -18 LUFS


def test_without_tags_read_tags_says_none_and_silence_gets_no_gain(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    sf.write(str(path), np.zeros((48_000, 2), dtype=np.float32), 48_000)
    assert read_tags(path) is None
    result = measure(path)
    assert result.integrated_lufs is None and result.gain_db == 0.0


@pytest.mark.parametrize("name", ["missing", "empty", "corrupt"])
def test_unreadable_files_raise_a_clear_error(tmp_path: Path, name: str) -> None:
    path = bad_files(tmp_path)[name]
    with pytest.raises(AudioFileError) as caught:
        analyse(path)
    assert caught.value.path == path
    assert caught.value.reason in ("file not found", "the file is empty") or \
        caught.value.reason.startswith("unsupported or damaged")


def test_limited_gain() -> None:
    assert limited_gain(-10.0, -12.0) == -8.0
    assert limited_gain(-30.0, -3.0) == 2.0
    assert limited_gain(-30.0, None) == 12.0


def test_the_true_peak_of_the_loudest_blocks_is_the_true_peak_of_the_file(
        tmp_path: Path) -> None:
    import pyebur128

    rate = 44_100
    rng = np.random.default_rng(3)
    audio = 0.05 * rng.standard_normal((40 * rate, 2))
    t = np.arange(rate // 10) / rate
    burst = 0.7 * np.sin(2 * np.pi * 11_000 * t + 0.7)  # inter-sample peaks above 0.7
    audio[23 * rate:23 * rate + len(t)] += burst[:, None]
    path = tmp_path / "burst.flac"
    sf.write(str(path), audio.astype(np.float32), rate, subtype="PCM_24")
    state = pyebur128.R128State(2, rate, pyebur128.MeasurementMode.MODE_TRUE_PEAK)
    data, _ = sf.read(str(path), dtype="float32")
    state.add_frames(np.ascontiguousarray(data).reshape(-1), len(data))
    full = 20 * math.log10(max(pyebur128.get_true_peak(state, c) for c in (0, 1)))
    assert measure(path).true_peak_dbfs == pytest.approx(full, abs=0.01)


def test_the_shipped_music_comes_out_at_minus_18_lufs_by_its_own_tags() -> None:
    shipped = sorted((Path(__file__).resolve().parents[2] / "assets" / "audio").glob("*.ogg"))
    assert len(shipped) == 8
    for path in shipped:
        tagged, measured = analyse(path), measure(path)
        assert tagged.source == "tags", path.name
        assert measured.integrated_lufs is not None and measured.true_peak_dbfs is not None
        assert measured.integrated_lufs + tagged.gain_db == pytest.approx(-18.0, abs=1.0)
        assert measured.true_peak_dbfs + tagged.gain_db <= -1.0, path.name
