"""The lock screen shows no reading: the status bar's last message ("Saved BP 190/115 ...")
is cleared and the bar hidden while locked, and comes back after unlocking."""

from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from tests.ui.conftest import PASSWORD

VITALS = {"systolic": 190, "diastolic": 115, "heart_rate": 88, "spo2": 97, "resp_rate": 14}


def test_the_lock_screen_shows_no_reading_in_the_status_bar(make_window, qtbot) -> None:
    window = make_window()
    window.room.plan("K-1", next(p for p in window.protocols if p.id == "im-kap"))
    assert window.room.advance(State.PREPARING) and window.room.advance(State.DOSED)
    assert window.records.record(Kind.VITALS, VITALS) is not None
    window.status.setText("Saved BP 190/115 HR 88 SpO2 97%")  # as the room says after a save
    window.access.lock()
    assert window.access.locked
    assert window.status.text() == "" and not window.statusBar().isVisible()
    assert window.access.unlock(PASSWORD) is None
    assert window.statusBar().isVisible()
