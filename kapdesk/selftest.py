"""`kapdesk --self-test`: a scripted session through the real app, into a temporary database.

It builds the real services, controller and window (offscreen when there is no display),
runs an intramuscular KAP session on a fake clock from plan to close, answering every cue
the way a clinician would (acknowledge, one snooze, one skip), then reopens the database
and checks what was stored. One summary line; exit 0 when all is well, 1 when not.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kapdesk.core.clock import FakeClock
from kapdesk.core.cues import CueEventKind, expand_schedule
from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.paths import Paths
from kapdesk.wiring import build_services, build_window, create_account

if TYPE_CHECKING:
    from PySide6.QtCore import QMessageLogContext, QtMsgType

STEP_S = 5.0
VITALS = {"systolic": 128, "diastolic": 80, "heart_rate": 76, "spo2": 97, "resp_rate": 14}


def run_self_test() -> int:
    if not os.environ.get("QT_QPA_PLATFORM") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="kapdesk-selftest-") as tmp:
            summary = _scripted_session(Path(tmp) / "data")
    except Exception as exc:  # the self-test reports any failure in one line
        print(f"self-test FAILED: {type(exc).__name__}: {exc}")
        return 1
    print(f"self-test ok: {summary}; {time.perf_counter() - started:.1f} s")
    return 0


def _scripted_session(data_dir: Path) -> str:
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from kapdesk.store.audit import AuditTrail
    from kapdesk.store.database import open_database
    from kapdesk.store.maintenance import integrity_report
    from kapdesk.store.records import RecordStore
    from kapdesk.store.sessions import SessionStore
    from kapdesk.ui.scripted_prompts import ScriptedPrompts

    def quiet(_mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" not in message:  # the offscreen plugin's harmless note
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    clock = FakeClock()
    services = build_services(Paths(data_dir), clock)
    protocol = next(p for p in services.protocols if p.id == "im-kap")
    password = secrets.token_urlsafe(18)
    user = create_account(services, "Self-test clinician", "selftest", "clinician", password)
    window = build_window(services, user, ScriptedPrompts(password, "Self-test: patient resting"))
    window.resize(1366, 768)
    window.show()
    room = window.room

    def check(ok: bool, what: str) -> None:
        if not ok:
            raise AssertionError(what)

    check(room.plan("SELFTEST-1", protocol), "plan the session")
    check(room.advance(State.PREPARING), "start preparing")
    clock.advance(600)
    window.act_dose.trigger()
    session = room.session
    check(session is not None and session.state is State.DOSED, "record the dose")
    assert session is not None
    schedule = expand_schedule(protocol)
    snoozed = skipped = False
    banners = entries = 0
    end = protocol.min_monitoring_minutes * 60 + 60
    while room.current is not None and room.current.elapsed_s < end:
        clock.advance(STEP_S)
        room.refresh()
        app.processEvents()
        banner = window.view.banner
        if not banner.isVisible():
            continue
        banners += 1
        kind = room.current.due[0].cue.kind if room.current.due else ""
        if kind == "vitals" and snoozed and skipped:  # answered by recording the vitals
            check(window.records.record(Kind.VITALS, VITALS) is not None, "record vitals")
            entries += 1
        elif kind == "rating" and snoozed and skipped:
            check(window.records.record(Kind.MOAAS, {"score": 4}) is not None, "record MOAA/S")
            check(window.records.record(Kind.DISSOCIATION, {"severity": "mild"}) is not None,
                  "record dissociation")
            entries += 2
        elif not snoozed:
            banner.snooze2_button.click()
            snoozed = True
        elif not skipped:
            banner.skip_button.click()
            skipped = True
        else:
            banner.ack_button.click()
        app.processEvents()
    window.act_recovery.trigger()
    window.act_discharge.trigger()
    window.act_sign.trigger()
    window.act_close.trigger()
    check(room.session is None, "close the session")
    window.close()
    app.processEvents()

    db = open_database(services.paths.database)
    store = SessionStore(db, clock)
    stored = store.get(session.id)
    check(stored.state is State.CLOSED, f"session stored as closed (is {stored.state})")
    events = store.events(session.id)
    transitions = [e.data["to"] for e in events if e.kind == "transition"]
    check(transitions == ["planned", "preparing", "dosed", "recovery", "discharged", "closed"],
          f"transitions stored in order ({transitions})")
    done = {e.cue_key for e in events if e.kind in (CueEventKind.ACKNOWLEDGED,
                                                     CueEventKind.SKIPPED)}
    check(done == {c.key for c in schedule}, "every cue acknowledged or skipped")
    due = [e for e in events if e.kind == CueEventKind.DUE]
    check(len(due) == len(schedule) + 1, f"due events stored ({len(due)})")
    late = [e for e in due if e.data["due_s"] + STEP_S < stored.timeline.elapsed_at(e.at)]
    check(not late, f"{len(late)} cue(s) shown late")
    records = RecordStore(db, clock, store, AuditTrail(db, clock))
    stored_entries = [o for o in records.current(session.id) if o.kind is not Kind.DISCHARGE]
    check(len(stored_entries) == entries, f"{entries} entries stored ({len(stored_entries)})")
    check(len(records.current(session.id, Kind.DISCHARGE)) == 1, "discharge check stored")
    signature = records.signature(session.id)
    check(signature is not None and signature.name == "Self-test clinician", "signed")
    problems = integrity_report(db)
    check(not problems, "; ".join(problems))
    return (f"session {session.id} ({protocol.id}) planned to signed and closed, "
            f"{len(schedule)} cues ({banners} banner views, 1 snoozed, 1 skipped), "
            f"{entries} entries, {len(events)} events stored, integrity and audit chain ok")
