"""Browsing the history: patients, search, filters, courses and sessions, the timeline
chart and the entries as they stand. Every model passes qtmodeltester."""

from datetime import timedelta

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor

from kapdesk.core.history import EntryLine, PatientRow
from kapdesk.export.timeline_style import DARK
from tests.export.sample_session import AMENDMENT_TEXT, CORRECTION_REASON, PATIENT_NAME
from tests.store.history_sample import QUIET_NAME, TALK_NOTE, write_many_sessions
from tests.ui.history_helpers import (  # noqa: F401  (fixtures)
    Clinic,
    choose_session,
    click_patient,
    clinic_fixture,
    image_stats,
    listed_sessions,
    no_modal_left,
    open_history,
)


def _patients(window) -> list[str]:
    return [p.code for p in window.browse.model.rows()]


def test_patients_are_listed_and_found_by_code_or_name(qtbot, db, clock, clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    assert _patients(window) == ["K-204", "K-205", "K-310"]
    assert window.browse.count_label.text() == "3 patient(s)"
    search = window.browse.filters.search_edit
    qtbot.keyClicks(search, "quietly")
    qtbot.waitUntil(lambda: _patients(window) == ["K-310"])
    row = window.browse.model.object(0)
    assert isinstance(row, PatientRow) and row.name == QUIET_NAME
    search.clear()
    qtbot.keyClicks(search, "k-20")
    qtbot.waitUntil(lambda: _patients(window) == ["K-204", "K-205"])
    assert window.session_panel.report is None  # nothing opens until a patient is chosen


def test_choosing_a_patient_lists_courses_and_sessions_newest_first(qtbot, db, clock,
                                                                    clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    sessions = listed_sessions(window)
    assert [s.session_id for s in sessions] == [
        clinic.second.session_id, clinic.talk_id, clinic.signed.session_id]
    groups = window.tree_model.groups()
    assert len(groups) == 1 and groups[0].course.id == clinic.course_id
    assert groups[0].title.startswith("Course from 2026-03-02 · Intramuscular ketamine (KAP)")
    texts = [[window.tree_model.data(window.tree_model.session_index(s.session_id)
                                     .siblingAtColumn(c)) for c in range(5)]
             for s in sessions]
    assert [t[1:] for t in texts] == [["Dosing #2", "unsigned", "3", "Intramuscular ketamine"],
                                      ["Integration", "closed", "", "Integration session"],
                                      ["Dosing #1", "signed", "3", "Intramuscular ketamine"]]
    # the newest dosing session is open: header, chart and entries
    report = window.session_panel.report
    assert report is not None and report.session_id == clinic.second.session_id
    qtbot.waitUntil(lambda: window.session_panel.timeline.paints > 0)
    header = window.session_panel.header.text()
    assert "K-204" in header and PATIENT_NAME in header and "NOT SIGNED" in header
    assert window.session_panel.sign_button.isVisible()
    assert window.session_panel.export_button.isEnabled()
    assert window.sessions_label.text() == "3 session(s)"
    choose_session(window, clinic.talk_id)
    assert TALK_NOTE in window.session_panel.note_view.toPlainText()
    assert not window.session_panel.sign_button.isVisible()


def test_filters_unsigned_alerts_protocol_and_dates(qtbot, db, clock, clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    filters = window.browse.filters
    click_patient(qtbot, window, "K-204")
    filters.unsigned_check.click()
    assert _patients(window) == ["K-204", "K-205"]
    assert [s.session_id for s in listed_sessions(window)] == [clinic.second.session_id]
    assert window.sessions_label.text() == "1 of 3 sessions match the filters"
    filters.unsigned_check.click()
    filters.alerts_check.click()
    assert _patients(window) == ["K-204", "K-205"]
    assert [s.session_id for s in listed_sessions(window)] == [
        clinic.second.session_id, clinic.signed.session_id]
    filters.alerts_check.click()
    filters.protocol_combo.setCurrentIndex(filters.protocol_combo.findData("esketamine-nasal"))
    assert _patients(window) == ["K-205"]
    assert listed_sessions(window) == []  # K-204 is still open: none of its sessions match
    assert window.session_panel.report is None
    filters.protocol_combo.setCurrentIndex(0)
    day0 = clinic.signed.plays[0].started_at.astimezone().date()
    filters.from_edit.setDate(QDate(day0.year, day0.month, day0.day))
    filters.to_edit.setDate(QDate(day0.year, day0.month, day0.day))
    filters.dates_check.click()
    assert _patients(window) == ["K-204"]
    assert [s.session_id for s in listed_sessions(window)] == [clinic.signed.session_id]
    filters.dates_check.click()
    assert len(listed_sessions(window)) == 3


def test_the_timeline_chart_paints_dark_and_not_blank(qtbot, db, clock, clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    choose_session(window, clinic.signed.session_id)
    chart = window.session_panel.timeline
    with qtbot.waitSignal(chart.painted, timeout=2000) as painted:
        chart.repaint()
    assert painted.args == [clinic.signed.session_id]
    image = chart.grab().toImage()
    assert image.width() > 500 and image.height() > 220
    colours, lightness = image_stats(image)
    assert colours > 20, "the chart looks blank"
    assert lightness < 60, "the chart should be dark"
    assert QColor(image.pixel(2, 2)) == QColor(DARK.background)
    window.session_panel.show_report(None)  # no session: a dark panel with a word
    colours, lightness = image_stats(chart.grab().toImage())
    assert colours >= 2 and lightness < 30


def test_entries_show_corrections_and_amendments_beside_them(qtbot, db, clock,
                                                             clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    choose_session(window, clinic.signed.session_id)
    model = window.session_panel.entries_model
    lines: list[EntryLine] = model.rows()
    marks = {line.text: " · ".join(line.marks) for line in lines}
    corrected = next(t for t, m in marks.items() if CORRECTION_REASON in m)
    assert corrected.startswith("BP 135/88")
    assert marks[corrected].startswith("corrected by Sam Okafor, RN (was: BP 145/88")
    amended = next(t for t, m in marks.items() if m.startswith("amended after sign-off"))
    assert "HR 86" in amended and "Monitor printout shows HR 86" in marks[amended]
    assert f"Note added: {AMENDMENT_TEXT}" in marks
    alert_row = next(line for line in lines if line.alerts)
    assert alert_row.text.startswith("BP 182/112")
    column = [model.data(model.index(r, 2)) for r in range(model.rowCount())]
    assert any(c.startswith("alert: ") for c in column)
    times = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert "T+0" in times and times[0].count(":") == 1  # before the dose: the clock time


def test_every_model_passes_the_model_tester(qtbot, qtmodeltester, db, clock,
                                             clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    choose_session(window, clinic.signed.session_id)
    course = window.course_panel
    models = [window.browse.model, window.tree_model, window.session_panel.entries_model,
              course.doses_model, course.effects_model, course.outcomes_model,
              window.rems.model]
    assert all(m.rowCount() > 0 for m in models if m is not course.outcomes_model)
    for model in models:
        qtmodeltester.check(model, force_py=True)
    window.browse.filters.unsigned_check.click()  # after a reset too
    qtmodeltester.check(window.tree_model, force_py=True)


def test_a_patient_with_100_sessions_lists_them_all(qtbot, db, clock, clinic: Clinic,
                                                   protocols):
    many = write_many_sessions(db, clock, protocols["im-kap"], "K-900", 100,
                               clinic.users["clinician"].id)
    clock.advance(timedelta(hours=1).total_seconds())
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-900")
    assert [s.session_id for s in listed_sessions(window)] == list(reversed(many))
    assert window.session_panel.report.session_id == many[-1]
    qtbot.waitUntil(lambda: window.session_panel.timeline.paints > 0)
    window.browse.filters.unsigned_check.click()
    assert len(listed_sessions(window)) == 34  # every third, from the first
    assert len(window.course_panel.doses_model.rows()) == 100


def test_every_control_is_named_in_plain_words_with_shortcuts(qtbot, db, clock,
                                                            clinic: Clinic):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QHeaderView,
        QLineEdit,
    )

    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-205")
    for tab in (window.session_panel, window.course_panel):
        window.right_tabs.setCurrentWidget(tab)
        kinds = (QAbstractButton, QComboBox, QLineEdit, QAbstractItemView, QAbstractSpinBox)
        controls = [w for kind in kinds for w in window.findChildren(kind)
                    if w.isVisible() and not isinstance(w, QHeaderView)
                    and not isinstance(w.parent(), QAbstractSpinBox)
                    and w.objectName() != "qt_spinbox_lineedit"]
        unnamed = [f"{w.metaObject().className()} {w.objectName()!r} in "
                   f"{w.parent().objectName()!r}" for w in controls
                   if not w.objectName() or not w.accessibleName()]
        assert unnamed == []
    names = {w.accessibleName() for w in window.findChildren(QAbstractButton)}
    assert {"Review and sign the session", "Export the session", "Only unsigned sessions",
            "Only sessions with alerts", "Record an outcome measure",
            "Export the REMS monitoring form", "Print the session note or REMS form",
            "Print the course summary"} <= names
    keys = {a.objectName(): a.shortcut().toString() for a in window.actions()}
    assert keys == {"find_patient": "Ctrl+F", "export_session_action": "Ctrl+E",
                    "sign_session_action": "Ctrl+Shift+S", "close_history": "Ctrl+W",
                    "print_session_action": "Ctrl+P"}
