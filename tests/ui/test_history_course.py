"""The course view: doses with their spacing, dissociation and side effects, integration
notes, and outcome measures entered item by item and shown as trends."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog

from kapdesk.core.outcomes import Instrument
from kapdesk.store.audit import AuditTrail
from kapdesk.ui.history.charts import BAND_SHADES
from kapdesk.ui.history.dialogs import OutcomeDialog
from tests.store.history_sample import TALK_NOTE
from tests.ui.history_helpers import (  # noqa: F401  (fixtures)
    Answers,
    Clinic,
    click_patient,
    clinic_fixture,
    image_stats,
    no_modal_left,
    open_history,
)


def test_the_course_view_shows_doses_spacing_effects_and_talks(qtbot, db, clock,
                                                               clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    window.right_tabs.setCurrentWidget(window.course_panel)
    course = window.course_panel
    assert course.summary.text().startswith("K-204 Morgan Testperson · 1 course(s) · "
                                            "2 dose(s) given of 6 planned · 1 integration")
    doses = course.doses_model
    assert [d.session_id for d in doses.rows()] == [clinic.second.session_id,
                                                    clinic.signed.session_id]
    cells = [[doses.data(doses.index(r, c)) for c in range(1, 5)]
             for r in range(doses.rowCount())]
    assert cells[1] == ["70 mg", "first", "1", ""]
    gap = doses.rows()[0].hours_since_previous
    assert 48 < gap < 72 and cells[0][1] == f"{gap:.0f} h" and cells[0][3] == "yes"
    effects = course.effects_model
    row = [effects.data(effects.index(1, c)) for c in range(effects.columnCount())]
    assert row[1:] == ["1", "70 mg", "3", "moderate", "Nausea (mild)", "3"]
    tone = effects.data(effects.index(1, 3), Qt.ItemDataRole.ForegroundRole)
    assert tone == QColor(window.theme.alert)  # MOAA/S <= 3 stands out
    assert TALK_NOTE in course.notes_view.toPlainText()
    assert course.outcome_note.text() == "No outcome measures recorded yet."


def _fill(instrument: Instrument, items: list[int | None], days_ago: float = 0):
    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, OutcomeDialog)
        dialog.choose(instrument)
        assert len(dialog.item_spins) == len(items)
        dialog.set_items(items)
        answer.total = dialog.total_label.text()
        if days_ago:
            dialog.taken_edit.setDateTime(dialog.taken_edit.dateTime().addSecs(
                -int(days_ago * 86400)))
        dialog.save_button.click()
        answer.error = dialog.error_label.text() if dialog.error_label.isVisibleTo(
            dialog) else ""
        answer.accepted = dialog.result() == QDialog.DialogCode.Accepted
        if not answer.accepted:
            dialog.reject()
    return answer


def test_an_outcome_measure_is_scored_as_typed_and_drawn_as_a_trend(qtbot, db, clock,
                                                                    clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    course = window.course_panel
    window.right_tabs.setCurrentWidget(course)
    partial = _fill(Instrument.PHQ9, [2, 2, 1, 1, 2, 1, 1, 2, None])
    window.prompts.expect(partial)
    course.record_button.click()
    assert partial.total == ("Total so far 12 / 27; 1 item(s) still to score (0-3).")
    assert partial.error.startswith("PHQ-9 item 9 has no score") and not partial.accepted
    first = _fill(Instrument.PHQ9, [3, 3, 2, 2, 2, 2, 2, 2, 0], days_ago=14)
    second = _fill(Instrument.PHQ9, [2, 2, 1, 1, 2, 1, 1, 2, 0])
    window.prompts.expect(first)
    course.record_button.click()
    window.prompts.expect(second)
    course.record_button.click()
    assert first.total == "Total 18 / 27: moderately severe."
    assert second.total == "Total 12 / 27: moderate." and second.accepted
    chart = course.charts[Instrument.PHQ9]
    assert [m.total for m in chart.points] == [18, 12]
    assert chart.accessibleDescription() == "2 measure(s); latest PHQ-9 12 / 27: moderate"
    table = course.outcomes_model
    assert [table.data(table.index(r, 2)) for r in range(table.rowCount())] == ["12 / 27",
                                                                              "18 / 27"]
    assert window.status.text() == "Saved PHQ-9 12 / 27: moderate."
    assert [r["action"] for r in AuditTrail(db, clock).rows("outcome_measure")] == [
        "record", "record"]
    image = chart.grab().toImage()
    colours, lightness = image_stats(image, 2)
    assert colours > 8 and lightness < 60
    shades = {QColor(s).rgb() for s in BAND_SHADES}
    seen = {image.pixel(x, y) for y in range(image.height()) for x in range(image.width())}
    assert len(shades & seen) == len(BAND_SHADES)  # every PHQ-9 band is shaded


def test_pcl5_and_a_safety_prompt_are_said_without_a_diagnosis(qtbot, db, clock,
                                                                clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-205")
    course = window.course_panel
    pcl = _fill(Instrument.PCL5, [2] * 17 + [0, 0, 0])
    phq = _fill(Instrument.PHQ9, [1, 1, 1, 1, 1, 0, 0, 0, 1])
    window.prompts.expect(pcl)
    course.record_button.click()
    window.prompts.expect(phq)
    course.record_button.click()
    assert pcl.total == ("Total 34 / 80: at or above the usual screening cut-point (33).  "
                         "A screening figure, not a diagnosis.")
    assert "Item 9 scored 1: follow up as the clinic's safety procedure asks." in phq.total
    assert course.outcome_note.text().startswith("Latest PHQ-9 (")
    assert course.outcome_note.property("role") == "alert"


def test_a_future_date_is_refused_inside_the_dialog(qtbot, db, clock, clinic: Clinic):
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    future = _fill(Instrument.GAD7, [1] * 7, days_ago=-2)
    window.prompts.expect(future)
    window.course_panel.record_button.click()
    assert "is in the future" in future.error and not future.accepted
    assert window.course_panel.outcomes_model.rows() == []
