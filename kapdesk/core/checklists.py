"""Default checklists (clinic-editable in settings)."""

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
