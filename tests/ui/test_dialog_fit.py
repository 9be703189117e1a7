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
