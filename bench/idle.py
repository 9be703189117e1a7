"""idle_cpu_pct and rss_mb: the app idling on the room screen with a dosed session.

A fresh `python -m bench.driver idle D` (bench/driver.py) runs the app as `main.py --demo
--data-dir D`, doses the demo's planned session, lets the room screen settle and says it is
ready. This process then watches it for BENCH_IDLE_SECONDS (default 60): CPU time used
(user + system, all threads, from psutil) over wall time, as % of one core, and the peak
resident set size over the child's whole life (the kernel's high-water mark where there is
one, and samples every half second). No music plays.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from bench.common import ROOT, BenchError, driver, figure, read_report

ENV_SECONDS = "BENCH_IDLE_SECONDS"
DEFAULT_SECONDS = 60.0
CPU_TARGET_PCT = 1.0
RSS_TARGET_MB = 150.0
SAMPLE_S = 0.5
MIB = 1024 * 1024


def idle_seconds() -> float:
    text = os.environ.get(ENV_SECONDS, "")
    try:
        return float(text) if text else DEFAULT_SECONDS
    except ValueError:
        raise BenchError(f"{ENV_SECONDS} must be a number of seconds, not {text!r}") from None


def peak_rss(proc: psutil.Process) -> int:
    """Bytes: the high-water mark of the resident set, where the system keeps one."""
    info = proc.memory_info()
    peak = max(int(info.rss), int(getattr(info, "peak_wset", 0)))  # peak_wset: Windows
    status = Path(f"/proc/{proc.pid}/status")  # Linux: VmHWM
    if status.exists():
        for line in status.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) * 1024)
    return peak


def watch(pid: int, seconds: float) -> tuple[float, float]:
    """(CPU % of one core, peak RSS in bytes) of process `pid` over the next `seconds`."""
    proc = psutil.Process(pid)
    peak = peak_rss(proc)
    before = proc.cpu_times()
    start = time.monotonic()
    end = start + seconds
    while (now := time.monotonic()) < end:
        time.sleep(min(SAMPLE_S, end - now))
        if not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE:
            raise BenchError("the app exited while it was being measured")
        peak = max(peak, proc.memory_info().rss)
    after = proc.cpu_times()
    wall = time.monotonic() - start
    peak = max(peak, peak_rss(proc))
    used = (after.user - before.user) + (after.system - before.system)
    return 100 * used / wall, peak


def run(tmp: Path) -> list[dict[str, Any]]:
    seconds = idle_seconds()
    stderr_file = tmp / "idle.stderr"
    data = tmp / "idle-data"
    # The clinic's data exists already (written by another process), as on a room laptop
    # in use: the measured process does not pay for writing the demo's accounts.
    subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--data-dir", str(data)],
                   check=True, capture_output=True, timeout=300, cwd=ROOT)
    with driver("idle", str(data), stderr_to=stderr_file) as proc:
        report = read_report(proc, 180.0, stderr_file)
        if report.get("pid") != proc.pid:
            raise BenchError(f"the idle driver reported {report}, expected pid {proc.pid}")
        cpu_pct, peak = watch(proc.pid, seconds)
    where = f"the app dosed on the room screen, no music, {seconds:g} s"
    return [
        figure("idle_cpu_pct", cpu_pct, "% of one core", CPU_TARGET_PCT, target=CPU_TARGET_PCT,
               note=f"no natural baseline: baseline is the target (<= {CPU_TARGET_PCT:g} %), "
                    f"ratio = value/target; {where}, psutil cpu_times delta / wall"),
        figure("rss_mb", peak / MIB, "MiB", RSS_TARGET_MB, target=RSS_TARGET_MB, digits=1,
               note=f"no natural baseline: baseline is the target (<= {RSS_TARGET_MB:g} MiB), "
                    f"ratio = value/target; peak resident set over the process's life "
                    f"(kernel high-water mark), {where}"),
    ]
