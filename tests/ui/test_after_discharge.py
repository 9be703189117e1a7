"""Issue 10 item 10: after discharge the room says when, shows no next cue, and its clock
stops; after a restart too."""

from kapdesk.core.cues import CueEventKind
from kapdesk.core.session import State
from kapdesk.store.database import open_database
from kapdesk.store.sessions import SessionStore
from tests.ui.conftest import step


def test_discharged_room_shows_when_and_its_clock_stops(make_window, clock, protocols,
                                                        data_dir):
    window = make_window()
    assert window.room.plan("K-014", protocols["im-kap"])
    assert window.room.advance(State.PREPARING)
    window.act_dose.trigger()
    window.act_recovery.trigger()
    step(window, clock, 65 * 60 + 30, every=60)
    window.ask_text = lambda _title, _label: "Recovered, escort waiting"
    window.act_discharge.trigger()
    assert window.room.session.state is State.DISCHARGED
    view = window.view
    assert view.next_label.text() == "Discharged at T+1:05"
    clock_text = view.clock_label.text()
    assert clock_text == "1:05:30"
    step(window, clock, 20 * 60, every=60)  # the T+75 and T+90 cues would fall due here
    assert view.clock_label.text() == clock_text
    assert view.next_label.text() == "Discharged at T+1:05"
    assert window.room.current.due == [] and window.room.current.upcoming == []
    assert not view.banner.isVisible()
    store = SessionStore(open_database(data_dir / "kapdesk.sqlite3"), clock)
    session_id = window.room.session.id
    discharged_at = next(e.at for e in store.events(session_id)
                         if e.data.get("to") == "discharged")
    late = [e for e in store.events(session_id) if e.kind == CueEventKind.DUE
            and e.at > discharged_at]
    assert late == []  # no cue fell due after the discharge
    window.close()
    clock.advance(600)
    again = make_window()
    assert again.view.clock_label.text() == clock_text
    assert again.view.next_label.text() == "Discharged at T+1:05"
