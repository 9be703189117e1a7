"""Test audio made on the spot, and measurements of what SDL's disk driver captured."""

from __future__ import annotations

import math
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyebur128
import soundfile as sf

from kapdesk.audio.model import Measured, PlayerEvent
from kapdesk.audio.player import MusicPlayer

RATE = 48_000  # the engine's output rate: the capture is 16-bit stereo at this rate
FORMATS = {".wav": ("WAV", "PCM_16"), ".flac": ("FLAC", "PCM_16"), ".ogg": ("OGG", "VORBIS"),
           ".mp3": ("MP3", "MPEG_LAYER_III")}


def tone(path: Path, freq: float, seconds: float, *, rate: int = RATE, amp: float = 0.3,
         channels: int = 2) -> Path:
    """A steady sine, written in the format its suffix names."""
    t = np.arange(round(seconds * rate)) / rate
    wave = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    data = np.repeat(wave[:, None], channels, axis=1)
    fmt, subtype = FORMATS[path.suffix]
    sf.write(str(path), data, rate, format=fmt, subtype=subtype)
    return path


def encoded_tone(path: Path, freq: float, seconds: float, codec: str, *, rate: int = 44_100,
                 amp: float = 0.3, options: tuple[str, ...] = ()) -> Path:
    """A steady stereo sine encoded by FFmpeg (`aac` or `alac` for .m4a, `libopus` for
    .opus), made here in a temporary folder: no binary test files are kept."""
    wave = f"{amp}*sin(2*PI*{freq}*t)"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"aevalsrc={wave}|{wave}:s={rate}:d={seconds}", "-c:a", codec,
                    *options, str(path)], check=True, timeout=60)
    return path


def bad_files(folder: Path) -> dict[str, Path]:
    """A missing, an empty, a corrupt (random bytes) and a truncated file."""
    rng = np.random.default_rng(7)
    empty = folder / "empty.ogg"
    empty.write_bytes(b"")
    corrupt = folder / "corrupt.ogg"
    corrupt.write_bytes(rng.integers(0, 256, 20_000, dtype=np.uint8).tobytes())
    whole = tone(folder / "whole.ogg", 500, 2.0).read_bytes()
    truncated = folder / "truncated.ogg"
    truncated.write_bytes(whole[: len(whole) // 3])
    return {"missing": folder / "missing.ogg", "empty": empty, "corrupt": corrupt,
            "truncated": truncated}


@dataclass
class Capture:
    """The raw file SDL's disk driver writes: interleaved int16 stereo at RATE."""

    path: Path

    def frames(self) -> int:
        """Frames written so far (the driver writes about in real time)."""
        return self.path.stat().st_size // 4 if self.path.exists() else 0

    def samples(self) -> np.ndarray:
        data = np.fromfile(self.path, dtype=np.int16)
        return data[: len(data) // 2 * 2].reshape(-1, 2)


@dataclass
class EventLog:
    """Every event the player reported, with the capture position when it was seen."""

    player: MusicPlayer
    capture: Capture | None = None
    seen: list[tuple[float, int, PlayerEvent]] = field(default_factory=list)

    def poll(self) -> None:
        for event in self.player.events():
            frames = self.capture.frames() if self.capture else 0
            self.seen.append((time.monotonic(), frames, event))

    def events(self) -> list[PlayerEvent]:
        """What the player reported, but for loudness measurements (see `measured`)."""
        self.poll()
        return [event for _t, _f, event in self.seen if not isinstance(event, Measured)]

    def measured(self) -> list[Measured]:
        self.poll()
        return [event for _t, _f, event in self.seen if isinstance(event, Measured)]

    def wait_for(self, test: Callable[[PlayerEvent], bool], timeout_s: float) -> PlayerEvent:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            self.poll()
            for _t, _f, event in self.seen:
                if test(event):
                    return event
            time.sleep(0.01)
        raise AssertionError(f"no such event within {timeout_s} s; seen {self.events()}")

    def run_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.poll()
            time.sleep(0.02)


def window_peaks(mono: np.ndarray, window: int) -> np.ndarray:
    usable = len(mono) // window * window
    return np.abs(mono[:usable].astype(np.int32)).reshape(-1, window).max(axis=1)


def sounding(samples: np.ndarray, threshold: int = 33) -> tuple[int, int]:
    """First and last frame louder than the threshold (default about -60 dBFS)."""
    loud = np.nonzero(np.abs(samples.astype(np.int32)).max(axis=1) > threshold)[0]
    assert len(loud), "the capture is silent"
    return int(loud[0]), int(loud[-1])


def longest_silence_s(samples: np.ndarray, threshold: int = 33) -> float:
    """Longest run of 1 ms windows quieter than threshold between the first and last sound."""
    first, last = sounding(samples, threshold)
    peaks = window_peaks(np.abs(samples[first:last + 1]).max(axis=1), RATE // 1000)
    quiet = np.concatenate([[False], peaks <= threshold, [False]]).astype(np.int8)
    edges = np.diff(quiet)
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    return float((ends - starts).max(initial=0)) / 1000


def dominant_hz(mono: np.ndarray, rate: int = RATE) -> float:
    """The strongest frequency, refined between FFT bins (Hann window, parabolic peak)."""
    x = mono.astype(np.float64) * np.hanning(len(mono))
    spectrum = np.abs(np.fft.rfft(x))
    k = int(np.argmax(spectrum[1:])) + 1
    a, b, c = np.log(spectrum[k - 1:k + 2] + 1e-12)
    offset = 0.5 * (a - c) / (a - 2 * b + c)
    return (k + offset) * rate / len(x)


GAP_WINDOWS = 2  # 40 ms: a window or two lost to a crossfade border inside one tone


def tone_level(mono: np.ndarray, freq: float, rate: int = RATE) -> np.ndarray:
    """Amplitude (0..1) of one sine in 20 ms windows: a Hann-windowed one-bin DFT each."""
    window = rate // 50
    usable = len(mono) // window * window
    blocks = mono[:usable].astype(np.float64).reshape(-1, window)
    hann = np.hanning(window)
    basis = hann * np.exp(-2j * np.pi * freq * np.arange(window) / rate)
    return 2 * np.abs(blocks @ basis) / hann.sum() / 32767


def segments_by_tone(samples: np.ndarray, freqs: list[float]) -> list[tuple[float, float]]:
    """(start s, end s) where each tone is the strongest, in 20 ms windows: its longest
    run of such windows (gaps of up to GAP_WINDOWS allowed inside it). A lone window
    elsewhere, such as the onset click of the first track (whose leakage can make another
    tone win one window), is not taken for the tone's start or end."""
    levels = np.stack([tone_level(samples[:, 0], f) for f in freqs])
    winner = np.argmax(levels, axis=0)
    loud = levels.max(axis=0) > 10 ** (-60 / 20)
    out = []
    for i in range(len(freqs)):
        where = np.nonzero((winner == i) & loud)[0]
        assert len(where), f"{freqs[i]} Hz never sounds"
        breaks = np.nonzero(np.diff(where) > GAP_WINDOWS + 1)[0]
        starts = np.concatenate(([0], breaks + 1))
        ends = np.concatenate((breaks, [len(where) - 1]))
        longest = int(np.argmax(where[ends] - where[starts]))
        out.append((where[starts[longest]] * 0.02, (where[ends[longest]] + 1) * 0.02))
    return out


def loudness_lufs(samples: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness (BS.1770) of captured int16 stereo."""
    state = pyebur128.R128State(2, rate, pyebur128.MeasurementMode.MODE_I)
    data = np.ascontiguousarray(samples.astype(np.float32) / 32768).reshape(-1)
    state.add_frames(data, len(samples))
    return float(pyebur128.get_loudness_global(state))


def db(value: float) -> float:
    return 20 * math.log10(max(value, 1e-12))
