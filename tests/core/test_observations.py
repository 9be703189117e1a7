"""What the clinician records: every kind checked, each refusal naming the field and range."""

import math

import pytest

from kapdesk.core.errors import ValidationError
from kapdesk.core.observations import (
    CADSS6_ITEMS,
    MOAAS_LEVELS,
    RASS_LEVELS,
    SEVERITIES,
    VITAL_RANGES,
    Kind,
    check_values,
    check_vitals,
    describe,
    mg_per_kg,
)


def refused(kind: Kind, values: dict) -> str:
    with pytest.raises(ValidationError) as info:
        check_values(kind, values)
    return str(info.value)


# -- vitals ------------------------------------------------------------------------------

FULL = {"systolic": 124, "diastolic": 78, "heart_rate": 72, "spo2": 98, "resp_rate": 14}


def test_full_set_of_vitals_is_accepted_as_floats() -> None:
    clean = check_vitals(FULL)
    assert clean == {"systolic": 124.0, "diastolic": 78.0, "heart_rate": 72.0, "spo2": 98.0,
                     "resp_rate": 14.0}
    assert all(type(v) is float for v in clean.values())
    assert check_values(Kind.VITALS, FULL) == clean


@pytest.mark.parametrize(("field", "label", "low", "high", "unit"), [
    ("systolic", "Systolic blood pressure", 50, 300, "mmHg"),
    ("diastolic", "Diastolic blood pressure", 20, 200, "mmHg"),
    ("heart_rate", "Heart rate", 20, 250, "/min"),
    ("spo2", "SpO2", 50, 100, "%"),
    ("resp_rate", "Respiratory rate", 2, 60, "/min"),
])
def test_each_vital_range_bounds_are_inclusive_and_refusals_name_field_and_range(
        field: str, label: str, low: float, high: float, unit: str) -> None:
    assert (VITAL_RANGES[field].low, VITAL_RANGES[field].high) == (low, high)

    def reading(value: float) -> dict:
        if field == "systolic":  # keep the pair valid apart from the value under test
            return {"systolic": value, "diastolic": 20}
        if field == "diastolic":
            return {"systolic": 300, "diastolic": value}
        return {field: value}

    for ok in (low, high):
        if field == "diastolic" and ok == 300:
            continue
        assert check_vitals(reading(ok))[field] == float(ok)
    for bad in (low - 1, high + 1, low - 0.5, high + 0.5):
        with pytest.raises(ValidationError) as info:
            check_vitals(reading(bad))
        assert str(info.value) == (
            f"{label} {bad:g} {unit} is outside the plausible range {low}-{high} {unit}: "
            "please check the reading.")


def test_systolic_typo_message_reads_in_words() -> None:
    assert refused(Kind.VITALS, {"systolic": 1240, "diastolic": 78}) == (
        "Systolic blood pressure 1240 mmHg is outside the plausible range 50-300 mmHg: "
        "please check the reading.")
    assert refused(Kind.VITALS, {"spo2": 100.5}) == (
        "SpO2 100.5 % is outside the plausible range 50-100 %: please check the reading.")


@pytest.mark.parametrize("bad", ["120", None, True, False, [120], math.nan, math.inf])
def test_a_reading_that_is_not_a_number_is_refused(bad: object) -> None:
    if bad is None:  # None means "not taken": only refused when it is the only reading
        assert refused(Kind.VITALS, {"heart_rate": bad}) == "Enter at least one reading."
        return
    message = refused(Kind.VITALS, {"heart_rate": bad})
    assert message.startswith("Heart rate ")
    if isinstance(bad, float):
        assert "outside the plausible range 20-250 /min" in message
    else:
        assert message == "Heart rate must be a number (/min)."


def test_diastolic_must_be_below_systolic() -> None:
    assert refused(Kind.VITALS, {"systolic": 120, "diastolic": 120}) == (
        "Diastolic 120 mmHg must be below systolic 120 mmHg: please check the reading.")
    assert refused(Kind.VITALS, {"systolic": 80, "diastolic": 95.5}) == (
        "Diastolic 95.5 mmHg must be below systolic 80 mmHg: please check the reading.")
    assert check_vitals({"systolic": 121, "diastolic": 120}) == {"systolic": 121.0,
                                                                  "diastolic": 120.0}


def test_partial_vitals_are_allowed_but_blood_pressure_needs_both() -> None:
    assert check_vitals({"spo2": 97}) == {"spo2": 97.0}
    assert check_vitals({"heart_rate": 88, "resp_rate": 12, "spo2": None}) == {
        "heart_rate": 88.0, "resp_rate": 12.0}
    for half in ({"systolic": 130}, {"diastolic": 80}, {"systolic": 130, "diastolic": None},
                 {"systolic": None, "diastolic": 80, "spo2": 97}):
        assert refused(Kind.VITALS, half) == "Blood pressure needs both systolic and diastolic."


def test_no_reading_or_unknown_vital_is_refused() -> None:
    assert refused(Kind.VITALS, {}) == "Enter at least one reading."
    assert refused(Kind.VITALS, {"systolic": None, "diastolic": None}) == (
        "Enter at least one reading.")
    assert refused(Kind.VITALS, {"temperature": 37, "spo2": 97}) == (
        "Unknown vital sign 'temperature'.")


# -- ratings -------------------------------------------------------------------------------

def test_moaas_accepts_0_to_5_and_refuses_the_rest() -> None:
    for score in range(6):
        assert check_values(Kind.MOAAS, {"score": score}) == {"score": score}
    for bad in (-1, 6, 2.5, "3", None, True):
        assert refused(Kind.MOAAS, {"score": bad}) == (
            f"MOAA/S must be one of 5, 4, 3, 2, 1, 0, not {bad!r}.")
    assert refused(Kind.MOAAS, {}) == "MOAA/S must be one of 5, 4, 3, 2, 1, 0, not None."


def test_rass_accepts_minus_5_to_plus_4() -> None:
    for score in range(-5, 5):
        assert check_values(Kind.RASS, {"score": score}) == {"score": score}
    for bad in (-6, 5, "0", False):
        message = refused(Kind.RASS, {"score": bad})
        assert message == f"RASS must be one of 4, 3, 2, 1, 0, -1, -2, -3, -4, -5, not {bad!r}."


def test_a_whole_number_given_as_float_is_stored_as_the_level() -> None:
    assert check_values(Kind.MOAAS, {"score": 3.0}) == {"score": 3}
    clean = check_values(Kind.RASS, {"score": -2.0})
    assert clean == {"score": -2} and type(clean["score"]) is int
    assert describe(Kind.RASS, clean) == "RASS -2: Light sedation (wakes to voice < 10 s)"


def test_an_unhashable_rating_is_refused_in_words() -> None:
    assert refused(Kind.MOAAS, {"score": [3]}) == (
        "MOAA/S must be one of 5, 4, 3, 2, 1, 0, not [3].")


def test_dissociation_global_rating_uses_the_four_severities() -> None:
    assert SEVERITIES == ("none", "mild", "moderate", "severe")
    for severity in SEVERITIES:
        assert check_values(Kind.DISSOCIATION, {"severity": severity}) == {"severity": severity}
    assert refused(Kind.DISSOCIATION, {"severity": "Severe"}) == (
        "Dissociation must be one of none, mild, moderate, severe, not 'Severe'.")


def test_cadss6_scores_the_six_items_and_totals_them() -> None:
    assert CADSS6_ITEMS == (1, 2, 6, 7, 15, 22)
    clean = check_values(Kind.CADSS6, {"items": {1: 0, 2: 1, 6: 2, 7: 3, 15: 4, "22": 4}})
    assert clean == {"items": {"1": 0, "2": 1, "6": 2, "7": 3, "15": 4, "22": 4}, "total": 14}
    top = check_values(Kind.CADSS6, {"items": dict.fromkeys(CADSS6_ITEMS, 4)})
    assert top["total"] == 24
    assert describe(Kind.CADSS6, top) == "CADSS-6 total 24 / 24"


@pytest.mark.parametrize("items", [
    {1: 0, 2: 0, 6: 0, 7: 0, 15: 0},  # one missing
    {1: 0, 2: 0, 6: 0, 7: 0, 15: 0, 22: 0, 23: 0},  # one too many
    {1: 0, 2: 0, 3: 0, 7: 0, 15: 0, 22: 0},  # the wrong one
    {"one": 0, 2: 0, 6: 0, 7: 0, 15: 0, 22: 0},  # not a number
    [0, 0, 0, 0, 0, 0],
])
def test_cadss6_needs_exactly_its_items(items: object) -> None:
    assert refused(Kind.CADSS6, {"items": items}) == (
        "The CADSS short form needs items 1, 2, 6, 7, 15 and 22.")
    assert refused(Kind.CADSS6, {}) == "The CADSS short form needs items 1, 2, 6, 7, 15 and 22."


@pytest.mark.parametrize("bad", [-1, 5, 2.5, "2", True])
def test_cadss6_item_scores_are_0_to_4(bad: object) -> None:
    items = dict.fromkeys(CADSS6_ITEMS, 1) | {7: bad}
    assert refused(Kind.CADSS6, {"items": items}) == (
        f"CADSS item 7 must be one of 0, 1, 2, 3, 4, not {bad!r}.")


# -- side effects, medicines, doses ----------------------------------------------------------

def test_side_effect_needs_a_name_and_a_severity() -> None:
    assert check_values(Kind.SIDE_EFFECT, {"name": "  Nausea ", "severity": "mild"}) == {
        "name": "Nausea", "severity": "mild"}
    assert refused(Kind.SIDE_EFFECT, {"name": "   ", "severity": "mild"}) == (
        "Name the side effect.")
    assert refused(Kind.SIDE_EFFECT, {"severity": "mild"}) == "Name the side effect."
    assert refused(Kind.SIDE_EFFECT, {"name": "Nausea", "severity": "awful"}) == (
        "Severity must be one of none, mild, moderate, severe, not 'awful'.")
    assert refused(Kind.SIDE_EFFECT, {"name": "Nausea"}) == (
        "Severity must be one of none, mild, moderate, severe, not None.")


def test_medication_dose_limits() -> None:
    assert check_values(Kind.MEDICATION, {"drug": " Ondansetron ", "dose_mg": 4,
                                          "route": " oral "}) == {
        "drug": "Ondansetron", "dose_mg": 4.0, "route": "oral"}
    assert check_values(Kind.MEDICATION, {"drug": "X", "dose_mg": 2000})["dose_mg"] == 2000.0
    assert check_values(Kind.MEDICATION, {"drug": "X", "dose_mg": 0.001})["dose_mg"] == 0.001
    for bad in (0, -4, 2000.5, "4", None, True, math.nan):
        assert refused(Kind.MEDICATION, {"drug": "Ondansetron", "dose_mg": bad}) == (
            "Dose of Ondansetron must be more than 0 and at most 2000 mg.")
    assert refused(Kind.MEDICATION, {"drug": " ", "dose_mg": 4}) == "Name the medicine."


def test_dose_keeps_route_lot_and_device() -> None:
    clean = check_values(Kind.DOSE, {"drug": "esketamine", "dose_mg": 28, "route": "nasal",
                                     "lot": " L-77 ", "device": 2})
    assert clean == {"drug": "esketamine", "dose_mg": 28.0, "route": "nasal", "lot": "L-77",
                     "device": 2}
    plain = check_values(Kind.DOSE, {"drug": "ketamine", "dose_mg": 50})
    assert plain == {"drug": "ketamine", "dose_mg": 50.0, "route": "", "lot": ""}
    assert refused(Kind.DOSE, {"drug": "ketamine", "dose_mg": 5000}) == (
        "Dose of ketamine must be more than 0 and at most 2000 mg.")


def test_checklists_and_notes() -> None:
    clean = check_values(Kind.DISCHARGE, {"items": {"escort": 1, "no driving": 0},
                                          "comment": 5})
    assert clean == {"items": {"escort": True, "no driving": False}, "comment": "5"}
    assert check_values(Kind.SCREENING, {"items": {"consent": True}}) == {
        "items": {"consent": True}}
    for kind in (Kind.SCREENING, Kind.DISCHARGE):
        assert refused(kind, {"items": {}}) == "A checklist needs its items."
        assert refused(kind, {"items": ["escort"]}) == "A checklist needs its items."
    assert check_values(Kind.NOTE, {"text": "late entry"}) == {"text": "late entry"}
    assert check_values(Kind.NOTE, {}) == {"text": ""}


# -- describe and mg/kg --------------------------------------------------------------------

def test_describe_lines() -> None:
    assert describe(Kind.VITALS, check_vitals(FULL)) == "BP 124/78  HR 72  SpO2 98%  RR 14"
    assert describe(Kind.VITALS, {"spo2": 91.5}) == "SpO2 91.5%"
    assert describe(Kind.VITALS, {"heart_rate": 130.0, "resp_rate": 8.0}) == "HR 130  RR 8"
    for score, words in MOAAS_LEVELS.items():
        assert describe(Kind.MOAAS, {"score": score}) == f"MOAA/S {score}: {words}"
    assert describe(Kind.MOAAS, {"score": 0}) == "MOAA/S 0: No answer to a painful squeeze"
    assert describe(Kind.RASS, {"score": 0}) == "RASS +0: Alert and calm"
    assert describe(Kind.RASS, {"score": 4}) == f"RASS +4: {RASS_LEVELS[4]}"
    assert describe(Kind.RASS, {"score": -5}) == "RASS -5: Unarousable"
    assert describe(Kind.DISSOCIATION, {"severity": "mild"}) == "Dissociation: mild"
    assert describe(Kind.SIDE_EFFECT, {"name": "Nausea", "severity": "moderate"}) == (
        "Nausea: moderate")
    assert describe(Kind.MEDICATION, {"drug": "Ondansetron", "dose_mg": 4.0,
                                      "route": "oral"}) == "Ondansetron 4 mg oral"
    assert describe(Kind.DOSE, {"drug": "ketamine", "dose_mg": 52.5, "route": ""}) == (
        "ketamine 52.5 mg")
    assert describe(Kind.DISCHARGE, {"items": {"a": True, "b": False, "c": True}}) == (
        "Discharge: 2 of 3 confirmed")
    assert describe(Kind.SCREENING, {"items": {"a": True}}) == "Screening: 1 of 1 confirmed"
    assert describe(Kind.NOTE, {"text": "x" * 100}) == "x" * 80


def test_mg_per_kg() -> None:
    assert mg_per_kg(50, 70) == 0.71
    assert mg_per_kg(35, 70.0) == 0.5
    assert mg_per_kg(50, None) is None
    assert mg_per_kg(50, 0) is None


@pytest.mark.parametrize("device", ["two", "1.5", 1.5, -1, 0, 11, None, True, "", " "])
def test_a_dose_device_that_is_not_a_small_whole_number_is_refused_in_words(device) -> None:
    with pytest.raises(ValidationError, match="Device number must be a whole number"):
        check_values(Kind.DOSE, {"drug": "Esketamine", "dose_mg": 28,
                                 "device": device})


def test_a_dose_device_number_is_kept() -> None:
    clean = check_values(Kind.DOSE, {"drug": "Esketamine", "dose_mg": 28,
                                     "device": "2"})
    assert clean["device"] == 2
