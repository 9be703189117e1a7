"""Alert rules at and around each threshold. They prompt the clinician; they never diagnose."""

from datetime import UTC, datetime, timedelta

import pytest

from kapdesk.core.alerts import Finding, Reading, Thresholds, evaluate_moaas, evaluate_vitals

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEFAULT = Thresholds()
CALM = {"systolic": 120.0, "diastolic": 76.0, "heart_rate": 72.0, "spo2": 98.0,
        "resp_rate": 14.0}


def after(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def vitals(values: dict, *, dosed: bool = True, baseline: dict | None = None,
           earlier: list[Reading] | None = None, at: datetime | None = None,
           t: Thresholds = DEFAULT) -> list[Finding]:
    return evaluate_vitals(values, at or after(30), dosed=dosed, baseline=baseline,
                           earlier=earlier or [], t=t)


def test_calm_readings_raise_nothing_before_or_after_dosing() -> None:
    assert vitals(CALM, dosed=False) == []
    assert vitals(CALM, baseline=CALM) == []


# -- before dosing ---------------------------------------------------------------------------

@pytest.mark.parametrize(("sys_", "dia", "prompt"), [
    (140, 90, False), (141, 90, True), (140, 91, True), (139, 89, False), (200, 120, True),
])
def test_predose_bp_above_140_90_prompts_to_consider_deferring(sys_: float, dia: float,
                                                                prompt: bool) -> None:
    found = vitals({"systolic": sys_, "diastolic": dia}, dosed=False)
    if not prompt:
        assert found == []
        return
    assert found == [Finding(
        "predose_bp", "prompt",
        f"Blood pressure {sys_}/{dia} is above 140/90 before dosing: consider deferring "
        "the dose.")]


def test_predose_prompt_is_only_before_dosing() -> None:
    found = vitals({"systolic": 150, "diastolic": 95}, dosed=True, baseline=None)
    assert "predose_bp" not in rules(found)
    assert found == []


def test_before_dosing_no_high_bp_or_heart_rate_rules_but_oxygen_and_breathing_still_apply(
        ) -> None:
    found = vitals({"systolic": 190, "diastolic": 115, "heart_rate": 140, "spo2": 89,
                    "resp_rate": 8}, dosed=False)
    assert rules(found) == ["predose_bp", "spo2_hypoxia", "slow_breathing"]


# -- high blood pressure and its confirming reading -----------------------------------------

@pytest.mark.parametrize(("sys_", "dia", "high"), [
    (179, 109, False), (180, 100, True), (170, 110, True), (179.5, 109.5, False),
])
def test_bp_at_or_above_180_or_110_asks_for_a_confirming_reading_in_5_min(
        sys_: float, dia: float, high: bool) -> None:
    found = [f for f in vitals({"systolic": sys_, "diastolic": dia}) if f.rule == "bp_high"]
    if not high:
        assert found == []
        return
    assert found == [Finding(
        "bp_high", "warning",
        f"Blood pressure {sys_:g}/{dia:g} is at or above 180/110: take a confirming reading "
        "in 5 min.", confirm_within_min=5)]


def test_second_high_reading_within_the_window_confirms() -> None:
    first = Reading(after(30), {"systolic": 185.0, "diastolic": 100.0})
    found = vitals({"systolic": 182, "diastolic": 104}, at=after(35), earlier=[first])
    assert found == [Finding("bp_high_confirmed", "urgent",
                             "High blood pressure confirmed: 182/104 after 185/100.")]
    assert found[0].confirm_within_min is None


def test_confirmation_uses_the_latest_earlier_bp_reading() -> None:
    earlier = [Reading(after(25), {"systolic": 190.0, "diastolic": 112.0}),
               Reading(after(30), {"systolic": 150.0, "diastolic": 90.0}),
               Reading(after(32), {"heart_rate": 80.0})]  # no BP: not a candidate
    found = vitals({"systolic": 181, "diastolic": 100}, at=after(35), earlier=earlier)
    assert rules(found) == ["bp_high"]  # the reading just before was normal


@pytest.mark.parametrize(("gap_min", "confirmed"), [
    (5, True), (15, True), (15.5, False), (0, False), (-5, False),
])
def test_confirming_window_edges(gap_min: float, confirmed: bool) -> None:
    first = Reading(after(40) - timedelta(minutes=gap_min),
                    {"systolic": 186.0, "diastolic": 96.0})
    found = vitals({"systolic": 184, "diastolic": 96}, at=after(40), earlier=[first])
    assert rules(found) == (["bp_high_confirmed"] if confirmed else ["bp_high"])


def test_a_normal_reading_after_a_high_one_raises_nothing() -> None:
    first = Reading(after(30), {"systolic": 185.0, "diastolic": 100.0})
    assert vitals({"systolic": 150, "diastolic": 90}, at=after(35), earlier=[first]) == []


# -- rise over baseline -------------------------------------------------------------------

@pytest.mark.parametrize(("sys_", "dia", "rise"), [
    (160, 100, False),  # +40/+25 exactly: not more than
    (161, 100, True), (160, 101, True), (150, 110, True),
])
def test_rise_over_baseline(sys_: float, dia: float, rise: bool) -> None:
    baseline = {"systolic": 120.0, "diastolic": 75.0, "heart_rate": 70.0}
    found = [f for f in vitals({"systolic": sys_, "diastolic": dia}, baseline=baseline)
             if f.rule == "bp_rise"]
    if not rise:
        assert found == []
        return
    assert found == [Finding(
        "bp_rise", "warning",
        f"Blood pressure has risen {sys_ - 120:+g}/{dia - 75:+g} mmHg over the baseline "
        "120/75.")]


def test_rise_needs_a_baseline_with_blood_pressure() -> None:
    high = {"systolic": 175.0, "diastolic": 105.0}
    assert vitals(high, baseline=None) == []
    assert vitals(high, baseline={"spo2": 98.0}) == []
    assert rules(vitals(high, baseline={"systolic": 120.0, "diastolic": 75.0})) == ["bp_rise"]


def test_high_and_risen_are_both_reported() -> None:
    found = vitals({"systolic": 190, "diastolic": 100},
                   baseline={"systolic": 120.0, "diastolic": 80.0})
    assert rules(found) == ["bp_high", "bp_rise"]
    assert found[1].message == ("Blood pressure has risen +70/+20 mmHg over the baseline "
                                "120/80.")


# -- heart rate -----------------------------------------------------------------------------

def test_heart_rate_single_high_is_a_prompt_two_in_a_row_is_sustained() -> None:
    assert vitals({"heart_rate": 120}) == []
    assert vitals({"heart_rate": 121}) == [Finding(
        "hr_high", "prompt", "Heart rate 121/min is above 120: recheck in a few minutes.")]
    earlier = [Reading(after(25), {"heart_rate": 125.0})]
    assert vitals({"heart_rate": 130}, earlier=earlier) == [Finding(
        "hr_sustained", "warning", "Heart rate 130/min is above 120 for two readings in a row.")]


def test_heart_rate_sustained_looks_at_the_last_reading_with_a_heart_rate() -> None:
    earlier = [Reading(after(15), {"heart_rate": 130.0}),
               Reading(after(20), {"heart_rate": 110.0}),
               Reading(after(25), {"spo2": 97.0})]
    assert rules(vitals({"heart_rate": 126}, earlier=earlier)) == ["hr_high"]
    earlier.append(Reading(after(28), {"heart_rate": 121.0}))
    assert rules(vitals({"heart_rate": 126}, earlier=earlier)) == ["hr_sustained"]
    assert rules(vitals({"heart_rate": 120}, earlier=earlier)) == []


# -- oxygen and breathing ---------------------------------------------------------------------

@pytest.mark.parametrize(("spo2", "expected"), [
    (92, []),
    (91.9, [Finding("spo2_low", "warning", "SpO2 91.9% is below 92%.")]),
    (90, [Finding("spo2_low", "warning", "SpO2 90% is below 92%.")]),
    (89, [Finding("spo2_hypoxia", "urgent", "SpO2 89% is below 90%: hypoxia.")]),
])
def test_spo2_warning_below_92_and_hypoxia_below_90(spo2: float, expected: list) -> None:
    assert vitals({"spo2": spo2}) == expected
    assert vitals({"spo2": spo2}, dosed=False) == expected


@pytest.mark.parametrize(("rr", "slow"), [(10, False), (9, True), (9.5, True), (2, True)])
def test_respiratory_rate_below_10_is_slow_breathing(rr: float, slow: bool) -> None:
    expected = [Finding("slow_breathing", "urgent",
                        f"Respiratory rate {rr:g}/min is below 10: slow breathing.")]
    assert vitals({"resp_rate": rr}) == (expected if slow else [])


# -- sedation -------------------------------------------------------------------------------

def test_moaas_flags_3_and_below_and_0_is_an_emergency() -> None:
    assert evaluate_moaas(5, DEFAULT) == []
    assert evaluate_moaas(4, DEFAULT) == []
    for score in (3, 2, 1):
        assert evaluate_moaas(score, DEFAULT) == [Finding(
            "moaas_low", "warning",
            f"MOAA/S {score}: deeper sedation than expected; watch breathing.")]
    assert evaluate_moaas(0, DEFAULT) == [Finding(
        "moaas_unresponsive", "emergency", "MOAA/S 0: no answer to a painful squeeze. Emergency.")]
    assert evaluate_moaas(4, Thresholds(moaas_flag=4))[0].rule == "moaas_low"


# -- clinic-edited thresholds -------------------------------------------------------------------

def test_thresholds_from_dict_overrides_known_keys_and_ignores_unknown() -> None:
    t = Thresholds.from_dict({"systolic_high": 170, "confirm_minutes": 10, "colour": "red",
                              "spo2_low": 94})
    assert (t.systolic_high, t.confirm_minutes, t.spo2_low) == (170, 10, 94)
    assert t.diastolic_high == 110 and t.heart_rate_high == 120
    assert not hasattr(t, "colour")
    assert Thresholds.from_dict(None) == DEFAULT
    assert Thresholds.from_dict({}) == DEFAULT
    assert Thresholds.from_dict(DEFAULT.to_dict()) == DEFAULT
    assert DEFAULT.to_dict()["predose_systolic"] == 140


def test_edited_thresholds_change_the_rules_and_the_words() -> None:
    t = Thresholds.from_dict({"systolic_high": 170, "confirm_minutes": 10,
                              "predose_systolic": 130, "resp_rate_low": 8})
    found = vitals({"systolic": 171, "diastolic": 90}, t=t)
    assert found == [Finding(
        "bp_high", "warning", "Blood pressure 171/90 is at or above 170/110: take a confirming "
        "reading in 10 min.", confirm_within_min=10)]
    # the window grows with confirm_minutes: 25 min later still confirms (3 x 10 min)
    first = Reading(after(5), {"systolic": 175.0, "diastolic": 90.0})
    assert rules(vitals({"systolic": 171, "diastolic": 90}, earlier=[first], t=t)) == [
        "bp_high_confirmed"]
    assert rules(vitals({"systolic": 131, "diastolic": 80}, dosed=False, t=t)) == ["predose_bp"]
    assert vitals({"resp_rate": 9}, t=t) == []
