"""Generate KAPdesk's sample music and the set built from it.

    .venv/bin/python tools/make_sample_audio.py          # write assets/audio and playlists/
    .venv/bin/python tools/make_sample_audio.py --check  # regenerate and compare bytes

Calm ambient tracks, synthesised (ours to ship): soft pads with slow chord changes,
drones, a filtered-noise "ocean" that swells, and a few slow bell tones with soft attacks.
Every random choice has a fixed seed, and the Ogg stream serial number (which libsndfile
picks at random) is set to a fixed value, so the same versions of numpy and libsndfile
give byte-identical files. Each file carries ReplayGain 2.0 track tags (Vorbis comments
REPLAYGAIN_TRACK_GAIN, to -18 LUFS, and REPLAYGAIN_TRACK_PEAK, the true peak), measured
on the encoded file as a player decodes it, so a fresh install plays level at once.
Then `playlists/im-kap-ambient/` is written for the IM KAP protocol, each phase filled
past its target by cycling through the phase's tracks.
"""

from __future__ import annotations

import argparse
import io
import struct
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from any folder, installed or not

from kapdesk.core.playlist import PHASES, PlaylistSet, Track, save_set  # noqa: E402

ARTIST = "KAPdesk Sample Ensemble"
VORBIS_QUALITY = 0.0  # libvorbis -q0: about 64 kbit/s stereo nominal, less for this music
OGG_SERIAL = 0x4B415044  # "KAPD"
PEAK_DBFS = -6.0
REFERENCE_LUFS = -18.0  # ReplayGain 2.0
LEVEL_DBFS = -22.0  # RMS before the peak limit
FADE_IN_S, FADE_OUT_S = 8.0, 12.0
SPARE_S = 60.0  # each phase holds at least this much more music than its target
WRITE_BLOCK = 65536  # frames per write to the encoder
OSC_BLOCK = 4096

# Note frequencies (Hz) for the chords, which are spread wide (open voicings).
C3, D3, E3, G3, A3 = 130.81, 146.83, 164.81, 196.00, 220.00
C4, D4, E4, F4, G4, A4, B4 = 261.63, 293.66, 329.63, 349.23, 392.00, 440.00, 493.88


@dataclass(frozen=True)
class Spec:
    file: str
    title: str
    seconds: float
    rate: int
    channels: int
    seed: int
    root: float  # the drone's fundamental (Hz)
    chords: tuple[tuple[float, ...], ...]
    chord_s: float
    pad: float  # layer levels, 0-1
    drone: float
    ocean: float
    bells: int  # how many bell tones
    tags: tuple[str, ...]


TRACKS = (
    Spec("first-light.ogg", "First Light", 240, 44100, 2, 11, 65.41,
         ((C3, G3, E4), (A3 / 2, E3, C4, G4), (F4 / 2, C4, A4)), 40, 1.0, 0.35, 0.15, 3,
         ("ambient", "pad")),
    Spec("slow-tide.ogg", "Slow Tide", 270, 48000, 2, 12, 55.0,
         ((A3 / 2, E3, A3), (D3, A3, E4)), 45, 0.45, 0.6, 1.0, 0, ("ambient", "ocean")),
    Spec("warm-drone.ogg", "Warm Drone", 210, 44100, 1, 13, 73.42,
         ((D3, A3, D4), (G3 / 2, D3, B4 / 2)), 52, 0.5, 1.0, 0.0, 0, ("ambient", "drone")),
    Spec("open-sky.ogg", "Open Sky", 300, 48000, 2, 14, 65.41,
         ((C3, G3, D4, G4), (F4 / 2, C4, G4), (A3 / 2, E3, B4 / 2, E4), (G3 / 2, D3, A3, D4)),
         38, 1.0, 0.3, 0.2, 6, ("ambient", "pad", "bells")),
    Spec("deep-water.ogg", "Deep Water", 285, 44100, 2, 15, 49.0,
         ((G3 / 2, D3, A3), (E3 / 2, B4 / 4, G3)), 60, 0.45, 1.0, 0.55, 2,
         ("ambient", "drone", "ocean")),
    Spec("long-breath.ogg", "Long Breath", 255, 48000, 2, 16, 58.27,
         ((D3, A3, E4), (C3, G3, D4), (A3 / 2, E3, B4 / 2)), 42, 1.0, 0.4, 0.0, 0,
         ("ambient", "pad")),
    Spec("returning-shore.ogg", "Returning Shore", 240, 44100, 2, 17, 65.41,
         ((C4, E4, G4), (F4 / 2, A3, C4, F4), (G3, B4 / 2, D4, G4)), 36, 0.9, 0.25, 0.6, 4,
         ("ambient", "ocean", "bells")),
    Spec("evening-bells.ogg", "Evening Bells", 225, 48000, 2, 18, 65.41,
         ((C3, G3, E4), (A3 / 2, E3, C4)), 50, 0.55, 0.5, 0.0, 9, ("ambient", "bells")),
)

# The IM KAP protocol: onset 0-10, peak 10-45, return 45-75, after 75-120 min; the set
# adds 10 min of settling before the dose. Each phase cycles through its own order.
TARGET_MINUTES = MappingProxyType(
    {"settling": 10, "onset": 10, "peak": 35, "return": 30, "after": 45})
PHASE_ORDER = MappingProxyType({
    "settling": ("first-light", "warm-drone", "slow-tide"),
    "onset": ("slow-tide", "long-breath", "warm-drone"),
    "peak": ("deep-water", "open-sky", "long-breath", "warm-drone"),
    "return": ("returning-shore", "first-light", "evening-bells", "open-sky"),
    "after": ("evening-bells", "first-light", "slow-tide", "returning-shore", "long-breath"),
})


def _ramp(x: np.ndarray, width: float) -> np.ndarray:
    """0 before 0, 1 after `width`, a raised-cosine in between."""
    return np.sin(0.5 * np.pi * np.clip(x / width, 0.0, 1.0)) ** 2


def _osc(freq: float, start: int, n: int, rate: int, phase: float = 0.0) -> np.ndarray:
    """exp(i(2 pi freq t + phase)) at t = (start + k) / rate for k < n. Exact (in float64)
    at every block's start, then one complex multiply per sample instead of a sine."""
    w = 2 * np.pi * freq / rate
    rotor = np.exp(1j * w * np.arange(OSC_BLOCK))
    base = np.exp(1j * (w * (start + OSC_BLOCK * np.arange(-(-n // OSC_BLOCK))) + phase))
    return (base[:, None] * rotor[None, :]).ravel()[:n]


def _pad(t: np.ndarray, spec: Spec, rng: np.random.Generator, channel: int) -> np.ndarray:
    out = np.zeros_like(t)
    fade = spec.chord_s * 0.5  # chords cross-fade over half their length
    count = int(np.ceil(spec.seconds / spec.chord_s)) + 1
    for i in range(count):
        chord = spec.chords[i % len(spec.chords)]
        start, end = i * spec.chord_s - fade / 2, (i + 1) * spec.chord_s - fade / 2
        lo = max(0, int(start * spec.rate))
        hi = min(len(t), int((end + fade) * spec.rate) + 1)
        if lo >= hi:
            continue
        seg = t[lo:hi]
        weight = (1.0 if i == 0 else _ramp(seg - start, fade)) * (1.0 - _ramp(seg - end, fade))
        voice = np.zeros_like(seg)
        for note in chord:
            for harmonic, level in ((1, 1.0), (2, 0.22), (3, 0.07)):
                for detune in (0.9985, 1.0015):
                    f = note * harmonic * detune * (1 + 0.0007 * channel)
                    voice += level * _osc(f, lo, hi - lo, spec.rate,
                                          rng.uniform(0, 2 * np.pi)).imag
        out[lo:hi] += weight * voice / len(chord)
    swell = 0.75 + 0.25 * np.sin(2 * np.pi * t / 23.0 + rng.uniform(0, 2 * np.pi))
    return out * swell


def _drone(t: np.ndarray, spec: Spec, rng: np.random.Generator) -> np.ndarray:
    out = np.zeros_like(t)
    wobble = np.exp(0.3j * np.sin(2 * np.pi * t / 13.0))  # a slow sway in pitch
    for harmonic, level in ((1, 1.0), (1.5, 0.5), (2, 0.45), (3, 0.18), (4, 0.08)):
        period = rng.uniform(17, 41)
        breath = 0.55 + 0.45 * np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi))
        tone = (_osc(spec.root * harmonic, 0, len(t), spec.rate) * wobble).imag
        out += level * breath * tone
    return out


def _ocean(n: int, spec: Spec, rng: np.random.Generator) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / spec.rate)
    shape = 1.0 / np.sqrt(1.0 + (freqs / 350.0) ** 4)  # soft low-pass
    shape *= 1.0 / np.sqrt(1.0 + (60.0 / np.maximum(freqs, 1.0)) ** 4)  # no rumble
    noise = np.fft.irfft(spectrum * shape, n)
    t = np.arange(n) / spec.rate
    waves = np.zeros(n)
    for period in (rng.uniform(9, 12), rng.uniform(13, 17)):
        waves += (0.5 - 0.5 * np.cos(2 * np.pi * t / period + rng.uniform(0, 6.28))) ** 2
    return noise / (np.std(noise) + 1e-12) * (0.15 + 0.85 * waves / 2)


def _bells(n: int, spec: Spec, rng: np.random.Generator) -> np.ndarray:
    out = np.zeros(n)
    partials = ((1.0, 1.0, 9.0), (2.0, 0.45, 7.0), (2.76, 0.3, 5.0), (5.4, 0.1, 3.0))
    scale = (spec.root * 4, spec.root * 4.5, spec.root * 6, spec.root * 8, spec.root * 9)
    length = int(12 * spec.rate)
    t = np.arange(length) / spec.rate
    attack = _ramp(t, 0.25)  # a soft strike: no click
    for k in range(spec.bells):
        at = int((FADE_IN_S + (k + rng.uniform(0.2, 0.8)) * (spec.seconds - 30) / spec.bells)
                 * spec.rate)
        if at + length > n:
            continue
        f0 = scale[rng.integers(len(scale))]
        tone = sum(level * np.exp(-t / decay) * np.sin(2 * np.pi * f0 * ratio * t)
                   for ratio, level, decay in partials)
        out[at:at + length] += attack * tone
    return out


def synthesise(spec: Spec) -> np.ndarray:
    """The track as float samples, shape (frames, channels)."""
    rng = np.random.default_rng(spec.seed)
    n = int(spec.seconds * spec.rate)
    t = np.arange(n) / spec.rate
    drone = _drone(t, spec, rng)
    bells = _bells(n, spec, rng)
    channels = []
    for channel in range(spec.channels):
        mix = spec.pad * _pad(t, spec, rng, channel) + spec.drone * 0.5 * drone
        if spec.ocean:
            mix += spec.ocean * 0.35 * _ocean(n, spec, rng)
        pan = 0.5 if spec.channels == 1 else (0.35, 0.65)[channel]
        mix += 0.25 * bells * np.sqrt(pan if channel else 1 - pan)
        channels.append(mix)
    audio = np.stack(channels, axis=1)
    audio *= (_ramp(t, FADE_IN_S) * _ramp(spec.seconds - t, FADE_OUT_S))[:, None]
    audio *= 10 ** (LEVEL_DBFS / 20) / np.sqrt(np.mean(audio ** 2))
    peak = np.max(np.abs(audio))
    limit = 10 ** (PEAK_DBFS / 20)
    return audio * (limit / peak) if peak > limit else audio


_BIT_REVERSED = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def ogg_crc(page: bytes) -> int:
    """Ogg's page checksum (CRC-32, polynomial 0x04C11DB7, not reflected, start 0), by
    way of zlib's reflected CRC-32: feed it bit-reversed bytes, undo its start and end
    inversions (the CRC of as many zero bytes), and bit-reverse the result."""
    crc = zlib.crc32(page.translate(_BIT_REVERSED)) ^ zlib.crc32(bytes(len(page)))
    return int(f"{crc:032b}"[::-1], 2)


def fix_ogg_serial(data: bytes, serial: int = OGG_SERIAL) -> bytes:
    """Set every Ogg page's stream serial number and recompute the page checksums."""
    out, pos = bytearray(data), 0
    while pos < len(out):
        if out[pos:pos + 4] != b"OggS":
            raise ValueError(f"not an Ogg page at byte {pos}")
        segments = out[pos + 26]
        size = 27 + segments + sum(out[pos + 27:pos + 27 + segments])
        out[pos + 14:pos + 18] = struct.pack("<I", serial)
        out[pos + 22:pos + 26] = bytes(4)
        out[pos + 22:pos + 26] = struct.pack("<I", ogg_crc(bytes(out[pos:pos + size])))
        pos += size
    return bytes(out)


def encode(spec: Spec, audio: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with sf.SoundFile(buffer, "w", spec.rate, spec.channels, "VORBIS", format="OGG",
                      compression_level=1.0 - VORBIS_QUALITY) as f:
        f.title, f.artist, f.album = spec.title, ARTIST, "KAPdesk sample music"
        # In blocks: one large write overflows the stack in libvorbis (alloca of the
        # whole buffer) and crashes the process (libsndfile #1095, python-soundfile #426).
        for start in range(0, len(audio), WRITE_BLOCK):
            f.write(audio[start:start + WRITE_BLOCK])
    return fix_ogg_serial(buffer.getvalue())


def replaygain(data: bytes) -> tuple[float, float]:
    """(track gain to -18 LUFS in dB, true peak as a linear value) of an encoded file, as
    decoded: BS.1770 integrated loudness and 4x-oversampled true peak over all of it."""
    import pyebur128

    with sf.SoundFile(io.BytesIO(data)) as f:
        mode = pyebur128.MeasurementMode
        state = pyebur128.R128State(f.channels, f.samplerate, mode.MODE_I | mode.MODE_TRUE_PEAK)
        for block in f.blocks(blocksize=f.samplerate, dtype="float32", always_2d=True):
            state.add_frames(np.ascontiguousarray(block).reshape(-1), len(block))
        peak = max(pyebur128.get_true_peak(state, c) for c in range(f.channels))
        mono_lift = 10 * np.log10(2) if f.channels == 1 else 0.0  # a mono file is heard
        lufs = pyebur128.get_loudness_global(state) + mono_lift  # on both sides
    return REFERENCE_LUFS - lufs, peak


def tag_replaygain(data: bytes) -> bytes:
    """The Ogg Vorbis file with its ReplayGain track tags added (mutagen, in memory)."""
    from mutagen.oggvorbis import OggVorbis

    gain, peak = replaygain(data)
    buffer = io.BytesIO(data)
    tags = OggVorbis(buffer)
    tags["REPLAYGAIN_TRACK_GAIN"] = f"{gain:+.2f} dB"
    tags["REPLAYGAIN_TRACK_PEAK"] = f"{peak:.6f}"
    buffer.seek(0)
    tags.save(buffer)
    return buffer.getvalue()


def build_set(audio_dir: Path, playlists_dir: Path) -> PlaylistSet:
    by_id: dict[str, Track] = {}
    for spec in TRACKS:
        path = audio_dir / spec.file
        by_id[path.stem] = Track(path, spec.title, ARTIST, sf.info(str(path)).duration,
                                 frozenset(spec.tags), "none")
    phases: dict[str, list[Track]] = {}
    for phase in PHASES:
        order, tracks = PHASE_ORDER[phase], []
        while sum(t.duration_s or 0 for t in tracks) < TARGET_MINUTES[phase] * 60 + SPARE_S:
            tracks.append(by_id[order[len(tracks) % len(order)]])
        phases[phase] = tracks
    return PlaylistSet(
        id="im-kap-ambient", name="Ambient for intramuscular KAP",
        folder=playlists_dir / "im-kap-ambient",
        description="Synthesised ambient music without words: soft pads, drones, a slow "
                    "ocean and bells. Timed for the IM KAP protocol (onset 0-10, peak 10-45, "
                    "return 45-75, integration 75-120 min) with 10 min of settling before.",
        curator="KAPdesk (generated by tools/make_sample_audio.py)",
        tags=("ambient", "no lyrics", "sample"),
        target_minutes={k: float(v) for k, v in TARGET_MINUTES.items()}, phases=phases)


def generate(audio_dir: Path, playlists_dir: Path) -> list[Path]:
    audio_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in TRACKS:
        path = audio_dir / spec.file
        path.write_bytes(tag_replaygain(encode(spec, synthesise(spec))))
        written.append(path)
        print(f"{path.relative_to(audio_dir.parent.parent)}: {spec.seconds:g} s, "
              f"{spec.rate} Hz, {spec.channels} ch, {path.stat().st_size / 1e6:.2f} MB")
    playlist_set = build_set(audio_dir, playlists_dir)
    save_set(playlist_set)
    written += [playlist_set.set_file] + [playlist_set.phase_file(p) for p in PHASES]
    total = sum(p.stat().st_size for p in written)
    print(f"total {total / 1e6:.2f} MB in {len(written)} files")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary folder and compare with the tree")
    args = parser.parse_args(argv)
    if not args.check:
        generate(ROOT / "assets" / "audio", ROOT / "playlists")
        return 0
    with tempfile.TemporaryDirectory() as temp:
        fresh = generate(Path(temp) / "assets" / "audio", Path(temp) / "playlists")
        differ = [p.relative_to(temp) for p in fresh
                  if not (ROOT / p.relative_to(temp)).is_file()
                  or (ROOT / p.relative_to(temp)).read_bytes() != p.read_bytes()]
    for rel in differ:
        print(f"differs: {rel}")
    print("identical" if not differ else f"{len(differ)} files differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
