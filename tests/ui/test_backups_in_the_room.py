"""Backups the room makes by itself: after a session closes, and daily."""

from kapdesk.core.session import State
from kapdesk.store.backup import list_backups
from tests.ui.conftest import step


def test_closing_a_session_writes_a_backup_and_daily_once(make_window, clock, protocols,
                                                          data_dir, qtbot):
    window = make_window()
    runner = window.start_backups()
    qtbot.waitUntil(lambda: not runner.worker.is_alive(), timeout=10000)
    assert len(list_backups(data_dir / "backups")) == 1  # today's
    room = window.room
    room.plan("K-55", protocols["im-kap"])
    room.advance(State.PREPARING)
    window.act_dose.trigger()
    window.act_recovery.trigger()
    step(window, clock, 95 * 60, every=60)
    window.act_discharge.trigger()
    clock.advance(2)
    window.act_close.trigger()
    qtbot.waitUntil(lambda: not runner.worker.is_alive(), timeout=10000)
    qtbot.waitUntil(lambda: "Backup written" in window.status.text(), timeout=3000)
    assert len(list_backups(data_dir / "backups")) == 2
    runner.start("daily", daily=True)
    qtbot.waitUntil(lambda: not runner.worker.is_alive(), timeout=10000)
    assert len(list_backups(data_dir / "backups")) == 2  # already one today
