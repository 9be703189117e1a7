"""music_cpu_ratio and music_rss_mb: the music engine playing under a Qt event loop.

The test music is one 20-minute OGG Vorbis file, 44.1 kHz stereo (so the engine resamples
to its 48 kHz), synthesised here: a slowly swelling chord, deterministic.

music_cpu_ratio: two fresh processes run side by side for BENCH_MUSIC_SECONDS (default
60) after settling, each a QCoreApplication event loop with a 250 ms QTimer polling the
player as a UI would: `engine` plays the file with kapdesk.audio.player.MusicPlayer,
`baseline` with pygame.mixer.music (SDL_mixer decoding and mixing in C, no crossfades,
no loudness gain). CPU time (user + system, all threads, psutil) over wall time, compared.
The engine's list goes on with UNMEASURED more 20-minute files that have no gain and no
tags (links to the same audio under other names), so its background loudness measurer
works through them all along, as it does on a fresh install.

music_rss_mb: then a third process, `crossfades`, plays a list of 20-minute tracks with a
6 s crossfade and calls next() every 8 s, so two 20-minute tracks are decoded at once
most of the time; its peak resident set (kernel high-water mark, and samples every half
second) over the same time. The baseline process's peak is given in the note.

SDL_AUDIODRIVER=dummy (bench_dir sets it): SDL paces the mixing as a sound card would.
Run one child by hand: `sleep infinity | python -m bench.music child engine FILE`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import ROOT, BenchError, figure, read_report, stop
from bench.idle import MIB, watch

ENV_SECONDS = "BENCH_MUSIC_SECONDS"
DEFAULT_SECONDS = 60.0
CPU_TARGET = 1.5
RSS_TARGET_MB = 200.0
TRACK_S = 20 * 60
RATE = 44_100
SETTLE_MS = 3000  # imports done, fade-in over, decoders full
SWITCH_MS = 8000  # crossfades: next() this often (crossfade 6 s)
GAIN_DB = -8.0  # a typical loudness gain (its value costs nothing)
POLL_MS = 250
UNMEASURED = 3  # files after the first without a known loudness


def music_seconds() -> float:
    text = os.environ.get(ENV_SECONDS, "")
    try:
        return float(text) if text else DEFAULT_SECONDS
    except ValueError:
        raise BenchError(f"{ENV_SECONDS} must be a number of seconds, not {text!r}") from None


def make_track(path: Path) -> Path:
    """20 minutes of a slowly swelling A-minor-ish chord, written as OGG Vorbis."""
    import numpy as np
    import soundfile as sf

    t = np.arange(10 * RATE) / RATE  # a 10 s loop: every partial and swell fits whole
    loop = np.zeros((len(t), 2))
    for i, (freq, amp) in enumerate([(110, .2), (165, .12), (220, .08), (330, .05)]):
        swell = amp * (0.6 + 0.4 * np.sin(2 * np.pi * 0.1 * (i + 1) * t))
        loop[:, 0] += swell * np.sin(2 * np.pi * freq * t)
        loop[:, 1] += swell * np.sin(2 * np.pi * freq * t + 0.3 * i)
    block = loop.astype(np.float32)
    with sf.SoundFile(str(path), "w", RATE, 2, format="OGG", subtype="VORBIS") as out:
        for _ in range(TRACK_S // 10):
            out.write(block)
    return path


@contextmanager
def child(mode: str, track: Path, stderr_to: Path) -> Iterator[subprocess.Popen[str]]:
    """`python -m bench.music child MODE TRACK`, always stopped on the way out."""
    with open(stderr_to, "w", encoding="utf-8") as err:
        proc = subprocess.Popen([sys.executable, "-m", "bench.music", "child", mode, str(track)],
                                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=err, text=True)
        try:
            yield proc
        finally:
            stop(proc)


def ready(proc: subprocess.Popen[str], stderr_file: Path) -> int:
    report = read_report(proc, 120.0, stderr_file)
    if report.get("pid") != proc.pid:
        raise BenchError(f"bench.music child reported {report}, expected pid {proc.pid}")
    return proc.pid


def run(tmp: Path) -> list[dict[str, Any]]:
    seconds = music_seconds()
    track = make_track(tmp / "music-20min.ogg")
    logs = {mode: tmp / f"music-{mode}.stderr" for mode in ("engine", "baseline", "crossfades")}
    with child("engine", track, logs["engine"]) as engine, \
            child("baseline", track, logs["baseline"]) as baseline:
        pids = [ready(engine, logs["engine"]), ready(baseline, logs["baseline"])]
        with ThreadPoolExecutor(2) as pool:
            (engine_cpu, _), (base_cpu, base_peak) = pool.map(lambda p: watch(p, seconds), pids)
    with child("crossfades", track, logs["crossfades"]) as crossfades:
        _, peak = watch(ready(crossfades, logs["crossfades"]), seconds)
    where = f"{seconds:g} s, a 20-minute OGG at 44.1 kHz, SDL dummy driver at 48 kHz"
    return [
        figure("music_cpu_ratio", engine_cpu, "% of one core", base_cpu, target=CPU_TARGET,
               note=f"MusicPlayer (its loudness measurer working through {UNMEASURED} "
                    f"unmeasured 20-minute files meanwhile) vs bare pygame.mixer.music, "
                    f"each under a QCoreApplication "
                    f"loop polling every {POLL_MS} ms, run side by side; {where}; "
                    f"target ratio <= {CPU_TARGET:g}"),
        figure("music_rss_mb", peak / MIB, "MiB", RSS_TARGET_MB, target=RSS_TARGET_MB,
               digits=1,
               note=f"no natural baseline: baseline is the target (<= {RSS_TARGET_MB:g} MiB), "
                    f"ratio = value/target; peak resident set of a process playing 20-minute "
                    f"tracks with a 6 s crossfade every {SWITCH_MS / 1000:g} s; {where}; bare "
                    f"pygame.mixer.music playing one: {base_peak / MIB:.1f} MiB"),
    ]


# -- the child processes ------------------------------------------------------------------
def say(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def exit_when_orphaned() -> None:
    def wait_for_eof() -> None:
        while os.read(0, 4096):
            pass
        os._exit(0)

    threading.Thread(target=wait_for_eof, daemon=True, name="stdin watch").start()


def run_child(mode: str, track: Path) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    app = QCoreApplication([sys.argv[0]])
    timer = QTimer()
    if mode == "baseline":
        import pygame

        pygame.mixer.init(frequency=48_000, size=-16, channels=2, buffer=1024)
        pygame.mixer.music.load(str(track))
        pygame.mixer.music.play(loops=-1)
        timer.timeout.connect(pygame.mixer.music.get_busy)
    else:
        from kapdesk.audio.model import TrackSpec
        from kapdesk.audio.player import MusicPlayer

        player = MusicPlayer()
        if not player.start():
            say(error=player.reason)
            return 1
        tracks = [TrackSpec(i, track, GAIN_DB) for i in range(100)]
        if mode == "engine":  # with the loudness measurer at work in the background
            tracks[1:1] = [TrackSpec(f"u{i}", unmeasured_copy(track, i))
                           for i in range(UNMEASURED)]
        player.load(tracks)
        player.play()
        timer.timeout.connect(player.events)
        if mode == "crossfades":
            switch = QTimer()
            switch.timeout.connect(player.next)
            switch.start(SWITCH_MS)
    timer.start(POLL_MS)
    QTimer.singleShot(SETTLE_MS, lambda: say(ready=True, pid=os.getpid()))
    return int(app.exec())


def unmeasured_copy(track: Path, number: int) -> Path:
    """The same audio under another name (a hard link, else a copy): a file the player
    has never measured."""
    import shutil

    copy = track.with_name(f"{track.stem}-unmeasured-{number}{track.suffix}")
    if not copy.exists():
        try:
            os.link(track, copy)
        except OSError:
            shutil.copyfile(track, copy)
    return copy


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "child" and argv[1] in ("engine", "baseline",
                                                             "crossfades"):
        exit_when_orphaned()
        return run_child(argv[1], Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
