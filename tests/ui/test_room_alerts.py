"""Alerts in the room have weight without flashing: the alert colour, an icon and the
severity in words; they stay until someone acknowledges them, and who and when is stored."""

from PySide6.QtWidgets import QApplication, QPushButton

from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.ui.theme import DARK, NIGHT, contrast
from tests.ui.conftest import step


def _dosed(window, protocols, clock):
    room = window.room
    room.plan("K-77", protocols["im-kap"])
    room.advance(State.PREPARING)
    window.act_dose.trigger()
    step(window, clock, 20 * 60, every=60)


def _rows(window):
    QApplication.processEvents()
    return window.view.alerts.rows


def test_an_alert_is_coloured_has_an_icon_and_says_how_serious(make_window, clock,
                                                               protocols):
    window = make_window()
    _dosed(window, protocols, clock)
    window.records.record(Kind.VITALS, {"systolic": 190, "diastolic": 115, "spo2": 88})
    rows = _rows(window)
    assert [r.alert.severity for r in rows] == ["urgent", "warning"]  # the worst first
    urgent, warning = rows
    assert urgent.isVisible() and window.view.alerts_area.isVisible()
    assert urgent.severity_label.text().startswith("URGENT")
    assert warning.severity_label.text().startswith("WARNING")
    assert "190/115" in warning.text_label.text()
    assert not urgent.icon.pixmap().isNull()
    assert urgent.accessibleName().startswith("Urgent alert: SpO2 88%")
    image = urgent.grab().toImage()
    edge = image.pixelColor(2, image.height() // 2).name()  # the thick left border
    assert contrast(edge, DARK.window) >= 3 and edge != DARK.panel
    icon = urgent.icon.grab().toImage()
    inked = {icon.pixelColor(x, y).name() for x in range(icon.width())
             for y in range(icon.height())}
    assert any(contrast(c, DARK.urgent_bg) >= 3 for c in inked), "the icon cannot be seen"


def test_an_alert_stays_steady_until_acknowledged_and_keeps_who_and_when(
        make_window, clock, protocols, qtbot):
    window = make_window()
    _dosed(window, protocols, clock)
    window.records.record(Kind.VITALS, {"systolic": 190, "diastolic": 115})
    qtbot.wait(50)
    [row] = _rows(window)
    first = row.grab().toImage()
    step(window, clock, 30 * 60, every=60)  # half an hour on: still there, unchanged
    qtbot.wait(300)
    [still] = _rows(window)
    assert still.alert.id == row.alert.id
    assert still.grab().toImage() == first, "an alert must not flash or change by itself"
    clock.advance(7)
    when = clock.now()
    still.findChild(QPushButton, "acknowledge_alert").click()
    assert _rows(window) == []
    session = window.room.session
    [stored] = window.records.records.alerts(session.id)
    assert stored.acknowledged_at == when
    assert stored.acknowledged_by == window.room.user_id
    assert stored.acknowledged_by_name == "Clinician"


def test_many_alerts_all_stay_open_in_sight_of_the_room(make_window, clock, protocols):
    window = make_window()
    _dosed(window, protocols, clock)
    for n in range(3):
        window.records.record(Kind.VITALS, {"systolic": 185 + n, "diastolic": 112,
                                            "heart_rate": 125, "spo2": 89})
        step(window, clock, 60)
    rows = _rows(window)
    open_ids = {a.id for a in window.records.open_alerts()}
    assert len(open_ids) > 4 and {r.alert.id for r in rows} == open_ids  # none dropped
    area = window.view.alerts_area
    assert area.isVisible()
    top = rows[0]
    assert top.visibleRegion().boundingRect() == top.rect(), "the worst alert is in sight"


def test_the_night_level_keeps_alerts_readable(make_window, clock, protocols):
    window = make_window()
    window.set_theme("night")
    _dosed(window, protocols, clock)
    window.records.record(Kind.VITALS, {"systolic": 190, "diastolic": 115})
    [row] = _rows(window)
    assert row.palette().color(row.text_label.foregroundRole()).name() == NIGHT.text
    assert contrast(NIGHT.text, NIGHT.alert_bg) >= 4.5
    window.set_theme("dark")
