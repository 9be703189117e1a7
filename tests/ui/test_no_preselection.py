"""Issue 10 items 7 and 8: no clinical choice is made for the clinician when a dialog opens,
and the CADSS short form shows the clinic's item wording, or where an admin sets it."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from kapdesk.core.observations import CADSS6_ITEMS, Kind
from kapdesk.core.session import State
from kapdesk.ui.cadss_wording_dialog import CadssWordingDialog
from kapdesk.ui.entry_dialogs import (
    ChoiceDialog,
    DissociationDialog,
    MedicineDialog,
    SideEffectDialog,
)
from kapdesk.wiring import create_account
from tests.ui.conftest import PASSWORD


def _dosed(window, protocols):
    assert window.room.plan("K-021", protocols["im-kap"])
    assert window.room.advance(State.PREPARING)
    window.act_dose.trigger()


def _entries(window, kind):
    return window.records.records.current(window.room.session.id, kind)


def _opened(window, key, check):
    seen = []

    def answer(dialog):
        seen.append(dialog)
        dialog.show()
        check(dialog)
        dialog.reject()
    window.prompts.answer = answer
    window.entry.open(key)
    assert len(seen) == 1


def test_side_effect_list_opens_with_nothing_chosen(make_window, protocols, qtbot):
    window = make_window()
    _dosed(window, protocols)

    def check(dialog):
        assert isinstance(dialog, SideEffectDialog)
        assert dialog.effects.selectedItems() == []
        dialog.effects.setFocus()  # focus alone sets a current row in Qt: still no choice
        dialog.findChild(QPushButton, "side_effect_mild").click()
        assert dialog.error_label.text() == "Tap the side effect first, then its severity."
        dialog.effects.item(6).setSelected(True)  # Nausea
        dialog.findChild(QPushButton, "side_effect_mild").click()
    _opened(window, "side_effect", check)
    assert [o.values["name"] for o in _entries(window, Kind.SIDE_EFFECT)] == ["Nausea"]


def test_enter_in_a_rating_dialog_records_nothing(make_window, protocols, qtbot):
    window = make_window()
    _dosed(window, protocols)

    def check(dialog):
        assert isinstance(dialog, ChoiceDialog)
        assert not any(b.isDefault() or b.autoDefault() for b in dialog.buttons)
        dialog.buttons[0].setFocus()
        qtbot.keyClick(dialog.buttons[0], Qt.Key.Key_Return)
    _opened(window, "moaas", check)
    assert _entries(window, Kind.MOAAS) == []


def test_as_needed_medicine_opens_with_no_medicine_or_route(make_window, protocols):
    window = make_window()
    _dosed(window, protocols)

    def check(dialog):
        assert isinstance(dialog, MedicineDialog)
        assert dialog.drug.currentText() == "" and dialog.route.currentText() == ""
        dialog.mg.setValue(4)
        dialog.findChild(QPushButton, "save_medicine").click()
        assert dialog.error_label.text() == "Name the medicine."
    _opened(window, "medication", check)
    assert _entries(window, Kind.MEDICATION) == []


def test_cadss_form_without_wording_says_where_to_set_it_and_scores_start_unrated(
        make_window, protocols):
    window = make_window()
    _dosed(window, protocols)

    def check(dialog):
        assert isinstance(dialog, DissociationDialog)
        dialog.findChild(QPushButton, "show_short_form").click()
        assert dialog.wording_missing.isVisible()
        assert "More… > CADSS item wording…" in dialog.wording_missing.text()
        assert {s.value() for s in dialog.items.values()} == {-1}
        assert dialog.items[1].text() == "not rated"
        for number in CADSS6_ITEMS[:-1]:
            dialog.items[number].setValue(1)
        dialog.findChild(QPushButton, "save_short_form").click()
        assert dialog.error_label.text() == ("Rate every item (0-4) before saving: item 22 "
                                             "not rated yet.")
    _opened(window, "dissociation", check)
    assert _entries(window, Kind.CADSS6) == []


def test_admin_sets_the_wording_and_the_form_shows_it(make_window, contexts, protocols):
    window = make_window()
    action = window.act_cadss
    assert not action.isVisible()  # a clinician cannot change clinic settings
    saved = []

    def fill(dialog):
        assert isinstance(dialog, CadssWordingDialog)
        for number in CADSS6_ITEMS:
            dialog.findChild(QLineEdit, f"cadss_wording_{number}").setText(
                f"Invented wording {number}")
        dialog._on_save_clicked()
        saved.append(dialog.error_label.text())
    window.prompts.answer = fill
    action.trigger()
    assert saved == ["Signed in as a clinician, you cannot change clinic settings."]
    assert window.settings.get("cadss_item_text") is None
    admin = create_account(contexts[-1], "Admin Invented", "admin", "admin", PASSWORD)
    window.settings.set_cadss_wording(admin, {str(n): f"Invented wording {n}"
                                              for n in CADSS6_ITEMS})  # as an admin saves it
    _dosed(window, protocols)

    def check(dialog):
        dialog.findChild(QPushButton, "show_short_form").click()
        assert not dialog.wording_missing.isVisible()
        labels = [w.text() for w in dialog.short_form.findChildren(type(dialog.wording_missing))]
        assert "15. Invented wording 15" in labels
    _opened(window, "dissociation", check)


def test_wording_dialog_refuses_an_empty_item(qtbot):
    stored = []
    dialog = CadssWordingDialog(None, stored.append)
    qtbot.addWidget(dialog)
    for number in CADSS6_ITEMS[1:]:
        dialog.edits[number].setText(f"Words {number}")
    dialog._on_save_clicked()
    assert dialog.error_label.text() == "Enter the wording of CADSS item 1."
    dialog.edits[1].setText("Words 1")
    dialog._on_save_clicked()
    assert stored == [{str(n): f"Words {n}" for n in CADSS6_ITEMS}]
