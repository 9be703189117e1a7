"""Outcome measures: PHQ-9, GAD-7 and PCL-5, scored from their item scores.

Totals and severity bands follow the instruments' published scoring. The item wording is
copyrighted and not shipped: items are numbered, and a clinic that holds the wording can
supply it (`item_label`). A band describes a score; it is not a diagnosis. The PCL-5 has
no severity bands: its total is shown against the commonly used provisional screening
cut-point (33; 31-33 are in use), in words that diagnose nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from kapdesk.core.errors import ValidationError


class Instrument(StrEnum):
    PHQ9 = "phq9"
    GAD7 = "gad7"
    PCL5 = "pcl5"


@dataclass(frozen=True)
class Band:
    label: str
    low: int
    high: int

    def holds(self, total: int) -> bool:
        return self.low <= total <= self.high


@dataclass(frozen=True)
class InstrumentSpec:
    instrument: Instrument
    name: str  # as printed: "PHQ-9"
    about: str  # what it measures, in a few words
    items: int
    item_max: int  # each item is scored 0..item_max
    bands: tuple[Band, ...]
    cut_point: int | None = None  # a screening cut-point, where the instrument has one

    @property
    def max_total(self) -> int:
        return self.items * self.item_max

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.holds(total):
                return band
        raise ValidationError(f"{self.name} total {total} is outside 0-{self.max_total}.")


PCL5_CUT_POINT = 33
PCL5_ABOVE = f"at or above the usual screening cut-point ({PCL5_CUT_POINT})"
PCL5_BELOW = f"below the usual screening cut-point ({PCL5_CUT_POINT})"

SPECS: Mapping[Instrument, InstrumentSpec] = MappingProxyType({
    Instrument.PHQ9: InstrumentSpec(
        Instrument.PHQ9, "PHQ-9", "depression symptoms, last 2 weeks", 9, 3, (
            Band("minimal", 0, 4), Band("mild", 5, 9), Band("moderate", 10, 14),
            Band("moderately severe", 15, 19), Band("severe", 20, 27))),
    Instrument.GAD7: InstrumentSpec(
        Instrument.GAD7, "GAD-7", "anxiety symptoms, last 2 weeks", 7, 3, (
            Band("minimal", 0, 4), Band("mild", 5, 9), Band("moderate", 10, 14),
            Band("severe", 15, 21))),
    Instrument.PCL5: InstrumentSpec(
        Instrument.PCL5, "PCL-5", "PTSD symptoms, last month", 20, 4, (
            Band(PCL5_BELOW, 0, PCL5_CUT_POINT - 1), Band(PCL5_ABOVE, PCL5_CUT_POINT, 80)),
        cut_point=PCL5_CUT_POINT),
})

# PHQ-9 item 9 asks about thoughts of self-harm: any score above 0 is for the clinician to
# follow up the way the clinic's safety procedure says. The app prompts; it never judges.
PHQ9_SAFETY_ITEM = 9


def spec(instrument: Instrument | str) -> InstrumentSpec:
    try:
        return SPECS[Instrument(instrument)]
    except ValueError:
        names = ", ".join(s.name for s in SPECS.values())
        raise ValidationError(f"Unknown outcome measure '{instrument}' (use one of: "
                              f"{names}).") from None


@dataclass(frozen=True)
class Score:
    instrument: Instrument
    items: tuple[int, ...]
    total: int
    band: str
    flags: tuple[str, ...] = ()  # prompts for the clinician (never a diagnosis)

    @property
    def spec(self) -> InstrumentSpec:
        return SPECS[self.instrument]

    @property
    def summary(self) -> str:
        """"PHQ-9 12 / 27: moderate"."""
        return f"{self.spec.name} {self.total} / {self.spec.max_total}: {self.band}"


def check_items(instrument: Instrument | str, items: Sequence[object]) -> tuple[int, ...]:
    """The item scores as whole numbers, or a ValidationError naming the first bad item."""
    s = spec(instrument)
    if isinstance(items, str | bytes) or len(items) != s.items:
        count = "text" if isinstance(items, str | bytes) else f"{len(items)}"
        raise ValidationError(f"{s.name} needs {s.items} item scores; {count} were given.")
    out: list[int] = []
    for number, value in enumerate(items, 1):
        if value is None or value == "":
            raise ValidationError(f"{s.name} item {number} has no score: every item needs "
                                  f"one (0-{s.item_max}).")
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{s.name} item {number}: '{value}' is not a whole number "
                                  f"0-{s.item_max}.")
        if not 0 <= value <= s.item_max:
            raise ValidationError(f"{s.name} item {number}: {value} is outside 0-"
                                  f"{s.item_max}.")
        out.append(value)
    return tuple(out)


def score(instrument: Instrument | str, items: Sequence[object]) -> Score:
    """Total, band and any prompts for one completed questionnaire."""
    s = spec(instrument)
    checked = check_items(s.instrument, items)
    total = sum(checked)
    flags: list[str] = []
    if s.instrument is Instrument.PHQ9 and checked[PHQ9_SAFETY_ITEM - 1] > 0:
        flags.append(f"Item {PHQ9_SAFETY_ITEM} scored {checked[PHQ9_SAFETY_ITEM - 1]}: follow "
                     "up as the clinic's safety procedure asks.")
    if s.cut_point is not None:
        flags.append("A screening figure, not a diagnosis.")
    return Score(s.instrument, checked, total, s.band_for(total).label, tuple(flags))


def item_label(instrument: Instrument | str, number: int,
               wording: Mapping[int, str] | None = None) -> str:
    """"Item 3", or "3. <the clinic's wording>" where the clinic supplied it."""
    s = spec(instrument)
    if not 1 <= number <= s.items:
        raise ValidationError(f"{s.name} has items 1-{s.items}, not {number}.")
    text = (wording or {}).get(number, "").strip()
    return f"{number}. {text}" if text else f"Item {number}"


def wording_from_setting(value: object, instrument: Instrument | str) -> dict[int, str]:
    """The clinic's item wording for one instrument from the `outcome_item_text` setting
    ({"phq9": {"1": "..."}}); empty when none is configured or it is malformed."""
    if not isinstance(value, Mapping):
        return {}
    per = value.get(Instrument(instrument).value)
    if not isinstance(per, Mapping):
        return {}
    out: dict[int, str] = {}
    for key, text in per.items():
        if isinstance(text, str) and str(key).isdigit():
            out[int(key)] = text
    return out


@dataclass(frozen=True)
class OutcomeMeasure:
    """One questionnaire as stored: who recorded it, when it was taken and when recorded."""

    id: int
    patient_code: str
    instrument: Instrument
    items: tuple[int, ...]
    total: int
    band: str
    taken_at: datetime
    recorded_at: datetime
    user_id: int
    corrects: int | None = None
    reason: str = ""

    @property
    def spec(self) -> InstrumentSpec:
        return SPECS[self.instrument]

    @property
    def summary(self) -> str:
        return f"{self.spec.name} {self.total} / {self.spec.max_total}: {self.band}"


def current_measures(rows: Sequence[OutcomeMeasure]) -> tuple[OutcomeMeasure, ...]:
    """The latest version of each measure (a correction replaces what it corrects), by the
    time each was taken."""
    replaced = {m.corrects for m in rows if m.corrects is not None}
    return tuple(sorted((m for m in rows if m.id not in replaced),
                        key=lambda m: (m.taken_at, m.id)))


def trend(rows: Sequence[OutcomeMeasure], instrument: Instrument | str,
          ) -> tuple[OutcomeMeasure, ...]:
    """One instrument's current measures, oldest first: the points of its trend line."""
    wanted = Instrument(instrument)
    return tuple(m for m in current_measures(rows) if m.instrument is wanted)
