"""Issue 10 item 13: a clock change while KAPdesk was closed (or across a restart of the
computer) is found at the next start from the stored heartbeat, stored with who found it,
shown in the room (built through kapdesk.wiring), and session time stays true."""

from kapdesk.core.cues import CueStatus
from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.store.database import open_database
from kapdesk.store.sessions import SessionStore

REASON = "To discharge earlier, give a reason."


def _dosed(window, protocols, clock):
    room = window.room
    assert room.plan("K-014", protocols["im-kap"])
    assert room.advance(State.PREPARING)
    window.records.record(Kind.VITALS, {"systolic": 150, "diastolic": 95})  # baseline
    clock.advance(60)
    window.act_dose.trigger()
    return room.session


def _closed_at_t10(make_window, protocols, clock, **where):
    """A session dosed and run to T+10 with the room's own timers, then the app closed."""
    window = make_window(**where)
    session = _dosed(window, protocols, clock)
    for _ in range(120):
        clock.advance(5)
        window.room.refresh()
    for state in window.room.current.due:  # T+2 and T+10 answered: nothing open at close
        assert window.room.acknowledge(state.cue.key)
    assert window.room.current.due == []
    user_id = window.room.user_id
    window.close()
    return session, user_id


def _events(data_dir, clock, session_id, kind):
    db = open_database(data_dir / "kapdesk.sqlite3")  # a second connection, reading
    try:
        return [e for e in SessionStore(db, clock).events(session_id) if e.kind == kind]
    finally:
        db.conn.close()


def _audited(ctx, event_id):
    return [r for r in ctx.stores.audit.rows("session_event", event_id)]


def _discharge_refusal(window):
    window.act_recovery.trigger()
    return window.room.refusal(State.DISCHARGED)


def test_same_boot_clock_forward_2h_keeps_true_time_and_asks_for_a_reason(
        make_window, contexts, clock, protocols, data_dir):
    session, user_id = _closed_at_t10(make_window, protocols, clock)
    clock.advance(30)
    clock.jump_wall(2 * 3600)  # set forward 2 h while the app was closed
    again = make_window()
    snap = again.room.current
    assert snap.elapsed_s == 630
    assert [c.cue.key for c in snap.due] == []  # not the 13 cues of a T+2:10
    assert not [c for c in snap.cues if c.status is CueStatus.MISSED]
    assert again.view.clock_label.text() == "0:10:30"
    notice = again.view.notice
    assert notice.isVisible()
    assert notice.text() == (
        "The computer's clock changed by +2 h 0 min while KAPdesk was closed; session time "
        "is kept from the last heartbeat (T+0:10) + the 30 s that really passed (by the "
        "computer's boot clock).")
    jumps = _events(data_dir, clock, session.id, "clock_jump")
    assert [(e.data["seconds"], e.user_id, e.data["how"], e.data["believed"])
            for e in jumps] == [(7200, user_id, "same_boot", True)]
    assert jumps[0].at == clock.now()
    audit = _audited(contexts[-1], jumps[0].id)
    assert [(r["user_id"], r["action"], r["at"][:19]) for r in audit] == [
        (user_id, "record", clock.now().isoformat()[:19])]
    refusal = _discharge_refusal(again)
    assert refusal is not None and REASON in refusal
    again.close()
    clock.advance(5)
    third = make_window()  # found once: a third start adds nothing
    assert third.room.current.elapsed_s == 635
    assert len(_events(data_dir, clock, session.id, "clock_jump")) == 1
    assert not third.view.notice.isVisible()


def test_same_boot_clock_back_never_shows_negative_time(make_window, clock, protocols,
                                                        data_dir):
    session, _ = _closed_at_t10(make_window, protocols, clock)
    clock.jump_wall(-3 * 3600)
    again = make_window()
    assert again.room.current.elapsed_s == 600
    assert again.room.current.phase is not None
    assert again.view.clock_label.text() == "0:10:00"
    assert again.view.notice.text().startswith(
        "The computer's clock changed by \u22123 h 0 min while KAPdesk was closed; session "
        "time is kept from the last heartbeat (T+0:10) + the 0 s")
    assert [e.data["seconds"] for e in _events(data_dir, clock, session.id, "clock_jump")] \
        == [-3 * 3600]
    refusal = _discharge_refusal(again)
    assert refusal is not None and REASON in refusal


def test_same_boot_a_genuine_2h_closure_lists_the_cues_missed_not_due(
        make_window, clock, protocols, data_dir):
    session, _ = _closed_at_t10(make_window, protocols, clock)
    clock.advance(2 * 3600)  # really closed for 2 h: no clock change
    again = make_window()
    snap = again.room.current
    assert snap.elapsed_s == 7800
    gone = [c for c in snap.cues if c.status is CueStatus.MISSED]
    assert len(gone) >= 8 and snap.due == []  # not a dozen cues due at once
    assert all(600 < c.due_s < 7800 - c.cue.escalate_after_s for c in gone)
    assert again.view.notice.text() == (
        f"KAPdesk was closed for 2 h 0 min, from T+0:10. {len(gone)} cues fell due while "
        "KAPdesk was closed and are listed as missed.")
    listed = [again.view.past_list.item(i).text()
              for i in range(again.view.past_list.count())]
    assert "T+0:15  missed: Take vitals (KAPdesk was closed)" in listed
    stored = _events(data_dir, clock, session.id, "cue_missed")
    assert sorted(e.cue_key for e in stored) == sorted(c.cue.key for c in gone)
    assert _events(data_dir, clock, session.id, "clock_jump") == []
    assert _discharge_refusal(again) is None  # a true T+2:10: past the 90 min minimum


def test_restart_with_a_plausible_gap_is_believed_and_said(make_window, clock, protocols,
                                                           data_dir):
    session, user_id = _closed_at_t10(make_window, protocols, clock)
    clock.reboot(1200)  # the computer restarted; 20 min off by its clock
    again = make_window()
    snap = again.room.current
    assert snap.elapsed_s == 1800
    text = again.view.notice.text()
    assert text.startswith("KAPdesk was closed for 20 min across a restart of the computer, "
                           "by the computer's clock; that cannot be checked")
    assert "correct the dose time" in text
    gaps = _events(data_dir, clock, session.id, "closed_gap")
    assert [(g.user_id, g.data["how"], g.data["wall_s"], g.data["believed"]) for g in gaps] \
        == [(user_id, "restart", 1200, True)]
    assert _events(data_dir, clock, session.id, "clock_jump") == []
    refusal = _discharge_refusal(again)
    assert refusal is not None and REASON in refusal  # T+30 is before the 90 min minimum


def test_restart_with_the_wall_clock_before_the_heartbeat_is_flagged(
        make_window, clock, protocols, data_dir):
    session, _ = _closed_at_t10(make_window, protocols, clock)
    clock.reboot(60)
    clock.jump_wall(-3600)  # the clock now reads before the last heartbeat
    again = make_window()
    assert again.room.current.elapsed_s == 610  # T+10 + the 10 s since the computer started
    text = again.view.notice.text()
    assert text.startswith("The computer's clock was set back by at least 59 min while "
                           "KAPdesk was closed across a restart of the computer")
    assert "the rest cannot be known" in text
    jumps = _events(data_dir, clock, session.id, "clock_jump")
    assert [(e.data["seconds"], e.data["believed"], e.data["how"]) for e in jumps] == [
        (-3550, False, "restart")]
    refusal = _discharge_refusal(again)
    assert refusal is not None and REASON in refusal


def test_restart_with_a_gap_far_past_the_session_is_flagged(make_window, clock, protocols,
                                                            data_dir):
    session, _ = _closed_at_t10(make_window, protocols, clock)
    clock.reboot(26 * 3600)
    again = make_window()
    assert again.room.current.elapsed_s == 610
    assert again.room.current.due == []
    assert "which would put this 2 h 0 min session far past its length; that is not " \
        "believed" in again.view.notice.text()
    jumps = _events(data_dir, clock, session.id, "clock_jump")
    assert [e.data["seconds"] for e in jumps] == [26 * 3600 - 10]


def test_no_heartbeat_in_an_older_database_starts_as_before(make_window, clock, protocols,
                                                            data_dir):
    session, _ = _closed_at_t10(make_window, protocols, clock)
    db = open_database(data_dir / "kapdesk.sqlite3")
    with db.atomic():  # a database from before the heartbeat was stored
        db.execute("DELETE FROM settings WHERE key = 'clock_heartbeat'")
    db.conn.close()
    clock.advance(60)
    again = make_window()
    assert again.room.current.elapsed_s == 660  # the wall clock, as before
    assert not again.view.notice.isVisible()
    assert _events(data_dir, clock, session.id, "clock_jump") == []
    again.close()
    clock.advance(30)
    clock.jump_wall(3600)
    third = make_window()  # the start before stored one: from now on a change is found
    assert third.room.current.elapsed_s == 690
    assert "+1 h 0 min" in third.view.notice.text()


def test_an_unreadable_heartbeat_is_ignored(make_window, clock, protocols, data_dir):
    _closed_at_t10(make_window, protocols, clock)
    db = open_database(data_dir / "kapdesk.sqlite3")
    with db.atomic():
        db.execute("UPDATE settings SET value = '{not json' WHERE key = 'clock_heartbeat'")
    db.conn.close()
    again = make_window()
    assert again.room.current.elapsed_s == 600
    assert not again.view.notice.isVisible()


def test_no_session_running_a_change_is_only_said(make_window, clock):
    first = make_window()
    first.close()
    clock.advance(10)
    clock.jump_wall(-600)
    again = make_window()
    assert again.room.session is None
    assert again.view.notice.text() == (
        "The computer's clock changed by \u221210 min while KAPdesk was closed.")


def test_cues_that_went_by_while_the_laptop_slept_are_missed_not_due(
        make_window, clock, protocols, data_dir):
    window = make_window()
    session = _dosed(window, protocols, clock)
    for _ in range(120):
        clock.advance(5)
        window.room.refresh()
    for state in window.room.current.due:
        assert window.room.acknowledge(state.cue.key)
    clock.suspend(3600)  # asleep from T+10 to T+1:10
    clock.advance(1)
    window.room.refresh()
    snap = window.room.current
    assert snap.elapsed_s == 4201  # the patient's time went on
    gone = [c for c in snap.cues if c.status is CueStatus.MISSED]
    assert len(gone) == 8 and all(600 < c.due_s < 4201 for c in gone)
    assert snap.due == []  # not the 8 cues of T+15 to T+60 at once
    assert [c.cue.key for c in gone][:3] == ["vitals#1", "ratings#1", "vitals#2"]
    assert window.view.notice.text() == (
        f"The laptop was asleep for 60.0 min; the session clock kept counting. {len(gone)} "
        "cues fell due while the laptop was asleep and are listed as missed.")
    stored = _events(data_dir, clock, session.id, "cue_missed")
    assert {e.data["reason"] for e in stored} == {"the laptop was asleep"}
    assert len(stored) == len(gone)


def _started_on_a_full_disk(make_window, contexts, clock, protocols, mount, qtbot):
    """Run to T+10 and close; set the clock 2 h forward; start again, the disk filling up
    between opening the data folder and building the room. (window, filler, session)"""
    from kapdesk.paths import Paths
    from kapdesk.wiring import build_services, build_window
    from tests import disk
    from tests.ui.conftest import ScriptedPrompts

    folder = mount / "data"
    session, _ = _closed_at_t10(make_window, protocols, clock, folder=folder)
    clock.advance(30)
    clock.jump_wall(2 * 3600)
    ctx = build_services(Paths(folder), clock)
    contexts.append(ctx)
    user = ctx.stores.accounts.by_username("clinician")
    filler = disk.fill(mount)
    again = build_window(ctx, user, ScriptedPrompts())
    qtbot.addWidget(again)
    again.resize(1366, 768)
    with qtbot.waitActive(again):
        again.show()
    return again, filler, session


def test_a_full_disk_at_start_keeps_true_time_and_stores_the_change_later(
        make_window, contexts, clock, protocols, tmp_path, qtbot):
    from tests import disk

    with disk.tiny_disk(tmp_path / "tiny", "3m") as mount:
        folder = mount / "data"
        again, filler, session = _started_on_a_full_disk(make_window, contexts, clock,
                                                         protocols, mount, qtbot)
        assert again.room.session is not None and again.room.session.state is State.DOSED
        assert again.room.current.elapsed_s == 630  # true time, held in memory
        assert again.room.current.due == []  # not the 13 cues of a T+2:10
        text = again.view.notice.text()
        assert text.startswith("The computer's clock changed by +2 h 0 min")
        assert "It could not be stored yet (Not saved: the disk is full." in text
        for _ in range(12):  # a minute on the full disk: the room's clock goes on
            clock.advance(5)
            again.room.refresh()
        assert again.room.current.elapsed_s == 690
        assert _events(folder, clock, session.id, "clock_jump") == []
        filler.unlink()
        for _ in range(7):  # the next heartbeat stores it
            clock.advance(5)
            again.room.refresh()
        assert again.room.current.elapsed_s == 725
        jumps = _events(folder, clock, session.id, "clock_jump")
        assert [e.data["seconds"] for e in jumps] == [7200]
        again.close()
        clock.advance(5)
        third = make_window(folder=folder)
        assert third.room.current.elapsed_s == 730
        assert len(_events(folder, clock, session.id, "clock_jump")) == 1
        third.close()


def test_a_full_disk_then_a_restart_finds_the_same_change_once(
        make_window, contexts, clock, protocols, tmp_path, qtbot):
    from tests import disk

    with disk.tiny_disk(tmp_path / "tiny", "3m") as mount:
        folder = mount / "data"
        again, filler, session = _started_on_a_full_disk(make_window, contexts, clock,
                                                         protocols, mount, qtbot)
        clock.advance(20)
        again.room.refresh()
        again.close()  # closed with the disk still full: the old heartbeat stays
        filler.unlink()
        clock.advance(10)
        third = make_window(folder=folder)
        assert third.room.current.elapsed_s == 660
        jumps = _events(folder, clock, session.id, "clock_jump")
        assert [e.data["seconds"] for e in jumps] == [7200]
        third.close()
