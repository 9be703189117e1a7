"""Planning a session: patient found or created, course, and the spacing rules."""

from datetime import timedelta

from PySide6.QtWidgets import QMessageBox

from kapdesk.core.session import State
from kapdesk.ui.dialogs import PlanSessionDialog
from tests.ui.conftest import step


def _plan_with(window, fill):
    def answer(dialog):
        assert isinstance(dialog, PlanSessionDialog)
        fill(dialog)
        if dialog.ok_button.isEnabled():
            dialog.ok_button.click()
        else:
            dialog.reject()
        answer.dialog = dialog
    window.prompts.answer = answer
    window.act_plan.trigger()
    return answer.dialog


def test_new_patient_with_details_and_a_new_course(make_window, clock, protocols):
    window = make_window()

    def fill(d):
        d.code_edit.setText("K-500")
        d.name_edit.setText("Rowan Test")
        d.weight_edit.setValue(68.5)
        d.course_box.setCurrentIndex(d.course_box.findData(PlanSessionDialog.NEW_COURSE))
    _plan_with(window, fill)
    patient = window.records.patients.by_code("K-500")
    assert (patient.name, patient.weight_kg) == ("Rowan Test", 68.5)
    (course,) = window.records.patients.courses("K-500")
    assert course.planned_sessions == 6
    assert window.room.session.patient_code == "K-500"


def test_spacing_rules_need_a_reason_which_is_stored(make_window, contexts, clock, protocols):
    window = make_window()
    room = window.room
    assert room.plan("K-600", protocols["im-kap"])
    room.advance(State.PREPARING)
    window.act_dose.trigger()
    window.act_recovery.trigger()
    step(window, clock, 95 * 60, every=60)
    window.act_discharge.trigger()
    window.act_close.trigger()
    clock.advance(timedelta(hours=20).total_seconds())

    def without_reason(d):
        d.code_edit.setText("K-600")
        assert "Only 21 h since the last dose" in d.spacing_label.text()
        assert "No integration session" in d.spacing_label.text()
        assert not d.ok_button.isEnabled()
    _plan_with(window, without_reason)
    assert room.session is None

    def with_reason(d):
        d.code_edit.setText("K-600")
        d.reason_edit.setText("Psychiatrist agreed: travel next week")
    _plan_with(window, with_reason)
    session = room.session
    events = contexts[-1].stores.sessions.events(session.id)
    assert events[0].data["spacing_reason"] == "Psychiatrist agreed: travel next week"
    assert len(events[0].data["spacing_warnings"]) == 2


def test_patient_found_by_name(make_window, clock, contexts):
    window = make_window()
    contexts[-1].stores.patients.save("K-700", window.room.user_id, name="Sky Meadows",
                                      weight_kg=80)

    def fill(d):
        d.code_edit.completer().activated.emit("Sky Meadows (K-700)")
        assert d.patient_code == "K-700"
        assert d.weight_edit.value() == 80
    _plan_with(window, fill)
    assert window.room.session.patient_code == "K-700"


def test_date_of_birth_and_sex_for_the_rems_form(make_window, clock):
    window = make_window()

    def bad(d):
        d.code_edit.setText("K-510")
        d.birth_edit.setText("03/11/1979")
    dialog = _plan_with(window, bad)  # refused in words inside the dialog, which stays open
    assert "Date of birth must be written YYYY-MM-DD" in dialog.error_label.text()
    assert not dialog.error_label.isHidden() and dialog.result() != dialog.DialogCode.Accepted
    assert window.findChild(QMessageBox, "error_message") is None
    assert window.room.session is None

    def fill(d):
        d.code_edit.setText("K-510")
        d.birth_edit.setText("1979-11-03")
        d.sex_box.setCurrentIndex(d.sex_box.findData("female"))
    _plan_with(window, fill)
    patient = window.records.patients.by_code("K-510")
    assert (patient.date_of_birth, patient.sex) == ("1979-11-03", "female")
    seen = {}

    def look(d):
        d.code_edit.setText("K-510")
        seen.update(birth=d.birth_edit.text(), sex=d.sex_box.currentData())
        d.reject()
    window.prompts.answer = look
    window.act_plan.trigger()
    assert seen == {"birth": "1979-11-03", "sex": "female"}
