"""Who sees the history: clinicians only; staff and admins are refused in words and see no
patient data. From the main window, signing goes through its sign flow and its dialog
seam; locking the screen or a non-clinician signing in closes the history."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTableView

from kapdesk.paths import Paths
from kapdesk.store.database import open_database
from kapdesk.ui.history.window import HistoryWindow
from tests.store.history_sample import Clinic, write_clinic
from tests.ui.conftest import PASSWORD, answer_dialog
from tests.ui.history_helpers import (  # noqa: F401  (fixtures)
    Answers,
    clinic_fixture,
    no_modal_left,
    open_history,
)


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_are_refused_and_see_no_patient_data(qtbot, db, clock,
                                                              clinic: Clinic, role):
    window = open_history(qtbot, db, clock, clinic.users[role])
    assert window.refused
    refusal = window.centralWidget()
    assert refusal.objectName() == "history_refused"
    who = {"staff": "staff", "admin": "an admin"}[role]
    assert refusal.text().startswith(f"Signed in as {who}, you cannot see notes and patient "
                                     "details.")
    assert window.findChildren(QTableView) == []
    grabbed = window.grab().toImage()
    assert grabbed.width() > 0
    failures: list[str] = []
    window.controller.failed.connect(failures.append)
    listed: list[object] = []
    window.controller.patients_listed.connect(lambda rows, _n: listed.append(rows))
    window.controller.search(window.controller.filter)
    window.controller.open_patient("K-204")
    window.controller.open_session(clinic.signed.session_id)
    assert listed == [[]] and window.controller.course is None
    assert window.controller.report is None
    assert len(failures) == 3 and all("you cannot see notes" in f for f in failures)


@pytest.fixture
def main_window(make_window, data_dir: Path, clock, protocols):  # type: ignore[no-untyped-def]
    paths = Paths(data_dir)
    paths.ensure()
    db = open_database(paths.database)
    try:
        clinic = write_clinic(db, clock, protocols)
    finally:
        db.close()
    window = make_window()
    return window, clinic


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no stacking
def test_from_the_main_window_a_clinician_reviews_and_signs(qtbot, main_window, clock):
    window, clinic = main_window
    launcher = window.history  # built by kapdesk.wiring, as the app builds it
    history = launcher.open()
    assert isinstance(history, HistoryWindow) and history.isVisible()
    assert launcher.open() is history  # one window, raised again
    assert history.open_patient("K-204")
    panel = history.session_panel
    assert panel.report.session_id == clinic.second.session_id
    assert panel.sign_button.isEnabled() and "NOT SIGNED" in panel.header.text()
    window.prompts.answer = answer_dialog  # the main window's seam signs with PASSWORD
    panel.sign_button.click()
    assert window.records.records.signature(clinic.second.session_id).name == "Clinician"
    assert "signed by Clinician" in panel.header.text()
    assert not panel.sign_button.isVisible()
    assert history.status.text() == f"Session {clinic.second.session_id} signed."
    assert history.browse.model.rows()[0].unsigned == 0  # K-204 has nothing left to sign
    opened = Answers(lambda dialog: dialog.reject())  # exports ask through the same seam
    window.prompts.answer = opened.open_dialog
    panel.export_button.click()
    assert opened.seen == ["export_dialog"]
    launcher.close()
    assert launcher.window is None


def test_locking_the_screen_closes_the_history(qtbot, main_window, clock):
    window, _clinic = main_window
    launcher = window.history  # built by kapdesk.wiring, as the app builds it
    history = launcher.open()
    assert history is not None
    with qtbot.waitSignal(history.destroyed, timeout=2000):
        window.access.lock()
    assert launcher.window is None
    assert window.access.unlock(PASSWORD) is None
    again = launcher.open()
    assert again is not None and again is not history
    launcher.close()


def test_staff_are_refused_with_a_message_and_a_switch_to_staff_closes_it(qtbot,
                                                                          main_window,
                                                                          contexts):
    window, _clinic = main_window
    launcher = window.history  # built by kapdesk.wiring, as the app builds it
    staff = contexts[-1].stores.accounts.create("Riley Invented", "riley", "staff",
                                                "staff-password-1", None)
    history = launcher.open()
    assert history is not None
    window.room.set_user(staff)
    window.access.user_changed.emit(staff)
    assert launcher.window is None
    assert launcher.open() is None
    box = window.findChild(QMessageBox, "error_message")
    assert box.text() == ("Signed in as staff, you cannot see notes and patient details. "
                          "The history shows patient records: ask a clinician.")
    box.close()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no stacking
def test_history_opens_with_the_keys_in_the_search_and_enter_picks_the_first_match(
        qtbot, main_window):
    window, clinic = main_window
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    history = window.history.window
    assert isinstance(history, HistoryWindow) and history.isVisible()
    search = history.browse.filters.search_edit
    qtbot.waitUntil(search.hasFocus)  # no patient chosen yet: the search has the keys
    for empty in (history.session_panel.header, history.course_panel.summary):
        assert "No patient chosen" in empty.text() and "(Ctrl+F)" in empty.text()
        assert "Enter" in empty.text()
    assert history.session_panel.report is None
    qtbot.keyClicks(search, "k-20")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert history.browse.current_code() == "K-204"  # the first of K-204, K-205
    assert history.session_panel.report.session_id == clinic.second.session_id
    assert history.browse.view.hasFocus()  # Up and Down now move through the patients
    qtbot.keyClick(history.browse.view, Qt.Key.Key_Down)
    assert history.browse.current_code() == "K-205"
    qtbot.keyClick(history, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert search.hasFocus() and search.selectedText() == "k-20"
    qtbot.keyClick(search, Qt.Key.Key_Return)  # a listed patient is chosen: it stays
    assert history.browse.current_code() == "K-205"
    qtbot.keyClick(history, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(search, "nobody-like-this")  # typed over the selected search
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert history.browse.model.rows() == [] and search.hasFocus()  # nothing to pick
    window.history.close()
