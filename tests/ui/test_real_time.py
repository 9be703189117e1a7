"""Cues on a real event loop and the real clock: shown within 100 ms of their due time."""

from pathlib import Path

from kapdesk.core.clock import SystemClock
from kapdesk.core.protocol import CueSpec, Phase, Protocol
from kapdesk.core.session import State
from kapdesk.paths import Paths
from kapdesk.wiring import build_services, build_window, create_account


def _quick_protocol() -> Protocol:
    cues = tuple(CueSpec(f"c{i}", at_min=(0.6 + 0.4 * i) / 60, kind="custom",
                         text=f"Quick cue {i}") for i in range(4))
    return Protocol(id="quick", name="Quick", route="test", drug="none", description="",
                    session_minutes=10, min_monitoring_minutes=0, min_monitoring_strict=False,
                    phases=(Phase("all", "All", 0, 10),), cues=cues)


def test_cues_show_within_100_ms_of_due_on_a_real_event_loop(qtbot, data_dir: Path):
    clock = SystemClock()
    services = build_services(Paths(data_dir), clock)
    window = build_window(services, create_account(services, "Clinician", "clinician",
                                                   "clinician", "test-password-1"))
    qtbot.addWidget(window)
    window.show()
    room = window.room
    assert room.plan("K-RT", _quick_protocol())
    assert room.advance(State.PREPARING)
    assert room.advance(State.DOSED)
    t0 = room.session.t0
    lateness: list[float] = []

    def on_due(state) -> None:  # the banner is updated in the same refresh
        lateness.append((clock.now() - t0).total_seconds() - state.due_s)
        room.acknowledge(state.cue.key)

    room.cue_became_due.connect(on_due)
    qtbot.waitUntil(lambda: len(lateness) == 4, timeout=5000)
    room.stop()
    assert all(0 <= late < 0.1 for late in lateness), lateness
