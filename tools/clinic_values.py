"""Invented values for tools/make_10y_db.py: names, notes, readings, doses, the mix of
entries a clinician records between the cues. All made up; plausible, not real."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from kapdesk.core.observations import SIDE_EFFECTS, Kind
from kapdesk.core.protocol import Protocol

FIRST = ("Morgan", "Jules", "Robin", "Casey", "Avery", "Quinn", "Rowan", "Sasha", "Emery",
         "Harper", "Reese", "Dakota", "Finley", "Hollis", "Kendall", "Marlow", "Parker", "Sage")
LAST = ("Vale", "Arden", "Ashby", "Lund", "Stone", "Harlow", "Brook", "Calder", "Fenn", "Gray",
        "Holt", "Ives", "Kerr", "Lyle", "Marsh", "North", "Pryor", "Quill", "Rudd", "Thorne")
NOTES = ("Settled quickly with eyeshades.", "Tearful during the peak, then calm.",
         "Brief nausea, settled without medicine.", "Spoke of distance from old worries.",
         "Comfortable throughout; music lower at the return.", "Restless at onset, reassured.")
SKIPS = ("Patient asleep, not disturbed", "Done with the previous cue")


def vitals(rng: random.Random, base: tuple[int, int, int], rise: int = 0,
           bp: bool = True) -> dict[str, float]:
    out = {"heart_rate": float(base[2] + rng.randint(-6, 14 + rise // 2)),
           "spo2": float(rng.choice((99, 98, 98, 97, 97, 96, 96, 95, 94, 93))),
           "resp_rate": float(rng.randint(11, 18))}
    if bp:
        out["systolic"] = float(base[0] + rng.randint(-4, rise + 6))
        out["diastolic"] = float(min(base[1] + rng.randint(-3, rise // 2 + 5),
                                     out["systolic"] - 25))
    if rng.random() < 0.004:  # the rare reading that raises an alert
        if bp:
            out.update(systolic=float(rng.randint(180, 196)),
                       diastolic=float(rng.randint(95, 112)))
        else:
            out["spo2"] = float(rng.randint(88, 91))
    return out


def dose_values(protocol: Protocol, weight: float, rng: random.Random,
                device: int = 1) -> dict[str, Any]:
    if protocol.drug == "esketamine":
        mg, extra = 28.0, {"device": device}
    elif protocol.route == "sublingual":
        mg, extra = float(rng.choice((200, 250, 300))), {}
    else:
        per_kg = rng.choice((0.5, 0.6, 0.75, 0.8, 1.0)) if protocol.route == "intramuscular" \
            else 0.5
        mg, extra = round(per_kg * weight, 1), {}
    return {"drug": protocol.drug, "dose_mg": mg, "route": protocol.route,
            "lot": f"L{rng.randint(2100, 2999)}-{rng.randint(10, 99)}", **extra}


FILLER: tuple[tuple[float, Callable[[random.Random], tuple[Kind, dict[str, Any]]]], ...] = (
    (0.55, lambda r: (Kind.VITALS, {})),  # filled from the session's baseline
    (0.12, lambda r: (Kind.MOAAS, {"score": r.choice((5, 5, 5, 4, 4, 4, 4, 4, 4, 3))})),
    (0.08, lambda r: (Kind.RASS, {"score": r.choice((0, 0, -1, -1, -2, 1))})),
    (0.10, lambda r: (Kind.DISSOCIATION,
                      {"severity": r.choice(("none", "mild", "moderate", "severe"))})),
    (0.03, lambda r: (Kind.CADSS6, cadss(r))),
    (0.10, lambda r: (Kind.SIDE_EFFECT, {"name": r.choice(SIDE_EFFECTS[4:]),
                                         "severity": r.choice(("mild", "mild", "moderate"))})),
    (0.02, lambda r: (Kind.MEDICATION, {"drug": "ondansetron", "dose_mg": 4.0,
                                        "route": "sublingual"})),
)


def cadss(rng: random.Random) -> dict[str, Any]:
    items = {str(k): rng.randint(0, 3) for k in (1, 2, 6, 7, 15, 22)}
    return {"items": items, "total": sum(items.values())}
