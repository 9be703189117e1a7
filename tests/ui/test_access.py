"""Accounts in the window: roles, the lock screen, re-authentication to sign."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QPlainTextEdit

from kapdesk.core.cues import CueEventKind
from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.paths import Paths
from kapdesk.services.account_ops import AccountOps
from kapdesk.ui.sign_dialog import SignDialog
from kapdesk.wiring import build_services, build_window, create_account
from tests.ui.conftest import PASSWORD, ScriptedPrompts, step


def _visible_text(widget) -> str:
    parts = [w.text() for w in widget.findChildren(QLabel) if w.isVisible()]
    for lst in widget.findChildren(QListWidget):
        if lst.isVisible():
            parts += [lst.item(i).text() for i in range(lst.count())]
    parts += [e.toPlainText() for e in widget.findChildren(QPlainTextEdit) if e.isVisible()]
    return "\n".join(parts)


def _dosed(window, protocols, code="K-314"):
    room = window.room
    assert room.plan(code, protocols["im-kap"])
    assert room.advance(State.PREPARING)
    window.act_dose.trigger()
    window.records.save_note("Patient spoke of the sea.")
    window.view.note.load(window.records.note())


def _window_as(qtbot, data_dir, clock, role, username):
    services = build_services(Paths(data_dir), clock)
    user = create_account(services, f"{role.title()} Person", username, role, PASSWORD)
    window = build_window(services, user, ScriptedPrompts())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def test_lock_keeps_the_session_going_and_hides_identifiers(make_window, contexts, clock,
                                                             protocols,
                                                             data_dir, qtbot):
    window = make_window()
    _dosed(window, protocols)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.access.locked
    assert window.pages.currentWidget() is window.lock_view
    assert not window.toolbar.isVisible()
    step(window, clock, 120)  # the clock runs on; a cue falls due while locked
    lock = window.lock_view
    assert lock.clock_label.text() == "0:02:00"
    assert lock.banner.isVisible() and lock.banner.text_label.text() == "Dim the lights to low"
    text = _visible_text(window)
    assert "K-314" not in text and "sea" not in text
    qtbot.keyClick(window, Qt.Key.Key_Space)  # acknowledging on the lock screen is allowed
    assert not lock.banner.isVisible()
    acks = [e for e in contexts[-1].stores.sessions.events(window.room.session.id)
            if e.kind == CueEventKind.ACKNOWLEDGED]
    assert [e.user_id for e in acks] == [window.room.user_id]
    window.grab().save(str(data_dir.parent / "lock.png"))
    lock.secret_edit.setText("wrong password!")
    lock.unlock_button.click()
    assert window.access.locked and "wrong password" in lock.error_label.text()
    lock.secret_edit.setText(PASSWORD)
    lock.unlock_button.click()
    assert not window.access.locked
    assert window.pages.currentWidget() is window.view
    assert "K-314" in window.view.patient_label.text()


def test_idle_locks_by_itself(make_window, protocols, qtbot):
    window = make_window()
    _dosed(window, protocols)
    window.access.set_lock_minutes(0.002)  # about 120 ms
    qtbot.waitUntil(lambda: window.access.locked, timeout=3000)


def test_pin_unlocks_after_todays_sign_in(make_window, protocols, qtbot):
    window = make_window()
    accounts: AccountOps = window.access.accounts
    accounts.sign_in("clinician", PASSWORD)
    window.prompts.text = "2468"
    window.access.set_pin()
    window.access.lock()
    window.lock_view.secret_edit.setText("2468")
    window.lock_view.unlock_button.click()
    assert not window.access.locked


def test_signing_asks_for_the_password_again(make_window, clock, protocols):
    window = make_window()
    _dosed(window, protocols)
    window.act_recovery.trigger()
    step(window, clock, 95 * 60, every=60)
    window.act_discharge.trigger()
    tries = []

    def answer(dialog):
        assert isinstance(dialog, SignDialog)
        if dialog.error_label.isVisibleTo(dialog):
            tries.append(dialog.error_label.text())
            dialog.secret_edit.setText(PASSWORD)
        else:
            dialog.secret_edit.setText("not my password")
        dialog.sign_button.click()
    window.prompts.answer = answer
    window.act_sign.trigger()
    assert tries and "wrong password" in tries[0]
    assert window.records.records.signature(window.room.session.id).name == "Clinician"


def test_staff_see_the_clock_and_cues_but_no_notes_or_identifiers(qtbot, data_dir, clock,
                                                                  make_window, protocols):
    clinician = make_window()
    _dosed(clinician, protocols)
    clinician.close()
    staff = _window_as(qtbot, data_dir, clock, "staff", "riley")
    step(staff, clock, 120)
    assert staff.view.clock_label.text() == "0:02:00"
    assert staff.view.banner.isVisible()
    text = _visible_text(staff)
    assert "K-314" not in text and "sea" not in text
    assert not staff.view.record_buttons.isVisible()
    assert not staff.act_recovery.isEnabled() and not staff.act_plan.isEnabled()
    staff.view.banner.ack_button.click()  # staff may acknowledge a cue
    assert not staff.view.banner.isVisible()
    assert staff.records.record(Kind.MOAAS, {"score": 5}) is None  # refused at the service


ROLE_ACTIONS = {  # which roles may, checked in the UI and at the service
    "plan": {"clinician"},
    "record": {"clinician"},
    "acknowledge": {"clinician", "staff"},
    "accounts": {"admin"},
}


@pytest.mark.parametrize("role", ["clinician", "staff", "admin"])
def test_role_matrix_in_the_window(qtbot, data_dir, clock, protocols, role):
    window = _window_as(qtbot, data_dir, clock, role, f"user-{role}")
    errors = []
    window.room.action_failed.connect(errors.append)
    planned = window.room.plan("K-900", protocols["im-kap"])
    assert planned is (role in ROLE_ACTIONS["plan"])
    assert window.act_plan.isEnabled() is (role in ROLE_ACTIONS["plan"])
    if not planned:
        assert errors and f"Signed in as {'an' if role == 'admin' else ''}" in errors[0]
    assert window.access.accounts_action.isVisible() is (role in ROLE_ACTIONS["accounts"])
    assert window.view.record_buttons.isVisibleTo(window) is (role in ROLE_ACTIONS["record"]) \
        or window.room.session is None


def test_the_audit_trail_names_who_did_what(make_window, contexts, protocols):
    window = make_window()
    _dosed(window, protocols)
    audit = contexts[-1].stores.audit
    rows = [r for r in audit.rows("session") if r["action"] == "transition"]
    assert rows and all(r["user_id"] == window.room.user_id for r in rows)
