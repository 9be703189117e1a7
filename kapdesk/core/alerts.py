"""Alert rules on readings. They prompt the clinician; they never diagnose.

All thresholds are clinic-editable defaults (DOMAIN.md). A finding carries the words to
show and, for blood pressure, a request for a confirming reading a few minutes later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Thresholds:
    predose_systolic: float = 140
    predose_diastolic: float = 90
    systolic_high: float = 180
    diastolic_high: float = 110
    systolic_rise: float = 40
    diastolic_rise: float = 25
    heart_rate_high: float = 120
    spo2_low: float = 92
    spo2_hypoxia: float = 90
    resp_rate_low: float = 10
    moaas_flag: int = 3
    confirm_minutes: float = 5

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Thresholds:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "prompt" | "warning" | "urgent" | "emergency"
    message: str
    confirm_within_min: float | None = None


@dataclass(frozen=True)
class Reading:
    """An earlier vitals entry of the same session."""

    at: datetime
    values: Mapping[str, float]


def _bp_high(values: Mapping[str, float], t: Thresholds) -> bool:
    return ("systolic" in values and values["systolic"] >= t.systolic_high) or (
        "diastolic" in values and values["diastolic"] >= t.diastolic_high)


def evaluate_vitals(values: Mapping[str, float], at: datetime, *, dosed: bool,
                    baseline: Mapping[str, float] | None, earlier: Sequence[Reading],
                    t: Thresholds) -> list[Finding]:
    found: list[Finding] = []
    sys_ = values.get("systolic")
    dia = values.get("diastolic")
    if not dosed:
        if sys_ is not None and dia is not None and (
                sys_ > t.predose_systolic or dia > t.predose_diastolic):
            found.append(Finding(
                "predose_bp", "prompt",
                f"Blood pressure {sys_:g}/{dia:g} is above {t.predose_systolic:g}/"
                f"{t.predose_diastolic:g} before dosing: consider deferring the dose."))
        return found + _always(values, t)
    if sys_ is not None and dia is not None and _bp_high(values, t):
        window_s = 3 * t.confirm_minutes * 60
        previous = [r for r in earlier if "systolic" in r.values
                    and 0 < (at - r.at).total_seconds() <= window_s]
        if previous and _bp_high(previous[-1].values, t):
            found.append(Finding(
                "bp_high_confirmed", "urgent",
                f"High blood pressure confirmed: {sys_:g}/{dia:g} after "
                f"{previous[-1].values['systolic']:g}/{previous[-1].values['diastolic']:g}."))
        else:
            found.append(Finding(
                "bp_high", "warning",
                f"Blood pressure {sys_:g}/{dia:g} is at or above {t.systolic_high:g}/"
                f"{t.diastolic_high:g}: take a confirming reading in {t.confirm_minutes:g} min.",
                confirm_within_min=t.confirm_minutes))
    if baseline and sys_ is not None and dia is not None and "systolic" in baseline:
        rise_s = sys_ - baseline["systolic"]
        rise_d = dia - baseline["diastolic"]
        if rise_s > t.systolic_rise or rise_d > t.diastolic_rise:
            found.append(Finding(
                "bp_rise", "warning",
                f"Blood pressure has risen {rise_s:+g}/{rise_d:+g} mmHg over the baseline "
                f"{baseline['systolic']:g}/{baseline['diastolic']:g}."))
    hr = values.get("heart_rate")
    if hr is not None and hr > t.heart_rate_high:
        before = [r for r in earlier if "heart_rate" in r.values]
        if before and before[-1].values["heart_rate"] > t.heart_rate_high:
            found.append(Finding("hr_sustained", "warning",
                                 f"Heart rate {hr:g}/min is above {t.heart_rate_high:g} for "
                                 "two readings in a row."))
        else:
            found.append(Finding("hr_high", "prompt",
                                 f"Heart rate {hr:g}/min is above {t.heart_rate_high:g}: "
                                 "recheck in a few minutes."))
    return found + _always(values, t)


def _always(values: Mapping[str, float], t: Thresholds) -> list[Finding]:
    found: list[Finding] = []
    spo2 = values.get("spo2")
    if spo2 is not None and spo2 < t.spo2_hypoxia:
        found.append(Finding("spo2_hypoxia", "urgent",
                             f"SpO2 {spo2:g}% is below {t.spo2_hypoxia:g}%: hypoxia."))
    elif spo2 is not None and spo2 < t.spo2_low:
        found.append(Finding("spo2_low", "warning",
                             f"SpO2 {spo2:g}% is below {t.spo2_low:g}%."))
    rr = values.get("resp_rate")
    if rr is not None and rr < t.resp_rate_low:
        found.append(Finding("slow_breathing", "urgent",
                             f"Respiratory rate {rr:g}/min is below {t.resp_rate_low:g}: "
                             "slow breathing."))
    return found


def evaluate_moaas(score: int, t: Thresholds) -> list[Finding]:
    if score == 0:
        return [Finding("moaas_unresponsive", "emergency",
                        "MOAA/S 0: no answer to a painful squeeze. Emergency.")]
    if score <= t.moaas_flag:
        return [Finding("moaas_low", "warning",
                        f"MOAA/S {score}: deeper sedation than expected; watch breathing.")]
    return []
