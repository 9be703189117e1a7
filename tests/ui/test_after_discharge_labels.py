"""Found by the end-to-end session: after an early discharge the room still counted the
phase down ("Peak · 4:57 left in phase") and the monitoring on ("7 min to go") beside its
stopped clock and "Discharged at T+0:01"."""

from kapdesk.core.session import State
from tests.ui.conftest import ScriptedPrompts, step


def test_after_an_early_discharge_nothing_counts_down(make_window, clock, protocols):
    prompts = ScriptedPrompts()
    prompts.text = "Escort here early, patient alert"  # the reasons asked (dose, discharge)
    window = make_window(prompts=prompts)
    assert window.room.plan("K-516", protocols["im-kap"])
    assert window.room.advance(State.PREPARING)
    window.act_dose.trigger()
    step(window, clock, 20 * 60, every=60)  # T+20, in the peak; 90 min minimum monitoring
    window.act_recovery.trigger()
    window.act_discharge.trigger()
    assert window.room.session.state is State.DISCHARGED
    view = window.view
    assert view.next_label.text() == "Discharged at T+0:20"
    step(window, clock, 3 * 60, every=60)
    assert view.phase_label.text() == "Peak"
    assert view.monitoring_label.text() == "Monitored 20 min (at least 90 min asked)"
