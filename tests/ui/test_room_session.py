"""The room screen driven as a clinician would, over a real database, on a fake clock."""

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kapdesk.core.cues import CueEventKind
from kapdesk.core.room import format_elapsed
from kapdesk.core.session import State
from kapdesk.store.database import open_database
from kapdesk.store.sessions import SessionStore
from tests.audio.signals import tone_level
from tests.ui.conftest import step


def _dosed(window, protocols, code="K-014", protocol="im-kap"):
    room = window.room
    assert room.plan(code, protocols[protocol])
    assert room.advance(State.PREPARING)
    window.act_dose.trigger()
    assert room.session.state is State.DOSED
    return room.session


def _stored(data_dir, clock, session_id):
    store = SessionStore(open_database(data_dir / "kapdesk.sqlite3"), clock)
    return store, store.events(session_id)


def test_first_cue_shows_banner_and_space_acknowledges(make_window, clock, protocols, data_dir,
                                                       qtbot):
    window = make_window()
    session = _dosed(window, protocols)
    banner = window.view.banner
    step(window, clock, 119)
    assert not banner.isVisible()
    step(window, clock, 1)
    assert banner.isVisible()
    assert banner.text_label.text() == "Dim the lights to low"
    assert "Eyeshades on" in banner.detail_label.text()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not banner.isVisible()
    _store, events = _stored(data_dir, clock, session.id)
    ack = [e for e in events if e.kind == CueEventKind.ACKNOWLEDGED]
    assert [(e.cue_key, e.user_id) for e in ack] == [("lights-dim#1", window.room.user_id)]
    due = next(e for e in events if e.kind == CueEventKind.DUE)
    assert (due.at - session.t0).total_seconds() == 120
    assert "✓ Dim the lights to low" in window.view.past_list.item(0).text()


def test_the_cue_lists_give_times_as_the_clock_reads_them_never_rounded(make_window, clock,
                                                                        protocols):
    window = make_window()
    _dosed(window, protocols)
    view = window.view
    assert view.upcoming_list.item(0).text() == "T+0:02  Dim the lights to low"
    step(window, clock, 120 + 45)  # snoozed 45 s after it fell due: back at T+0:04:45
    view.banner.snooze2_button.click()
    assert view.upcoming_list.item(0).text() == \
        "T+0:04:45  Dim the lights to low  (snoozed)"
    step(window, clock, 120 + 10)
    view.banner.ack_button.click()
    assert view.past_list.item(0).text() == "T+0:04:55  ✓ Dim the lights to low"


def test_snooze_brings_the_cue_back_after_its_minutes_not_before(make_window, clock, protocols):
    window = make_window()
    _dosed(window, protocols)
    step(window, clock, 120)
    window.view.banner.snooze5_button.click()
    assert not window.view.banner.isVisible()
    assert "(snoozed)" in window.view.upcoming_list.item(0).text()
    step(window, clock, 299)
    assert not window.view.banner.isVisible()
    step(window, clock, 1)
    assert window.view.banner.isVisible()
    assert window.view.banner.cue_key == "lights-dim#1"


def test_skip_asks_a_reason_and_stores_it(make_window, clock, protocols, data_dir):
    window = make_window()
    session = _dosed(window, protocols)
    window.prompts.text = "Lights already low"
    step(window, clock, 120)
    window.view.banner.skip_button.click()
    _store, events = _stored(data_dir, clock, session.id)
    skipped = [e for e in events if e.kind == CueEventKind.SKIPPED]
    assert [(e.cue_key, e.data["reason"]) for e in skipped] == [("lights-dim#1",
                                                                 "Lights already low")]
    assert "Lights already low" in window.view.past_list.item(0).text()


def test_cancelled_skip_changes_nothing(make_window, clock, protocols):
    window = make_window()
    _dosed(window, protocols)
    window.prompts.text = None
    step(window, clock, 120)
    window.view.banner.skip_button.click()
    assert window.view.banner.isVisible()


def test_unacknowledged_cue_escalates_gently_and_is_recorded(make_window, clock, protocols,
                                                            data_dir):
    window = make_window()
    session = _dosed(window, protocols)
    banner = window.view.banner
    step(window, clock, 120 + 3 * 60 - 5)  # lights-dim escalates after 3 min
    assert banner.property("escalated") is False
    step(window, clock, 5)
    assert banner.property("escalated") is True
    assert "waiting a while" in banner.kind_label.text()
    _store, events = _stored(data_dir, clock, session.id)
    assert [e.cue_key for e in events if e.kind == CueEventKind.ESCALATED] == ["lights-dim#1"]


def test_three_hour_session_on_fake_clock_shows_no_drift(make_window, clock, protocols,
                                                         data_dir):
    window = make_window()
    session = _dosed(window, protocols)
    seconds = 0.0
    for i in range(3 * 3600 // 7 + 1):
        dt = 7.0 + (i % 3) * 0.001  # uneven steps, like real timer wake-ups
        step(window, clock, dt, every=dt)
        seconds += dt
        if window.view.banner.isVisible():
            window.view.banner.ack_button.click()
    assert window.room.current.elapsed_s == round(seconds, 6) or abs(
        window.room.current.elapsed_s - seconds) < 1e-6
    assert window.view.clock_label.text() == format_elapsed(seconds)
    _store, events = _stored(data_dir, clock, session.id)
    for due in (e for e in events if e.kind == CueEventKind.DUE):
        late = (due.at - session.t0).total_seconds() - due.data["due_s"]
        assert 0 <= late < 7.01  # shown at the first wake-up after its time, never early


def test_restart_resumes_the_session_with_its_history_and_true_elapsed(make_window, clock,
                                                                      protocols, data_dir):
    first = make_window()
    session = _dosed(first, protocols)
    step(first, clock, 120)
    first.view.banner.ack_button.click()
    first.close()  # the app dies here: nothing but the database survives
    clock.advance(13 * 60)  # 13 minutes pass while it is down
    second = make_window()
    room = second.room
    assert room.session.id == session.id
    assert room.session.state is State.DOSED
    assert room.current.elapsed_s == 120 + 13 * 60
    assert second.view.clock_label.text() == "0:15:00"
    assert second.view.banner.cue_key == "music-peak#1"  # fell due while the app was down
    assert "Dim the lights" in second.view.past_list.item(0).text()


def test_system_clock_jump_is_recorded_shown_and_kept_out_of_session_time(
        make_window, clock, protocols, data_dir):
    window = make_window()
    session = _dosed(window, protocols)
    step(window, clock, 60)
    clock.jump_wall(3600)  # somebody sets the clock an hour ahead
    step(window, clock, 1)
    assert window.room.current.elapsed_s == 61
    assert "set forward by 60.0 min" in window.view.notice.text()
    _store, events = _stored(data_dir, clock, session.id)
    jumps = [e for e in events if e.kind == "clock_jump"]
    assert len(jumps) == 1 and jumps[0].data["seconds"] == 3600
    window.close()
    clock.advance(10)
    again = make_window()  # the correction survives a restart
    assert again.room.current.elapsed_s == 71


def test_suspend_is_recorded_and_counted_as_session_time(make_window, clock, protocols,
                                                         data_dir):
    window = make_window()
    session = _dosed(window, protocols)
    step(window, clock, 60)
    clock.suspend(600)
    step(window, clock, 1)
    assert window.room.current.elapsed_s == 661  # the patient's time went on
    assert "asleep for 10.0 min" in window.view.notice.text()
    _store, events = _stored(data_dir, clock, session.id)
    assert [e.data["seconds"] for e in events if e.kind == "suspend"] == [600]


def test_whole_session_from_plan_to_close_through_the_toolbar(make_window, clock, protocols,
                                                              data_dir):
    window = make_window()
    session = _dosed(window, protocols)
    assert not window.act_discharge.isEnabled()
    window.act_recovery.trigger()
    assert window.act_discharge.isEnabled()
    step(window, clock, 30 * 60, every=60)
    window.prompts.text = "Patient fully recovered, escort waiting"
    window.act_discharge.trigger()  # early: asks a reason, stores it
    window.act_close.trigger()
    assert window.room.session is None
    assert window.view.currentIndex() == 0
    _store, events = _stored(data_dir, clock, session.id)
    transitions = [e for e in events if e.kind == "transition"]
    assert [e.data["to"] for e in transitions] == ["planned", "preparing", "dosed", "recovery",
                                                  "discharged", "closed"]
    assert transitions[4].data["reason"] == "Patient fully recovered, escort waiting"
    assert all(e.user_id == window.room.user_id for e in transitions)


def test_esketamine_cannot_be_discharged_before_two_hours(make_window, clock, protocols, qtbot):
    window = make_window()
    _dosed(window, protocols, protocol="esketamine-nasal")
    window.act_recovery.trigger()
    step(window, clock, 119 * 60, every=60)
    window.act_discharge.trigger()
    assert "cannot be closed before then" in window.status.text()
    assert window.findChild(QMessageBox, "error_message").isVisible()
    assert window.room.session.state is State.RECOVERY
    step(window, clock, 60)
    window.act_discharge.trigger()
    assert window.room.session.state is State.DISCHARGED


def test_a_second_session_cannot_take_the_room(make_window, clock, protocols, qtbot):
    window = make_window()
    _dosed(window, protocols)
    assert not window.act_plan.isEnabled()
    assert window.room.plan("K-999", protocols["im-kap"])  # planning ahead is fine
    other = next(s for s in window.room.planned() if s.patient_code == "K-999")
    with qtbot.waitSignal(window.room.action_failed) as failed:
        window.room.open_planned(other.id)
    assert "K-014 is still running" in failed.args[0]
    assert window.room.session.patient_code == "K-014"


def test_lozenge_hold_timer_counts_down_then_cues_spitting(make_window, clock, protocols):
    window = make_window()
    _dosed(window, protocols, protocol="sublingual-lozenge")
    step(window, clock, 3 * 60)
    assert window.view.timer_label.text() == "Lozenge hold: 7:00 left"
    step(window, clock, 7 * 60)
    assert window.view.banner.text_label.text() == "Ask the patient to spit out the lozenge"
    assert window.view.timer_label.isHidden()


def test_chime_sounds_on_escalation_only_when_the_clinic_turned_it_on(
        make_window, clock, protocols, tmp_path, monkeypatch, qtbot):
    """Heard on real output: SDL's disk driver writes what the sound device plays."""
    out = tmp_path / "out.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(out))
    window = make_window()
    _dosed(window, protocols)
    assert not window.act_chime.isChecked()  # quiet by default
    step(window, clock, 120 + 3 * 60)
    assert not out.exists() or _chime_level(out) < 0.01  # nothing was played
    window.act_chime.trigger()
    step(window, clock, 10 * 60)  # music-peak escalates at T+15
    qtbot.waitUntil(lambda: out.exists() and _chime_level(out) > 0.02, timeout=5000)
    assert window.settings.get("chime_on_escalation") is True


def _chime_level(path: Path) -> float:
    """The loudest 20 ms of the chime's 523 Hz partial in what was played."""
    data = np.fromfile(path, dtype=np.int16)
    if len(data) < 4000:
        return 0.0
    return float(tone_level(data[: len(data) // 2 * 2].reshape(-1, 2)[:, 0], 523.25).max())
