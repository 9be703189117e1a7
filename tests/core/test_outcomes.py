"""PHQ-9, GAD-7 and PCL-5: totals, bands at every boundary, and bad item scores in words."""

from datetime import UTC, datetime, timedelta

import pytest

from kapdesk.core.errors import ValidationError
from kapdesk.core.outcomes import (
    PCL5_ABOVE,
    PCL5_BELOW,
    SPECS,
    Instrument,
    OutcomeMeasure,
    current_measures,
    item_label,
    score,
    spec,
    trend,
    wording_from_setting,
)


def items_totalling(instrument: Instrument, total: int) -> list[int]:
    """Item scores adding up to `total`, filled from item 1 on (item 9 stays 0 if it can)."""
    s = SPECS[instrument]
    out = [0] * s.items
    last = 8 if instrument is Instrument.PHQ9 else None  # PHQ-9 item 9 last of all
    order = [i for i in range(s.items) if i != last] + ([last] if last is not None else [])
    left = total
    for i in order:
        out[i] = min(s.item_max, left)
        left -= out[i]
    assert left == 0
    return out


@pytest.mark.parametrize(("total", "band"), [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "moderately severe"), (19, "moderately severe"), (20, "severe"),
    (27, "severe")])
def test_phq9_bands_at_every_boundary(total: int, band: str) -> None:
    result = score(Instrument.PHQ9, items_totalling(Instrument.PHQ9, total))
    assert (result.total, result.band) == (total, band)
    assert result.summary == f"PHQ-9 {total} / 27: {band}"


@pytest.mark.parametrize(("total", "band"), [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "severe"), (21, "severe")])
def test_gad7_bands_at_every_boundary(total: int, band: str) -> None:
    result = score("gad7", items_totalling(Instrument.GAD7, total))
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), [
    (0, PCL5_BELOW), (32, PCL5_BELOW), (33, PCL5_ABOVE), (80, PCL5_ABOVE)])
def test_pcl5_is_shown_against_the_screening_cut_point_without_diagnosing(total: int,
                                                                          band: str) -> None:
    result = score(Instrument.PCL5, items_totalling(Instrument.PCL5, total))
    assert result.band == band
    assert "above the usual screening cut-point (33)" in PCL5_ABOVE
    assert "A screening figure, not a diagnosis." in result.flags
    words = " ".join([result.band, *result.flags]).lower()
    assert "ptsd" not in words and "disorder" not in words


def test_instrument_shapes() -> None:
    assert [(s.name, s.items, s.item_max, s.max_total) for s in SPECS.values()] == [
        ("PHQ-9", 9, 3, 27), ("GAD-7", 7, 3, 21), ("PCL-5", 20, 4, 80)]
    for s in SPECS.values():  # the bands cover every total once, in order
        covered = [t for b in s.bands for t in range(b.low, b.high + 1)]
        assert covered == list(range(s.max_total + 1))


@pytest.mark.parametrize(("instrument", "items", "words"), [
    ("phq9", [1] * 8, "PHQ-9 needs 9 item scores; 8 were given."),
    ("gad7", [1] * 8, "GAD-7 needs 7 item scores; 8 were given."),
    ("phq9", [0, 0, 0, 4, 0, 0, 0, 0, 0], "PHQ-9 item 4: 4 is outside 0-3."),
    ("pcl5", [0] * 19 + [5], "PCL-5 item 20: 5 is outside 0-4."),
    ("gad7", [0, -1, 0, 0, 0, 0, 0], "GAD-7 item 2: -1 is outside 0-3."),
    ("gad7", [0, 0, None, 0, 0, 0, 0], "GAD-7 item 3 has no score"),
    ("gad7", [0, 0, 1.5, 0, 0, 0, 0], "GAD-7 item 3: '1.5' is not a whole number 0-3."),
    ("gad7", [0, True, 0, 0, 0, 0, 0], "GAD-7 item 2: 'True' is not a whole number"),
    ("gad7", "0000000", "GAD-7 needs 7 item scores; text were given."),
    ("bdi", [0] * 21, "Unknown outcome measure 'bdi' (use one of: PHQ-9, GAD-7, PCL-5)."),
])
def test_bad_item_scores_are_refused_in_words(instrument: str, items: object,
                                              words: str) -> None:
    with pytest.raises(ValidationError) as err:
        score(instrument, items)  # type: ignore[arg-type]
    assert words in str(err.value)


def test_phq9_item_9_above_zero_prompts_the_clinician() -> None:
    quiet = score(Instrument.PHQ9, [2, 2, 1, 1, 0, 0, 0, 0, 0])
    assert quiet.flags == ()
    flagged = score(Instrument.PHQ9, [2, 2, 1, 1, 0, 0, 0, 0, 1])
    assert flagged.total == 7 and flagged.band == "mild"
    assert flagged.flags == ("Item 9 scored 1: follow up as the clinic's safety procedure "
                             "asks.",)


def test_items_are_numbered_and_the_wording_is_the_clinics() -> None:
    assert item_label("phq9", 3) == "Item 3"
    assert item_label("phq9", 3, {3: "  Clinic wording three "}) == "3. Clinic wording three"
    assert item_label("phq9", 4, {3: "Clinic wording three"}) == "Item 4"
    with pytest.raises(ValidationError, match="PHQ-9 has items 1-9, not 10"):
        item_label("phq9", 10)
    setting = {"phq9": {"1": "First, in the clinic's words", "x": "ignored", "2": 7},
               "gad7": "not a mapping"}
    assert wording_from_setting(setting, "phq9") == {1: "First, in the clinic's words"}
    assert wording_from_setting(setting, "gad7") == {}
    assert wording_from_setting(None, "pcl5") == {}
    assert spec("pcl5").cut_point == 33


def _measure(mid: int, instrument: Instrument, total: int, day: int,
             corrects: int | None = None) -> OutcomeMeasure:
    at = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=day)
    items = tuple(items_totalling(instrument, total))
    return OutcomeMeasure(mid, "K-1", instrument, items, total,
                          score(instrument, items).band, at, at, 1, corrects,
                          "typo" if corrects else "")


def test_a_trend_is_one_instruments_current_measures_oldest_first() -> None:
    rows = [_measure(1, Instrument.PHQ9, 18, 7), _measure(2, Instrument.GAD7, 12, 0),
            _measure(3, Instrument.PHQ9, 20, 0), _measure(4, Instrument.PHQ9, 16, 7, 1)]
    assert [m.id for m in current_measures(rows)] == [2, 3, 4]
    assert [(m.id, m.total) for m in trend(rows, "phq9")] == [(3, 20), (4, 16)]
    assert [m.summary for m in trend(rows, Instrument.GAD7)] == ["GAD-7 12 / 21: moderate"]
