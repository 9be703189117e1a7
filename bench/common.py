"""What every benchmark shares: the temp dir, child processes, the busy cores, the figure."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent  # the checkout: kapdesk/ and bench/ live here
# Spins one core; stops by itself if the bench dies without killing it (it is re-parented).
SPIN = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    sum(range(10_000))"


class BenchError(RuntimeError):
    """A benchmark could not measure what it set out to (the message says why)."""


def figure(name: str, value: float, unit: str, baseline: float, *, target: float,
           note: str | None = None, digits: int = 3) -> dict[str, Any]:
    """One JSON line: value against its baseline, ratio = value / baseline. A figure named
    `*_ratio` carries the ratio in `value` (DESIGN.md); what was measured, and its unit, are
    then in `measured` and `unit`, beside the `baseline`."""
    ratio = round(value / baseline, 3)
    out: dict[str, Any] = {"name": name, "value": round(value, digits), "unit": unit,
                           "baseline": round(baseline, digits), "ratio": ratio,
                           "target": target}
    if name.endswith("_ratio"):
        out["measured"] = out["value"]
        out["value"] = ratio
    if note:
        out["note"] = note
    return out


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with pct % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@contextmanager
def bench_dir() -> Iterator[Path]:
    """A temp dir for everything a run writes; this process's env points there meanwhile,
    so children (which inherit it) keep their data, caches and config there too.

    Children write and read their compiled bytecode there too (PYTHONPYCACHEPREFIX, with
    PYTHONDONTWRITEBYTECODE lifted): an installed KAPdesk starts from compiled modules
    (pip and PyInstaller compile them), as the bare PySide6 window of the baseline does
    from site-packages, so a warm-up compiles once and the timed runs do not measure the
    compiling of a source checkout. The checkout itself is never written."""
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="kapdesk-bench-") as tmp:
        root = Path(tmp)
        env = {"KAPDESK_DATA_DIR": str(root / "default-data"),
               "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1",
               "PYTHONPYCACHEPREFIX": str(root / "bytecode")}
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            env[var] = str(root / "xdg" / var.lower())
        os.environ.update(env)
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        try:
            yield root
        finally:
            os.environ.clear()
            os.environ.update(saved)


def stop(proc: subprocess.Popen[Any], grace_s: float = 5.0) -> None:
    """End a child we started: ask, then insist. Safe to call on one that has exited."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@contextmanager
def driver(mode: str, *args: str, stderr_to: Path) -> Iterator[subprocess.Popen[str]]:
    """`python -m bench.driver MODE ARGS` from the checkout; always stopped on the way out
    (and it ends itself when its stdin closes, should this process die first)."""
    with open(stderr_to, "w", encoding="utf-8") as err:
        proc = subprocess.Popen([sys.executable, "-m", "bench.driver", mode, *args],
                                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=err, text=True)
        try:
            yield proc
        finally:
            stop(proc)


def read_report(proc: subprocess.Popen[str], timeout_s: float, stderr_file: Path,
                ) -> dict[str, Any]:
    """The first JSON object the child prints on stdout, within timeout_s."""
    found: dict[str, Any] = {}
    stdout: IO[str] | None = proc.stdout
    assert stdout is not None

    def read() -> None:
        for line in stdout:
            if line.startswith("{"):
                found.update(json.loads(line))
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout_s)
    if not found or "error" in found:
        tail = stderr_file.read_text(encoding="utf-8", errors="replace")[-2000:]
        code = proc.poll()
        why = found.get("error") or (f"exited ({code}) without a report" if code is not None
                                     else f"no report within {timeout_s:.0f} s")
        raise BenchError(f"bench.driver ({stderr_file.stem}): {why}; its stderr ends:\n{tail}")
    return found


def free_cores() -> int:
    """How many cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


@contextmanager
def busy_cores(count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` subprocesses spinning a core each; killed on the way out, error or not."""
    spinners: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(count):
            spinners.append(subprocess.Popen([sys.executable, "-c", SPIN]))
        yield spinners
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
