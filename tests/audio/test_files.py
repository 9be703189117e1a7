"""Opening and streaming audio files as the player does."""

from pathlib import Path

import numpy as np
import pytest

from kapdesk.audio.files import AudioFileError, open_audio, read_blocks, to_stereo
from tests.audio.signals import bad_files, tone


@pytest.mark.parametrize("suffix", [".mp3", ".ogg", ".flac", ".wav"])
def test_streaming_in_small_blocks_loses_nothing(tmp_path: Path, suffix: str) -> None:
    # soundfile seeks after each read on seekable files; for MP3 that made libsndfile
    # restart its decoder and drop the start of every block
    path = tone(tmp_path / f"t{suffix}", 440, 2.0, rate=44_100)
    with open_audio(path) as handle:
        blocks = list(read_blocks(handle, 1000))
    audio = np.concatenate(blocks)[:, 0]
    assert len(audio) == 88_200
    body = np.abs(audio[2000:-2000])
    windows = body[: len(body) // 100 * 100].reshape(-1, 100).max(axis=1)
    assert windows.min() > 0.2  # never a dropout in a 0.3 sine


@pytest.mark.parametrize(("name", "reason"), [
    ("missing", "file not found"), ("empty", "the file is empty"),
    ("corrupt", "unsupported or damaged audio file (Format not recognised)")])
def test_files_that_cannot_be_opened_say_why(tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(AudioFileError) as caught:
        open_audio(bad_files(tmp_path)[name])
    assert caught.value.reason == reason


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="not a file"):
        open_audio(tmp_path)


def test_to_stereo() -> None:
    mono = np.arange(3, dtype=np.float32)[:, None]
    assert to_stereo(mono).tolist() == [[0, 0], [1, 1], [2, 2]]
    surround = np.arange(12, dtype=np.float32).reshape(2, 6)
    assert to_stereo(surround).tolist() == [[0, 1], [6, 7]]
    assert to_stereo(surround).flags["C_CONTIGUOUS"]


@pytest.mark.parametrize("suffix", [".mp3", ".ogg", ".wav", ".flac"])
def test_a_text_file_named_as_audio_is_called_a_text_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"notes{suffix}"
    path.write_text("Track list for Tuesday:\n1. Slow Tide\n2. Deep Water\n", encoding="utf-8")
    with pytest.raises(AudioFileError) as caught:
        open_audio(path)
    assert caught.value.reason == "this is a text file, not audio"


def test_an_image_named_as_audio_and_an_unsyncable_mp3_say_what_they_are(
        tmp_path: Path) -> None:
    image = tmp_path / "cover.mp3"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(AudioFileError, match="this is a PNG image, not audio"):
        open_audio(image)
    noise = tmp_path / "noise.mp3"
    noise.write_bytes(bytes(range(1, 256)) * 40)
    with pytest.raises(AudioFileError) as caught:
        open_audio(noise)
    assert "pipe" not in caught.value.reason
    assert caught.value.reason.startswith("unsupported or damaged audio file")
