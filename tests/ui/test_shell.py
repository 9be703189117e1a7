"""The app's first window (kapdesk/ui/shell.py): true things only, no input, and the room
put into the same window once it is built."""

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

from kapdesk.ui.shell import MINUTE_MS, NO_FRAME_MS, Shell
from kapdesk.ui.theme import DARK, NIGHT


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is Berlin's for the test (CET in March: UTC+1)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def make_shell(qtbot, clock) -> Shell:
    shell = Shell("KAPdesk 0.1.0", "Opening the records in /srv/clinic-data…",
                  (DARK.window, DARK.text, DARK.muted), clock.now)
    qtbot.addWidget(shell)
    return shell


def test_it_shows_the_local_time_and_what_it_opens_and_takes_no_input(qtbot, clock, berlin):
    shell = make_shell(qtbot, clock)  # the fake clock: 09:00:00 UTC, 2 March 2026
    shell.show()
    qtbot.waitExposed(shell)
    assert shell.windowTitle() == "KAPdesk 0.1.0"
    assert shell.clock_label.text() == "10:00"
    assert shell.status_label.text() == "Opening the records in /srv/clinic-data…"
    assert shell.clock_label.font().pixelSize() == 160  # the room clock's large type
    takes_focus = [w.objectName() for w in shell.findChildren(QWidget)
                   if w.focusPolicy() != Qt.FocusPolicy.NoFocus]
    assert takes_focus == []  # nothing to type into, nothing to press
    shell.say("Waiting for someone to sign in…")
    assert shell.status_label.text() == "Waiting for someone to sign in…"
    shell.close()


def test_it_takes_the_clinics_theme_level_once_known(qtbot, clock):
    shell = make_shell(qtbot, clock)
    shell.show()
    qtbot.waitExposed(shell)
    assert shell.grab().toImage().pixelColor(5, 5).name() == DARK.window
    shell.set_colours((NIGHT.window, NIGHT.text, NIGHT.muted))  # the night level, as set
    shell.repaint()
    assert shell.grab().toImage().pixelColor(5, 5).name() == NIGHT.window
    assert shell.status_label.palette().windowText().color().name() == NIGHT.muted
    shell.close()


def test_a_folder_named_like_markup_is_shown_as_named(qtbot, clock):
    shell = Shell("KAPdesk 0.1.0", "Opening the records in /srv/<b>clinic</b> & co…",
                  (DARK.window, DARK.text, DARK.muted), clock.now)
    qtbot.addWidget(shell)
    shell.show()
    qtbot.waitExposed(shell)
    assert shell.status_label.textFormat() == Qt.TextFormat.PlainText
    assert shell.status_label.text() == "Opening the records in /srv/<b>clinic</b> & co…"
    shell.close()


def test_the_wall_clock_turns_at_the_minute_from_the_clock_not_the_timer(qtbot, clock, berlin):
    clock.advance(42.5)  # 09:00:42.5 UTC
    shell = make_shell(qtbot, clock)
    tick = shell.findChild(QTimer, "opening wall clock")
    assert tick is not None and tick.isActive()
    assert tick.interval() == MINUTE_MS - 42_500 + 5  # armed for the next minute
    clock.advance(timedelta(seconds=17.5).total_seconds())  # 09:01:00 UTC
    tick.timeout.emit()
    assert shell.clock_label.text() == "10:01" and tick.isActive()
    shell.close()
    assert not tick.isActive()  # closed: nothing left running


def test_the_room_takes_the_same_window_and_closes_with_it(qtbot, clock):
    shell = make_shell(qtbot, clock)
    shell.show()
    qtbot.waitExposed(shell)
    page = shell.centralWidget()
    room = QWidget()
    room.setWindowTitle("KAPdesk 0.1.0 room")
    closed: list[bool] = []
    room.closeEvent = lambda event: closed.append(True)
    shell.host(room)
    assert shell.centralWidget() is room and room.window() is shell and not room.isWindow()
    assert room.isVisible() and shell.windowTitle() == "KAPdesk 0.1.0 room"
    assert not shell.findChild(QTimer, "opening wall clock").isActive()
    qtbot.waitUntil(lambda: page not in shell.findChildren(QWidget), timeout=2_000)
    room.setWindowTitle("KAPdesk 0.1.0 (locked)")
    assert shell.windowTitle() == "KAPdesk 0.1.0 (locked)"  # the room's title, followed
    shell.close()
    assert closed == [True] and not shell.isVisible() and not shell.closed_early


def test_a_room_that_refuses_to_close_keeps_the_window_open(qtbot, clock):
    shell = make_shell(qtbot, clock)
    shell.show()
    room = QWidget()
    room.closeEvent = lambda event: event.ignore()
    shell.host(room)
    assert not shell.close() and shell.isVisible()
    room.closeEvent = lambda event: event.accept()
    assert shell.close()


class NoPaint(QObject):
    """Swallows every Paint event: a window that is shown but never drawn."""

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        return event.type() == QEvent.Type.Paint


def test_a_window_never_drawn_still_opens_after_a_second(qtbot, clock):
    shell = make_shell(qtbot, clock)
    ran: list[float] = []
    shell.after_paint.add(lambda: ran.append(time.monotonic()))
    blind = NoPaint(shell)
    shell.centralWidget().installEventFilter(blind)  # runs before the frame's watcher
    shown = time.monotonic()
    shell.show()
    qtbot.waitUntil(lambda: ran != [], timeout=3_000)
    assert ran[0] - shown >= NO_FRAME_MS / 1000 - 0.05  # not sooner: the frame is awaited
    assert not shell.findChild(QTimer, "opening without a frame").isActive()
    shell.close()


def test_a_drawn_window_opens_at_its_frame_and_stops_waiting(qtbot, clock):
    shell = make_shell(qtbot, clock)
    ran: list[str] = []
    shell.after_paint.add(lambda: ran.append("opening"))
    shell.show()
    qtbot.waitUntil(lambda: ran == ["opening"], timeout=2_000)
    assert not shell.findChild(QTimer, "opening without a frame").isActive()
    qtbot.wait(NO_FRAME_MS + 100)
    assert ran == ["opening"]  # once
    shell.close()


def test_closed_before_the_room_it_says_so_and_runs_nothing_more(qtbot, clock):
    shell = make_shell(qtbot, clock)
    ran: list[str] = []
    shell.after_paint.add(lambda: ran.append("opening"))
    shell.close()
    assert shell.closed_early
    shell.show()  # a frame after the close runs nothing of the opening
    qtbot.waitExposed(shell)
    qtbot.wait(50)
    assert ran == []
    shell.close()
