"""Issue 10 item 12: status-bar messages expire after 10 s, by the injected clock."""

from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.ui.widgets.status_message import StatusMessage


def test_saved_message_is_gone_ten_seconds_later(make_window, clock, protocols, qtbot):
    window = make_window()
    assert window.room.plan("K-014", protocols["im-kap"])
    assert window.room.advance(State.PREPARING)
    window.records.record(Kind.VITALS, {"systolic": 120, "diastolic": 80})
    status = window.status
    assert isinstance(status, StatusMessage)
    assert status.text().startswith("Saved BP 120/80")
    clock.advance(9)
    status.expire()  # what its timer does when it wakes
    assert status.text().startswith("Saved BP 120/80")
    clock.advance(1)
    status.expire()
    assert status.text() == ""


def test_a_new_message_starts_its_own_ten_seconds(qtbot, clock):
    status = StatusMessage(clock.monotonic)
    qtbot.addWidget(status)
    status.setText("Backup written")
    clock.advance(8)
    status.setText("Dose recorded")
    clock.advance(8)
    status.expire()
    assert status.text() == "Dose recorded"
    clock.advance(2)
    status.expire()
    assert status.text() == ""


def test_its_timer_wakes_it_to_clear_itself(qtbot, clock):
    status = StatusMessage(clock.monotonic, lifetime_s=0.2)
    qtbot.addWidget(status)
    status.show()
    status.setText("Backup written")
    clock.advance(0.2)  # the fake clock says the time is up; the real timer wakes it
    qtbot.waitUntil(lambda: status.text() == "", timeout=3000)
    status.hide()
