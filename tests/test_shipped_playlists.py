"""The music shipped with the app: the IM KAP set loads cleanly and fills its phases.

Lengths come from the audio files themselves (mutagen), not from the playlists' #EXTINF.
Regenerate the files with `tools/make_sample_audio.py`.
"""

from pathlib import Path

import mutagen
import numpy as np
import pytest
import soundfile as sf
from mutagen.oggvorbis import OggVorbis

from kapdesk.core.playlist import (
    PHASES,
    PlaylistSet,
    check_files,
    load_sets,
    lyrics_warnings,
    phase_totals,
)
from kapdesk.core.protocol import Protocol
from kapdesk.paths import resource_root

AUDIO = resource_root() / "assets" / "audio"
MAX_AUDIO_BYTES = 15 * 1000 * 1000


@pytest.fixture(scope="module")
def shipped() -> dict[str, PlaylistSet]:
    sets, problems = load_sets([resource_root() / "playlists"])
    assert problems == []
    return {s.id: s for s in sets}


@pytest.fixture(scope="module")
def lengths(shipped: dict[str, PlaylistSet]) -> dict[str, float]:
    found = {}
    for s in shipped.values():
        for track in s.all_tracks():
            info = mutagen.File(track.path)
            assert info is not None, f"{track.path} is not a file mutagen can read"
            found[track.key] = info.info.length
    return found


def test_the_im_kap_set_loads_with_every_file(shipped: dict[str, PlaylistSet]) -> None:
    assert "im-kap-ambient" in shipped
    s = shipped["im-kap-ambient"]
    assert s.name and s.description and s.curator
    assert all(s.tracks(p) for p in PHASES)
    assert check_files(s) == []
    assert lyrics_warnings(s) == []
    assert all(t.lyrics == "none" and t.tags for t in s.all_tracks())
    for track in s.all_tracks():
        assert track.path.parent == AUDIO and track.path.suffix == ".ogg"


def test_phases_fill_their_targets(shipped: dict[str, PlaylistSet],
                                   lengths: dict[str, float]) -> None:
    for s in shipped.values():
        for total in phase_totals(s, lengths):
            assert total.unknown == 0
            assert total.target_s > 0 and total.meets_target, total.describe()
            assert total.total_s >= total.target_s + 60  # never runs out at the phase's cue
        for track in s.all_tracks():  # the playlists' #EXTINF agree with the files
            assert track.duration_s == pytest.approx(lengths[track.key], abs=1.0)


def test_targets_fit_the_im_kap_protocol(shipped: dict[str, PlaylistSet],
                                         protocols: dict[str, Protocol]) -> None:
    s, protocol = shipped["im-kap-ambient"], protocols["im-kap"]
    for phase in protocol.phases:
        assert s.target_minutes[phase.key] == phase.end_min - phase.start_min, phase.key
    assert s.target_minutes["settling"] > 0  # before the dose, which the protocol times


def test_sample_audio_is_small_varied_and_vorbis() -> None:
    files = sorted(AUDIO.glob("*.ogg"))
    assert 6 <= len(files) <= 8
    assert sum(p.stat().st_size for p in files) <= MAX_AUDIO_BYTES
    infos = [OggVorbis(p).info for p in files]
    assert {i.sample_rate for i in infos} == {44100, 48000}
    assert {i.channels for i in infos} == {1, 2}
    assert all(180 <= i.length <= 300 for i in infos)


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(AUDIO.glob("*.ogg")), ids=lambda p: p.name)
def test_sample_audio_is_quiet_and_fades(path: Path) -> None:
    audio, rate = sf.read(path, always_2d=True, dtype="float32")
    peak_dbfs = 20 * np.log10(np.abs(audio).max())
    assert -12 < peak_dbfs < -3  # well below full scale, never clipping
    head, tail = np.abs(audio[: rate // 10]).max(), np.abs(audio[-rate // 10:]).max()
    assert head < 0.01 and tail < 0.01  # fades in from, and out to, near silence
    window = rate // 5  # 200 ms
    body = audio[8 * rate:]  # after the fade-in
    body = body[: len(body) // window * window].reshape(-1, window, audio.shape[1])
    level = 10 * np.log10(np.mean(body ** 2, axis=(1, 2)) + 1e-12)
    assert np.diff(level).max() < 6.0  # nothing sudden: no rise of 6 dB within 200 ms
