"""The parts that keep the room on its screen: eliding labels, wrapping button rows, the
clock that takes the space left, the preparation list that shows every item."""

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

from kapdesk.core.session import State
from kapdesk.ui.screen_fit import first_geometry
from kapdesk.ui.widgets.elided_label import ElidedLabel
from kapdesk.ui.widgets.fit_clock import MAX_PX, MIN_PX, FitClock, fitting_px
from kapdesk.ui.widgets.reflow_row import ReflowRow

LONG = "♪ " + "A Very Long Title of a Track " * 12


def test_an_eliding_label_never_asks_for_more_room_and_tells_the_whole_text(qtbot):
    label = ElidedLabel("Short")
    qtbot.addWidget(label)
    label.ensurePolished()  # the font the application's stylesheet gives it
    short_min = label.minimumSizeHint()
    label.setText(LONG)
    assert label.minimumSizeHint() == short_min, "the least size must not grow with the text"
    assert label.sizeHint().width() <= label.fontMetrics().averageCharWidth() * 48
    label.resize(300, label.sizeHint().height())
    label.show()
    QApplication.processEvents()
    assert label.elided and label.toolTip() == LONG and label.text() == LONG
    label.resize(label.fontMetrics().horizontalAdvance(LONG) + 20, label.height())
    QApplication.processEvents()
    assert not label.elided and label.toolTip() == ""


def test_a_row_of_buttons_wraps_instead_of_widening_the_window(qtbot):
    buttons = [QPushButton(f"Button number {n}") for n in range(6)]
    row = ReflowRow(buttons)
    holder = QWidget()  # as in the room: the row inside a layout
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(row)
    one_row = row.width_for(6)
    assert row.minimumSizeHint().width() <= max(b.sizeHint().width() for b in buttons)
    holder.resize(one_row, 200)
    holder.show()
    QApplication.processEvents()
    assert row.rows() == 1
    holder.resize(one_row // 2, 200)
    QApplication.processEvents()
    assert holder.minimumSizeHint().width() <= one_row // 2
    assert row.rows() >= 2 and all(row.rect().contains(b.geometry()) for b in buttons)
    buttons[5].hide()
    QApplication.processEvents()
    assert row.columns_for(10_000) == 5  # a hidden control takes no place


def test_the_clock_takes_the_space_it_is_given_within_its_floor_and_ceiling(qtbot):
    clock = FitClock()
    qtbot.addWidget(clock)
    clock.setText("0:30:40")
    assert fitting_px(10, 10, clock.font()) == MIN_PX
    assert fitting_px(10_000, 10_000, clock.font()) == MAX_PX
    holder = QWidget()
    qtbot.addWidget(holder)
    QVBoxLayout(holder).addWidget(clock)
    holder.resize(900, 300)
    holder.show()
    QApplication.processEvents()
    big = clock.pixel_size
    holder.resize(900, 120)
    QApplication.processEvents()
    assert MIN_PX <= clock.pixel_size < big
    assert clock.fontMetrics().height() <= max(clock.height(), clock.minimumSizeHint().height())


def test_the_first_window_is_never_larger_than_the_screen():
    small = first_geometry(QRect(0, 0, 1280, 720))
    assert small.width() <= 1280 - 16 and small.height() <= 720 - 48
    assert QRect(0, 0, 1280, 720).contains(small)
    big = first_geometry(QRect(0, 0, 1920, 1080))
    assert (big.width(), big.height()) == (1366, 768)
    assert big.center() == QRect(0, 0, 1920, 1080).center()


def test_the_preparation_list_shows_every_item(make_window, protocols):
    window = make_window()
    window.room.plan("K-88", protocols["im-kap"])
    window.room.advance(State.PREPARING)
    QApplication.processEvents()
    listed = window.view.prep_list
    assert listed.isVisible() and listed.count() == len(protocols["im-kap"].preparation)
    viewport = listed.viewport().rect()
    for i in range(listed.count()):
        assert viewport.contains(listed.visualItemRect(listed.item(i))), f"item {i} cut off"
    assert not listed.verticalScrollBar().isVisible()


def test_the_clock_caption_goes_where_it_costs_the_digits_least_and_never_over_them(qtbot):
    clock = FitClock()
    qtbot.addWidget(clock)
    clock.setText("0:30:40")
    clock.set_caption("SINCE DOSE")
    assert clock.accessibleDescription() == "Since dose"
    clock.show()
    for (width, height), above in (((760, 400), True), ((900, 110), False),
                                   ((420, 90), False)):
        clock.resize(width, height)
        QApplication.processEvents()
        digits, caption = clock.rects()
        assert clock.caption_above is above, (width, height)
        assert not digits.intersects(caption), (width, height, digits, caption)
        assert clock.contentsRect().contains(caption), (width, height)
        shown = QRect(0, 0, max(width, clock.minimumSizeHint().width()),
                      max(height, clock.minimumSizeHint().height()))
        assert shown.contains(digits), (width, height)
    image = clock.grab(caption).toImage()  # the caption is drawn where it says
    lit = [image.pixelColor(x, y).lightness() for x in range(image.width())
           for y in range(image.height())]
    assert max(lit) > min(lit) + 40


def _tight_room(make_window, protocols, qtbot, size=(853, 440)):  # type: ignore[no-untyped-def]
    from kapdesk.core.observations import Kind

    window = make_window()
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    room = window.room
    assert room.plan("K-89", protocols["im-kap"]) and room.advance(State.PREPARING)
    window.act_dose.trigger()
    window.records.record(Kind.VITALS, {"systolic": 190, "diastolic": 115,
                                       "heart_rate": 128, "spo2": 88})
    QApplication.processEvents()
    return window


def test_a_room_of_150_percent_on_720_lines_takes_the_tight_sizes_and_does_not_scroll(
        make_window, protocols, qtbot):
    window = _tight_room(make_window, protocols, qtbot)
    view = window.view
    assert view.property("density") == "tight"
    assert not view.body_scroll.scrolls(), (view.body_scroll.needed_height(
        view.body_scroll.viewport().width()), view.body_scroll.viewport().height())
    assert view.body_scroll.widget().layout().indexOf(view.record_buttons) >= 0  # full width
    assert view.record_buttons.findChild(ReflowRow).rows() == 1
    assert view.music_bar.play_button.text() in ("Play  (P)", "Pause  (P)")
    assert view.music_bar.phase_button.accessibleName() == "Move to the next phase's music"
    window.resize(1366, 740)  # a big window again: the full sizes and words come back
    QApplication.processEvents()
    assert view.property("density") == ""
    assert view.body_scroll.widget().layout().indexOf(view.record_buttons) < 0
    assert view.music_bar.play_button.text() in ("Play music  (P)", "Pause music  (P)")


def test_the_toolbar_keeps_every_step_on_it_with_short_words_when_small(make_window,
                                                                       protocols, qtbot):
    from PySide6.QtWidgets import QToolButton

    window = _tight_room(make_window, protocols, qtbot)
    bar, fit = window.toolbar, window.toolbar_fit
    assert fit.compact
    assert window.access.button.text() == "Clinician  (clinician)"  # short: kept whole
    arrow = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert arrow is None or not arrow.isVisible(), "a step is hidden in the overflow arrow"
    assert window.act_prepare.iconText() == "Prepare"
    assert window.act_prepare.text() == "Start preparing"  # the menus and tooltips keep it
    assert bar.widgetForAction(window.act_prepare).accessibleName() == "Start preparing"
    window.resize(1600, 900)
    QApplication.processEvents()
    assert not fit.compact and window.act_prepare.iconText() == "Start preparing"


def test_a_long_user_name_is_shortened_on_the_toolbar_with_the_whole_in_its_tooltip(
        make_window, contexts):
    from tests.ui.conftest import ScriptedPrompts

    prompts = ScriptedPrompts()
    window = make_window(prompts=prompts)
    contexts[-1].stores.accounts.create("Dr Alexandrina Montgomery-Featherstonehaugh", "alex",
                                        "clinician", "alex-password-1", None)

    def sign_in(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.username_edit.setText("alex")
        dialog.password_edit.setText("alex-password-1")
        dialog.ok_button.click()

    prompts.answer = sign_in
    assert window.access.switch_user()
    button = window.access.button
    assert len(button.text()) < 40 and button.text().endswith("…  (clinician)")
    assert "Dr Alexandrina Montgomery-Featherstonehaugh" in button.toolTip()
    whole = button.text()
    window.show()
    window.resize(853, 440)  # a small screen: the compact toolbar shortens it further
    QApplication.processEvents()
    from kapdesk.ui.toolbar_fit import WIDGET_MAX_PX

    assert window.toolbar_fit.compact and button.text().endswith("…  (clinician)")
    assert button.sizeHint().width() <= WIDGET_MAX_PX + 2 and len(button.text()) < len(whole)
    window.resize(1600, 900)
    QApplication.processEvents()
    assert button.text() == whole
