"""cue_latency_p99_ms: from a cue's due instant to its banner on the room screen.

The real RoomController and MainWindow (kapdesk.wiring.build_services/build_window over a temp
data dir) run on a real Qt event loop with the system clock, in this process, while every
other core is kept busy by a spinning subprocess. A protocol with CUES cues INTERVAL_S apart
is planned, prepared and dosed; each cue's banner is acknowledged as soon as it has been
painted, as a clinician would. The latency of a cue is from t0 + due_s (t0 as stored) to
the moment the banner shows that cue (right after the window handled the controller's
snapshot); the time to its first painted frame is reported in the note.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from bench.common import BenchError, busy_cores, figure, free_cores, percentile
from kapdesk.core.clock import SystemClock
from kapdesk.core.cues import expand_schedule
from kapdesk.core.protocol import CueSpec, Phase, Protocol
from kapdesk.core.session import State
from kapdesk.paths import Paths
from kapdesk.wiring import build_services, build_window, create_account

CUES = 200
INTERVAL_S = 0.3
LEAD_S = 1.0  # the first cue falls due this long after the dose
TARGET_MS = 50.0


def bench_protocol(count: int = CUES, interval_s: float = INTERVAL_S) -> Protocol:
    minutes = (LEAD_S + interval_s * count) / 60 + 1
    cues = tuple(CueSpec(id=f"bench-{k}", at_min=(LEAD_S + interval_s * k) / 60, kind="vitals",
                         text=f"Bench cue {k}", escalate_after_min=60)
                 for k in range(count))
    return Protocol(id="bench-cues", name="Benchmark cues", route="none", drug="none",
                    description="Cues every few hundred ms, for bench/cue_latency.py",
                    session_minutes=minutes, min_monitoring_minutes=0,
                    min_monitoring_strict=False,
                    phases=(Phase("all", "All", 0, minutes),), cues=cues)


def _quiet_offscreen(_kind: QtMsgType, _context: object, message: str) -> None:
    if "propagateSizeHints" not in message:  # the offscreen plugin's note, on every show
        print(message, file=sys.stderr)


class CueWatch(QObject):
    """Notes when each cue's banner is shown and first painted; acknowledges it once painted."""

    def __init__(self, window: Any, count: int) -> None:
        super().__init__(window)
        self._room = window.room
        self._banner = window.view.banner
        self._count = count
        self.shown: dict[str, float] = {}
        self.painted: dict[str, float] = {}
        self.failure: str | None = None
        # connected after the window's own slot, so it runs once the banner is updated
        self._room.snapshot_changed.connect(self._on_room_snapshot_changed)
        self._banner.installEventFilter(self)

    def _on_room_snapshot_changed(self, _snap: object) -> None:
        key = self._banner.cue_key
        if key is not None and key not in self.shown and self._banner.isVisible():
            self.shown[key] = time.time()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        key = self._banner.cue_key
        if event.type() == QEvent.Type.Paint and key in self.shown and key not in self.painted:
            self.painted[key] = time.time()
            QTimer.singleShot(0, lambda: self._acknowledge(key))
        return False

    def _acknowledge(self, key: str) -> None:
        if not self._room.acknowledge(key):  # a slot: note it, stop, raise after the loop
            self.failure = f"could not acknowledge cue {key}"
        if self.failure or len(self.painted) == self._count:
            QApplication.quit()


@contextmanager
def shown_window(data_dir: Path) -> Iterator[Any]:
    """The real main window over fresh services in data_dir, shown; torn down on the way out."""
    with ExitStack() as stack:
        stack.callback(qInstallMessageHandler, qInstallMessageHandler(_quiet_offscreen))
        app = QApplication.instance() or QApplication([sys.argv[0]])
        services = build_services(Paths(data_dir), SystemClock())
        stack.callback(services.db.close)  # type: ignore[attr-defined]
        window = build_window(services, create_account(
            services, "Bench clinician", "bench", "clinician", "bench-password-1"))
        stack.callback(window.close)
        stack.callback(window.room.stop)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        yield window


def run_loop() -> None:
    """QApplication.exec(), but Ctrl-C or SIGTERM ends it and raises KeyboardInterrupt here
    (from inside a slot the interrupt would be printed and swallowed)."""
    interrupted: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        interrupted.append(signum)
        QApplication.quit()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        QApplication.exec()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if interrupted:
        raise KeyboardInterrupt


def measure(tmp: Path, count: int = CUES, interval_s: float = INTERVAL_S,
            ) -> tuple[list[float], list[float]]:
    """Milliseconds late, per cue: banner shown, banner painted."""
    with shown_window(tmp / "cue-latency-data") as window, \
            busy_cores(max(1, free_cores() - 1)):
        room = window.room
        watch = CueWatch(window, count)
        deadline = QTimer(window, singleShot=True,
                          interval=int((LEAD_S + interval_s * count + 20) * 1000))
        deadline.timeout.connect(QApplication.quit)
        time.sleep(0.5)  # let the spinners get going
        if not (room.plan("BENCH-1", bench_protocol(count, interval_s))
                and room.advance(State.PREPARING) and room.advance(State.DOSED)):
            raise BenchError("could not plan, prepare and dose the benchmark session")
        t0 = room.session.t0.timestamp()
        due = {c.key: t0 + c.due_s for c in expand_schedule(room.session.protocol)}
        deadline.start()
        run_loop()
    if watch.failure:
        raise BenchError(watch.failure)
    if len(watch.painted) < count:
        raise BenchError(f"only {len(watch.painted)} of {count} cue banners were painted "
                         "before the deadline")
    return ([(watch.shown[k] - due[k]) * 1000 for k in due],
            [(watch.painted[k] - due[k]) * 1000 for k in due])


def run(tmp: Path, count: int = CUES) -> list[dict[str, Any]]:
    shown, painted = measure(tmp, count)
    p99 = percentile(shown, 99)
    return [figure(
        "cue_latency_p99_ms", p99, "ms", TARGET_MS, target=TARGET_MS, digits=2,
        note=(f"no natural baseline: baseline is the target (<= {TARGET_MS:g} ms), ratio = "
              f"value/target. {count} cues {INTERVAL_S * 1000:.0f} ms apart, system clock, "
              f"{max(1, free_cores() - 1)} busy-spinning subprocess(es); due -> banner shown: "
              f"p50 {percentile(shown, 50):.2f}, max {max(shown):.2f} ms; due -> banner "
              f"painted: p50 {percentile(painted, 50):.2f}, p99 {percentile(painted, 99):.2f}, "
              f"max {max(painted):.2f} ms"))]
