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



def test_the_lock_screen_is_built_the_first_time_the_room_locks(make_window, qtbot):
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    assert window.pages.count() == 1  # the first frame: the room page alone
    assert window.pages.findChildren(type(window.view.banner)) == \
        window.view.findChildren(type(window.view.banner))  # no lock screen's banner yet
    window.access.lock()
    lock = window.lock_view
    assert window.pages.count() == 2 and window.pages.currentWidget() is lock
    assert lock.secret_edit.hasFocus() or not window.isActiveWindow()
    lock.secret_edit.setText("not the password")
    lock.unlock_button.click()  # refused in words; the lock screen stays
    assert "wrong password" in lock.error_label.text().lower() and lock.error_label.isVisible()
    assert window.access.locked and window.pages.currentWidget() is lock
    window.close()
