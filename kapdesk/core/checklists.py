"""Default checklists (clinic-editable in settings), and what is missing before the dose."""

from collections.abc import Mapping, Sequence

SCREENING_ITEMS = (
    "Medical and psychiatric history reviewed",
    "Substance use history reviewed",
    "Current medicines reviewed (benzodiazepines/sedatives, psychostimulants, MAOIs, opioids)",
    "Pregnancy excluded or discussed",
    "Fasting as instructed",
    "Escort arranged for discharge",
    "Consent confirmed",
    "Education given (what to expect, no driving until the next day)",
)

DISCHARGE_ITEMS = (
    "Back to baseline: alert, oriented, walking steadily",
    "Vitals acceptable",
    "Nausea controlled",
    "Responsible adult escort present",
    "No driving or machinery until the next day after sleep: acknowledged",
    "Next appointment (integration or dosing) booked",
)


def preparation_gaps(items: Sequence[str], ticked: Mapping[str, bool],
                     screening: Mapping[str, bool] | None, baseline_vitals: bool) -> list[str]:
    """What is missing before the dose, in words ([] when nothing is): the screening
    checklist (not recorded, or items not confirmed), the baseline vitals, and the
    protocol's preparation items not ticked."""
    gaps: list[str] = []
    if screening is None:
        gaps.append("no screening checklist recorded")
    else:
        missing = sum(1 for done in screening.values() if not done)
        if missing:
            gaps.append(f"screening: {missing} of {len(screening)} items not confirmed")
    if not baseline_vitals:
        gaps.append("no baseline vitals recorded")
    open_items = [item for item in items if not ticked.get(item, False)]
    if open_items:
        gaps.append("preparation not ticked: " + "; ".join(open_items))
    return gaps
