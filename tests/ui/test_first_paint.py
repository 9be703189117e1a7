"""What the first frame does not show waits for it: the room is drawn, then the rest runs."""


def test_work_waits_for_the_first_painted_frame_then_runs_once(make_window, qtbot):
    window = make_window()
    ran: list[str] = []
    window.after_paint.add(lambda: ran.append("check"))
    window.after_paint.add(lambda: ran.append("backup"))
    assert ran == []  # built, not yet shown: nothing has run
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: ran == ["check", "backup"], timeout=5_000)
    window.update()  # a later frame runs nothing again
    qtbot.wait(50)
    assert ran == ["check", "backup"]
    window.after_paint.add(lambda: ran.append("late"))  # after the first frame: at once
    assert ran == ["check", "backup", "late"]


def test_a_window_closed_before_its_first_frame_runs_none_of_it(make_window, qtbot):
    window = make_window()
    ran: list[str] = []
    window.after_paint.add(lambda: ran.append("backup"))
    window.close()  # shut_down cancels what waits
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(100)
    assert ran == []
    window.close()

