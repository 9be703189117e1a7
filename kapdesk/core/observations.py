"""What the clinician records: vitals, ratings, side effects, medicines, doses.

Each entry is a kind and a dict of values, checked here against plausible ranges before
it is stored. A rejected entry names the field and the range in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from kapdesk.core.errors import ValidationError
from kapdesk.core.text_rules import MAX_REASON, check_note, check_text


class Kind(StrEnum):
    VITALS = "vitals"
    MOAAS = "moaas"
    RASS = "rass"
    DISSOCIATION = "dissociation"  # clinician global rating
    CADSS6 = "cadss6"  # the 6-item short form
    SIDE_EFFECT = "side_effect"
    MEDICATION = "medication"  # as-needed medicine given
    DOSE = "dose"
    SCREENING = "screening"
    DISCHARGE = "discharge"
    NOTE = "note"  # an amendment to the free-text note after sign-off


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    unit: str
    label: str

    def check(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(f"{self.label} must be a number ({self.unit}).")
        if not self.low <= value <= self.high:
            raise ValidationError(
                f"{self.label} {value:g} {self.unit} is outside the plausible range "
                f"{self.low:g}-{self.high:g} {self.unit}: please check the reading.")
        return float(value)


VITAL_RANGES: dict[str, Range] = {
    "systolic": Range(50, 300, "mmHg", "Systolic blood pressure"),
    "diastolic": Range(20, 200, "mmHg", "Diastolic blood pressure"),
    "heart_rate": Range(20, 250, "/min", "Heart rate"),
    "spo2": Range(50, 100, "%", "SpO2"),
    "resp_rate": Range(2, 60, "/min", "Respiratory rate"),
}

MOAAS_LEVELS: dict[int, str] = {
    5: "Answers readily to name in a normal voice",
    4: "Slow answer to name in a normal voice",
    3: "Answers only when the name is called loudly or repeatedly",
    2: "Answers only after mild prodding or shaking",
    1: "Answers only to a painful trapezius squeeze",
    0: "No answer to a painful squeeze",
}

RASS_LEVELS: dict[int, str] = {
    4: "Combative", 3: "Very agitated", 2: "Agitated", 1: "Restless", 0: "Alert and calm",
    -1: "Drowsy (wakes to voice > 10 s)", -2: "Light sedation (wakes to voice < 10 s)",
    -3: "Moves to voice, no eye contact", -4: "Moves only to physical stimulation",
    -5: "Unarousable",
}

SEVERITIES = ("none", "mild", "moderate", "severe")

# The CADSS short form's item numbers; the wording is the clinic's to supply.
CADSS6_ITEMS = (1, 2, 6, 7, 15, 22)

CADSS_WORDING_PLACE = "More… > CADSS item wording… (an admin's setting)"


def check_cadss_wording(wording: Mapping[Any, Any]) -> dict[str, str]:
    """The clinic's wording of the six short-form items: every item, in words."""
    clean: dict[str, str] = {}
    for number in CADSS6_ITEMS:
        text = check_text(wording.get(number, wording.get(str(number))),
                          f"The wording of CADSS item {number}", 500)
        if not text:
            raise ValidationError(f"Enter the wording of CADSS item {number}.")
        clean[str(number)] = text
    return clean


def cadss_wording(setting: object) -> dict[int, str] | None:
    """The stored wording by item number, or None until all six items are set."""
    if not isinstance(setting, Mapping):
        return None
    try:
        return {int(k): v for k, v in check_cadss_wording(setting).items()}
    except ValidationError:
        return None


SIDE_EFFECTS = (
    "Unconsciousness", "Cognitive difficulties", "Agitation", "Depression", "Amnesia",
    "Muscle stiffness", "Nausea", "Vomiting", "Nystagmus (involuntary rapid eye movement)",
    "Salivation", "Dilated pupils", "Tear secretion", "Prolonged visual disturbances",
    "Slow breathing", "Euphoria", "Double vision", "Dissociation", "Dizziness", "Vertigo",
    "Headache", "Anxiety", "Raised blood pressure", "Sedation",
)


@dataclass(frozen=True)
class Observation:
    """One stored entry. A correction or amendment is a new one that `corrects` another."""

    id: int
    session_id: int
    kind: Kind
    observed_at: datetime
    recorded_at: datetime
    user_id: int
    values: Mapping[str, Any]
    corrects: int | None = None
    reason: str = ""
    amendment: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


def check_vitals(values: Mapping[str, Any]) -> dict[str, float]:
    """The readings given (at least one), each in range; diastolic below systolic."""
    unknown = sorted(set(values) - set(VITAL_RANGES))
    if unknown:
        raise ValidationError(f"Unknown vital sign '{unknown[0]}'.")
    clean = {k: VITAL_RANGES[k].check(v) for k, v in values.items() if v is not None}
    if not clean:
        raise ValidationError("Enter at least one reading.")
    if ("systolic" in clean) != ("diastolic" in clean):
        raise ValidationError("Blood pressure needs both systolic and diastolic.")
    if "systolic" in clean and clean["diastolic"] >= clean["systolic"]:
        raise ValidationError(
            f"Diastolic {clean['diastolic']:g} mmHg must be below systolic "
            f"{clean['systolic']:g} mmHg: please check the reading.")
    return clean


def _choice(value: object, allowed: Mapping[int, str] | tuple[str, ...], label: str) -> Any:
    # the allowed value itself is returned, so 3.0 is stored (and described) as the level 3
    match = next((a for a in allowed if a == value), None)
    if match is None or isinstance(value, bool):
        options = ", ".join(str(a) for a in allowed)
        raise ValidationError(f"{label} must be one of {options}, not {value!r}.")
    return match


def check_values(kind: Kind, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise the values of an entry of `kind`."""
    if kind is Kind.VITALS:
        return dict(check_vitals(values))
    if kind is Kind.MOAAS:
        return {"score": _choice(values.get("score"), MOAAS_LEVELS, "MOAA/S")}
    if kind is Kind.RASS:
        return {"score": _choice(values.get("score"), RASS_LEVELS, "RASS")}
    if kind is Kind.DISSOCIATION:
        return {"severity": _choice(values.get("severity"), SEVERITIES, "Dissociation")}
    if kind is Kind.CADSS6:
        items = values.get("items", {})
        try:
            numbers = set(map(int, items)) if isinstance(items, Mapping) else set()
        except (TypeError, ValueError):
            numbers = set()
        if numbers != set(CADSS6_ITEMS):
            raise ValidationError("The CADSS short form needs items 1, 2, 6, 7, 15 and 22.")
        clean = {str(int(k)): _choice(v, {0: "", 1: "", 2: "", 3: "", 4: ""},
                                      f"CADSS item {k}") for k, v in items.items()}
        return {"items": clean, "total": sum(clean.values())}
    if kind is Kind.SIDE_EFFECT:
        name = check_text(values.get("name", ""), "The side effect's name")
        if not name:
            raise ValidationError("Name the side effect.")
        return {"name": name,
                "severity": _choice(values.get("severity"), SEVERITIES, "Severity")}
    if kind is Kind.MEDICATION:
        return _check_medicine(values)
    if kind is Kind.DOSE:
        clean = _check_medicine(values)
        clean["route"] = check_text(values.get("route", ""), "The route")
        clean["lot"] = check_text(values.get("lot", ""), "The lot number")
        if "device" in values:
            device = values["device"]
            if isinstance(device, bool) or not isinstance(device, int | str) or \
                    not str(device).strip().isdigit() or not 1 <= int(device) <= 10:
                raise ValidationError(f"Device number must be a whole number from 1 to 10, "
                                      f"not {str(device)[:20]!r}.")
            clean["device"] = int(device)
        return clean
    if kind in (Kind.SCREENING, Kind.DISCHARGE):
        items = values.get("items", {})
        if not isinstance(items, Mapping) or not items:
            raise ValidationError("A checklist needs its items.")
        clean_items = {str(k): bool(v) for k, v in items.items()}
        out: dict[str, Any] = {"items": clean_items}
        if "comment" in values:
            out["comment"] = check_text(str(values["comment"]), "The comment", MAX_REASON,
                                        lines=True)
        if kind is Kind.DISCHARGE and values.get("ready_at"):
            out["ready_at"] = _iso_instant(values["ready_at"])
        return out
    if kind is Kind.NOTE:
        text = values.get("text", "")
        return {"text": check_note(text if isinstance(text, str) else str(text),
                                   "The amendment to the note")}
    raise ValidationError(f"Unknown kind of entry '{kind}'.")


def _iso_instant(value: object) -> str:
    try:
        instant = datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"Ready-to-leave time {value!r} is not a time.") from None
    if instant.tzinfo is None:
        raise ValidationError("Ready-to-leave time needs its time zone.")
    return instant.isoformat()


def _check_medicine(values: Mapping[str, Any]) -> dict[str, Any]:
    drug = check_text(values.get("drug", ""), "The medicine's name")
    if not drug:
        raise ValidationError("Name the medicine.")
    dose = values.get("dose_mg")
    if isinstance(dose, bool) or not isinstance(dose, int | float) or not 0 < dose <= 2000:
        raise ValidationError(f"Dose of {drug} must be more than 0 and at most 2000 mg.")
    return {"drug": drug, "dose_mg": float(dose),
            "route": check_text(values.get("route", ""), "The route")}


def mg_per_kg(dose_mg: float, weight_kg: float | None) -> float | None:
    if not weight_kg:
        return None
    return round(dose_mg / weight_kg, 2)


def describe(kind: Kind, values: Mapping[str, Any]) -> str:
    """One line for lists and exports."""
    if kind is Kind.VITALS:
        parts = []
        if "systolic" in values:
            parts.append(f"BP {values['systolic']:g}/{values['diastolic']:g}")
        for key, label in (("heart_rate", "HR"), ("spo2", "SpO2"), ("resp_rate", "RR")):
            if key in values:
                parts.append(f"{label} {values[key]:g}{'%' if key == 'spo2' else ''}")
        return "  ".join(parts)
    if kind is Kind.MOAAS:
        return f"MOAA/S {values['score']}: {MOAAS_LEVELS[values['score']]}"
    if kind is Kind.RASS:
        return f"RASS {values['score']:+d}: {RASS_LEVELS[values['score']]}"
    if kind is Kind.DISSOCIATION:
        return f"Dissociation: {values['severity']}"
    if kind is Kind.CADSS6:
        return f"CADSS-6 total {values['total']} / 24"
    if kind is Kind.SIDE_EFFECT:
        return f"{values['name']}: {values['severity']}"
    if kind in (Kind.MEDICATION, Kind.DOSE):
        return f"{values['drug']} {values['dose_mg']:g} mg {values.get('route', '')}".strip()
    if kind in (Kind.SCREENING, Kind.DISCHARGE):
        done = sum(1 for v in values["items"].values() if v)
        return f"{kind.value.title()}: {done} of {len(values['items'])} confirmed"
    return str(values.get("text", ""))[:80]
