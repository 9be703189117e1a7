"""Dialogs size to their content: an error appearing never clips its message or crushes the
fields; checklists show every item; lists' scrollbars and unticked boxes are dark-themed and
visible (checked on the rendered pixels, in both levels)."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QWidget,
)

from kapdesk.core.checklists import DISCHARGE_ITEMS, SCREENING_ITEMS
from kapdesk.core.errors import KapdeskError
from kapdesk.core.observations import check_vitals
from kapdesk.paths import Paths
from kapdesk.ui.auth_dialogs import LoginDialog, NewAccountDialog
from kapdesk.ui.dialog_fit import list_rows_height
from kapdesk.ui.entry_dialogs import ChecklistDialog, MedicineDialog, VitalsDialog
from kapdesk.ui.theme import THEMES, apply_theme, contrast
from tests.ui.conftest import PASSWORD


@pytest.fixture(params=["dark", "night"])
def themed(request, qapp) -> Iterator[str]:
    before_palette, before_sheet = QPalette(qapp.palette()), qapp.styleSheet()
    apply_theme(qapp, THEMES[request.param])
    yield request.param
    qapp.setStyleSheet(before_sheet)
    qapp.setPalette(before_palette)


@pytest.fixture
def accounts(data_dir, clock):
    from kapdesk.wiring import build_services

    return build_services(Paths(data_dir), clock).ops.accounts


def _error_of(values) -> str:
    try:
        check_vitals(values)
    except KapdeskError as exc:
        return str(exc) + " Check the reading on the monitor and enter it again; an entry " \
            "outside the range is never stored."
    raise AssertionError("expected a validation error")


FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox, QPushButton)


def _fields(dialog: QWidget) -> list[QWidget]:
    """The dialog's own fields and buttons (not the line edit inside a combo box)."""
    return [f for f in dialog.findChildren(QWidget) if f.isVisible() and isinstance(f, FIELDS)
            and not isinstance(f.parentWidget(), FIELDS)]


def _heights(dialog: QWidget) -> dict[str, int]:
    QApplication.processEvents()
    return {f.objectName() or f.text(): f.height() for f in _fields(dialog)}


def _assert_fits(dialog: QWidget, label_name: str, before: dict[str, int]) -> None:
    QApplication.processEvents()
    label = next(w for w in dialog.findChildren(QWidget) if w.objectName() == label_name)
    assert label.isVisible() and label.text()
    need = label.heightForWidth(label.width())
    assert label.height() >= need, \
        f"{dialog.objectName()}: the message shows {label.height()} of {need} px"
    for field in _fields(dialog):
        assert field.height() >= field.minimumSizeHint().height(), \
            f"{dialog.objectName()}: {field.objectName()} crushed to {field.height()} px"
    after = _heights(dialog)
    crushed = {k: (before[k], after[k]) for k in before if after.get(k, 0) < before[k]}
    assert not crushed, f"{dialog.objectName()}: fields lower than before the error: {crushed}"
    screen = dialog.screen().availableGeometry()
    assert screen.contains(dialog.frameGeometry()) or screen.contains(dialog.geometry())


def test_a_new_account_error_shows_whole_and_the_fields_keep_their_size(themed, accounts,
                                                                         qtbot):
    dialog = NewAccountDialog(accounts, None, first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    first = dialog.size()
    before = _heights(dialog)
    dialog.name_edit.setText("Dr Ada Quill")
    dialog.username_edit.setText("ada quill!")  # not a username
    dialog.password_edit.setText("long enough password")
    dialog.repeat_edit.setText("long enough password")
    dialog.ok_button.click()
    assert "username" in dialog.error_label.text()
    _assert_fits(dialog, "auth_error", before)
    assert dialog.height() >= first.height()


def test_a_sign_in_error_shows_whole(themed, accounts, qtbot):
    dialog = LoginDialog(accounts)
    qtbot.addWidget(dialog)
    dialog.show()
    before = _heights(dialog)
    dialog.username_edit.setText("nobody")
    dialog.password_edit.setText("wrong")
    dialog.ok_button.click()
    assert dialog.error_label.text() == "Unknown username or wrong password."
    _assert_fits(dialog, "auth_error", before)


def test_a_vitals_error_shows_whole(themed, qtbot):
    message = _error_of({"systolic": 400, "diastolic": 80})
    dialog = VitalsDialog(lambda _values: message)
    qtbot.addWidget(dialog)
    dialog.show()
    before = _heights(dialog)
    dialog.edits["systolic"].setText("400")
    dialog.edits["diastolic"].setText("80")
    dialog.findChild(QPushButton, "save_vitals").click()
    assert dialog.error_label.text() == message
    _assert_fits(dialog, "entry_error", before)


def test_a_medicine_error_shows_whole(themed, qtbot):
    message = ("Medicine 'Ondansetron' at 2000 mg is above the largest amount this clinic "
               "allows for it (16 mg): check the amount, or ask the prescriber to record it.")
    dialog = MedicineDialog(lambda _values: message)
    qtbot.addWidget(dialog)
    dialog.show()
    before = _heights(dialog)
    dialog.findChild(QPushButton, "save_medicine").click()
    _assert_fits(dialog, "entry_error", before)


@pytest.mark.parametrize("items", [SCREENING_ITEMS, DISCHARGE_ITEMS], ids=["screening",
                                                                           "discharge"])
def test_a_checklist_shows_every_item_whole(themed, items, qtbot):
    dialog = ChecklistDialog("Screening", "screening", items, lambda _v: None,
                             intro="Before the dose, with the patient.")
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    listed = dialog.list
    assert listed.height() >= list_rows_height(listed) - 2
    viewport = listed.viewport().rect()
    for i in range(listed.count()):
        rect = listed.visualItemRect(listed.item(i))
        assert viewport.contains(rect), f"item {i} cut off: {rect} not in {viewport}"
        assert rect.height() >= listed.sizeHintForRow(i), f"item {i} squeezed"
    line = listed.fontMetrics().height()
    dialog.resize(420, dialog.height())  # a narrow screen: long items wrap, none is cut
    QApplication.processEvents()
    longest = max(range(listed.count()), key=lambda i: len(listed.item(i).text()))
    assert listed.visualItemRect(listed.item(longest)).height() > 1.5 * line
    assert not listed.horizontalScrollBar().isVisible()


def _pixels(widget: QWidget, rect: QRect) -> list[str]:
    image = widget.grab(rect).toImage()
    return [image.pixelColor(x, y).name() for x in range(image.width())
            for y in range(image.height())]


def test_a_long_lists_scrollbar_is_dark_and_its_handle_visible(themed, qtbot):
    theme = THEMES[themed]
    dialog = ChecklistDialog("Screening", "screening",
                             [f"Item {n}: invented check" for n in range(60)], lambda _v: None)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    bar = dialog.list.verticalScrollBar()
    assert bar.isVisible(), "sixty items on a laptop screen scroll"
    colours = set(_pixels(bar, bar.rect()))
    lightest = max(colours, key=lambda c: contrast(c, "#000000"))
    assert contrast(lightest, "#ffffff") > 3, f"a bright scrollbar: {lightest}"
    assert max(contrast(c, theme.panel) for c in colours) >= 3, "the handle cannot be seen"


def test_an_unticked_box_stands_out_from_the_list(themed, qtbot):
    theme = THEMES[themed]
    dialog = ChecklistDialog("Discharge", "discharge", DISCHARGE_ITEMS, lambda _v: None)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    listed: QListWidget = dialog.list
    rect = listed.visualItemRect(listed.item(0))
    box = QRect(rect.topLeft() + QPoint(0, 0), rect.size())
    box.setWidth(36)
    colours = _pixels(listed.viewport(), box)
    assert listed.item(0).checkState() == Qt.CheckState.Unchecked
    best = max(contrast(c, theme.panel) for c in colours)
    assert best >= 3, f"the unticked box reaches only {best:.2f}:1 against the list"


def test_a_huge_message_is_cut_to_what_a_screen_holds_and_the_dialog_stays_on_it(themed,
                                                                                 qtbot):
    message = "The username 'x' is taken. " + "x" * 20_000  # one quoting a huge input
    dialog = VitalsDialog(lambda _values: message)
    qtbot.addWidget(dialog)
    dialog.show()
    before = _heights(dialog)
    dialog.edits["systolic"].setText("120")
    dialog.edits["diastolic"].setText("80")
    dialog.findChild(QPushButton, "save_vitals").click()
    label = dialog.error_label
    assert label.full_text == message and len(label.text()) < 700
    assert label.toolTip().startswith("The username 'x' is taken.")
    _assert_fits(dialog, "entry_error", before)
    assert dialog.screen().availableGeometry().contains(dialog.geometry())


def _refused_in(window, qtbot, name: str, fill, start) -> QWidget:  # type: ignore[no-untyped-def]
    """Open the window's dialog `name` through its own flow (`start`), shown for real; fill
    it with what is refused (`fill` clicks OK); the refusal shows inside the dialog."""
    seen: dict[str, QWidget] = {}
    before: list[dict[str, int]] = []

    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        if dialog.objectName() == "login_dialog":  # signing in as the admin
            dialog.username_edit.setText("admin")
            dialog.password_edit.setText(PASSWORD)
            dialog.ok_button.click()
            return
        assert dialog.objectName() == name
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        if name in seen:  # opened again by its flow (signing): the refusal is in it now
            _assert_fits(dialog, dialog.error_label.objectName(), before[0])
            dialog.reject()
            return
        seen[name] = dialog
        before.append(_heights(dialog))
        fill(dialog)
        QApplication.processEvents()
        if dialog.isVisible():  # kept open: the refusal is in it
            _assert_fits(dialog, dialog.error_label.objectName(), before[0])
            dialog.reject()

    window.prompts.answer = answer
    start()
    assert before, f"{name} was not opened"
    return seen[name]


def _click(dialog, name: str) -> None:  # type: ignore[no-untyped-def]
    dialog.findChild(QPushButton, name).click()


def test_the_room_windows_dialogs_show_their_refusals_inside_them(themed, make_window,
                                                                    contexts, clock,
                                                                    protocols, qtbot):
    from datetime import timedelta

    from kapdesk.core.session import State
    from tests.ui.conftest import ScriptedPrompts

    window = make_window(prompts=ScriptedPrompts())
    room = window.room

    def bad_birth(d) -> None:  # type: ignore[no-untyped-def]
        d.code_edit.setText("K-014")
        d.birth_edit.setText("03/11/1979")
        _click(d, "confirm_plan")
    plan = _refused_in(window, qtbot, "plan_session_dialog", bad_birth,
                       window.steps.plan_session)
    assert "YYYY-MM-DD" in plan.error_label.text() and room.session is None

    assert room.plan("K-014", protocols["im-kap"]) and room.advance(State.PREPARING)
    window.act_dose.trigger()

    def two_days_early(d) -> None:  # type: ignore[no-untyped-def]
        d.time_edit.setDateTime(d.time_edit.dateTime().addDays(-2))
        d.reason_edit.setText("Given at the bedside before planning")
        _click(d, "confirm_dose_time")
    dose = _refused_in(window, qtbot, "correct_dose_dialog", two_days_early,
                       window.steps.correct_dose_time)
    assert "more than 12 h before the session was planned" in dose.error_label.text()

    def long_reason(d) -> None:  # type: ignore[no-untyped-def]
        d.reason_edit.setText("because " * 600)
        _click(d, "confirm_dose_time")
    dose = _refused_in(window, qtbot, "correct_dose_dialog", long_reason,
                       window.steps.correct_dose_time)
    assert "at most 2,000 characters" in dose.error_label.text(), dose.error_label.text()

    window.act_recovery.trigger()
    clock.advance(timedelta(minutes=95).total_seconds())
    room.refresh()
    assert room.advance(State.DISCHARGED)

    def wrong_password(d) -> None:  # type: ignore[no-untyped-def]
        d.secret_edit.setText("not my password")
        d.sign_button.click()
    sign = _refused_in(window, qtbot, "sign_dialog", wrong_password,
                       lambda: window.flows.sign(room.session.id))
    assert "wrong password" in sign.error_label.text() and not sign.error_label.isHidden()
    assert window.records.records.signature(room.session.id) is None

    def no_code(d) -> None:  # type: ignore[no-untyped-def]
        d.note_edit.setPlainText("Talked about the session.")
        _click(d, "save_integration")
    talk = _refused_in(window, qtbot, "integration_dialog", no_code, window.flows.integration)
    assert talk.error_label.text() == "An integration session needs the patient's code."

    assert room.advance(State.CLOSED)
    admin = contexts[-1].stores.accounts.create("Admin", "admin", "admin", PASSWORD, None)

    def own_account(d) -> None:  # type: ignore[no-untyped-def]
        row = next(i for i in range(d.list.count()) if "admin" in d.list.item(i).text())
        d.list.setCurrentRow(row)
        _click(d, "deactivate_account")
    assert window.access.switch_user() and window.room.user.id == admin.id
    accounts = _refused_in(window, qtbot, "accounts_dialog", own_account,
                           window.access.manage_accounts)
    assert "cannot deactivate your own account" in accounts.error_label.text()
    assert window.findChild(QMessageBox, "error_message") is None  # none went to a box
