"""The empty room's lists of planned and unsigned sessions: the patient's code for who may
see records, the session number and protocol only for staff."""

from tests.ui.test_access import _window_as


def _lines(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def test_staff_see_planned_sessions_without_patient_codes(qtbot, data_dir, clock,
                                                          make_window, protocols):
    clinician = make_window()
    assert clinician.room.plan("K-107", protocols["im-kap"])
    sid = clinician.room.session.id
    clinician.close()
    staff = _window_as(qtbot, data_dir, clock, "staff", "riley")
    [line] = _lines(staff.view.empty.planned_list)
    assert line.startswith(f"#{sid}  ·  Intramuscular ketamine (KAP)  ·  ")
    assert "K-107" not in line
    staff.close()
    doctor = _window_as(qtbot, data_dir, clock, "clinician", "cleo")
    [line] = _lines(doctor.view.empty.planned_list)
    assert line.startswith(f"#{sid}  ·  K-107  ·  Intramuscular ketamine (KAP)")
