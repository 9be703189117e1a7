"""A course of treatment and the spacing rules checked when a dosing session is planned."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SpacingRules:
    min_hours_between: float = 48
    max_in_window: int = 2
    window_days: float = 7
    want_integration: bool = True


@dataclass(frozen=True)
class Course:
    id: int
    patient_code: str
    protocol_id: str
    planned_sessions: int
    start_date: str
    status: str = "active"


def spacing_warnings(planned_at: datetime, earlier_doses: Sequence[datetime],
                     integration_since_last: bool, rules: SpacingRules) -> list[str]:
    """Reasons to pause before planning this dosing session; empty when none apply."""
    warnings: list[str] = []
    doses = sorted(d for d in earlier_doses if d <= planned_at)
    if not doses:
        return warnings
    last = doses[-1]
    hours = (planned_at - last).total_seconds() / 3600
    if hours < rules.min_hours_between:
        warnings.append(
            f"Only {math.floor(hours)} h since the last dose ({last:%Y-%m-%d %H:%M} UTC); the "
            f"protocol asks for at least {rules.min_hours_between:g} h.")
    window_start = planned_at - timedelta(days=rules.window_days)
    in_window = [d for d in doses if d > window_start]
    if len(in_window) + 1 > rules.max_in_window:
        warnings.append(
            f"This would be dosing session {len(in_window) + 1} in {rules.window_days:g} days; "
            f"the protocol allows {rules.max_in_window}.")
    if rules.want_integration and not integration_since_last:
        warnings.append("No integration session has been recorded since the last dose.")
    return warnings
