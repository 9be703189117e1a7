"""Codes and small builders for the FHIR export.

Every code here was checked against published sources (docs/exports.md names them): LOINC
for vital signs, the note and the PHQ-9 and GAD-7 totals, SNOMED CT for the routes and the
encounter type, UCUM units, the US Core profile and code-system URLs, the HL7 data-absent-
reason extension and the ASTM signature type. What could not be checked is not coded: the
PCL-5 total carries KAPdesk's own code, and RxNorm codes come from the clinic's settings
(`fhir_rxnorm`: drug name -> RXCUI), never from a guess.
"""

from __future__ import annotations

from typing import Any

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
DOC_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
KAPDESK_SYSTEM = "urn:kapdesk:observation"

_US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-"
PROFILES = {name: _US_CORE + name for name in (
    "patient", "practitioner", "organization", "location", "encounter",
    "documentreference", "provenance", "questionnaireresponse", "blood-pressure",
    "heart-rate", "pulse-oximetry", "respiratory-rate", "observation-screening-assessment")}

# value key -> (LOINC codes, text, unit shown, UCUM code, US Core profile). SpO2 carries
# the pulse oximetry code first and the vital-signs profile's oxygen saturation code second.
VITAL_CODES: dict[str, tuple[tuple[str, ...], str, str, str, str]] = {
    "heart_rate": (("8867-4",), "Heart rate", "/min", "/min", "heart-rate"),
    "spo2": (("59408-5", "2708-6"), "Oxygen saturation by pulse oximetry", "%", "%",
             "pulse-oximetry"),
    "resp_rate": (("9279-1",), "Respiratory rate", "/min", "/min", "respiratory-rate"),
}

# route as the protocols spell it -> SNOMED CT route (qualifier value)
ROUTES: dict[str, tuple[str, str]] = {
    "intramuscular": ("78421000", "Intramuscular route"),
    "intravenous": ("47625008", "Intravenous route"),
    "intranasal": ("46713006", "Nasal route"),
    "nasal": ("46713006", "Nasal route"),
    "oral": ("26643006", "Oral route"),
    "sublingual": ("37839007", "Sublingual route"),
}

ENCOUNTER_TYPE = (SNOMED, "185347001", "Encounter for problem")
NOTE_TYPE = ("11506-3", "Progress note")
AUTHOR_SIGNATURE = ("1.2.840.10065.1.12.1.1", "Author's Signature")

# outcome instrument -> (LOINC total code or None where unverified, text)
OUTCOME_CODES: dict[str, tuple[str | None, str]] = {
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score "
                        "[Reported.PHQ]"),
    "pcl5": (None, "PTSD Checklist for DSM-5 (PCL-5) total score"),
}

# observation kind -> (code in KAPDESK_SYSTEM, text, observation category)
KAPDESK_CODES: dict[str, tuple[str, str, str]] = {
    "moaas": ("moaas", "MOAA/S (Modified Observer's Assessment of Alertness/Sedation)",
              "exam"),
    "rass": ("rass", "RASS (Richmond Agitation-Sedation Scale)", "exam"),
    "dissociation": ("dissociation", "Dissociation, clinician global rating", "exam"),
    "cadss6": ("cadss6", "Dissociation, CADSS 6-item short form total", "survey"),
    "side_effect": ("side-effect", "Side effect", "exam"),
    "screening": ("screening", "Screening checklist before the dose", "survey"),
    "discharge": ("discharge", "Discharge check", "survey"),
    "pcl5": ("pcl5-total", "PTSD Checklist for DSM-5 (PCL-5) total score", "survey"),
}


def loinc(codes: str | tuple[str, ...], text: str) -> dict[str, Any]:
    listed = (codes,) if isinstance(codes, str) else codes
    return {"coding": [{"system": LOINC, "code": c, "display": text} for c in listed],
            "text": text}


def concept(code: str, text: str) -> dict[str, Any]:
    return {"coding": [{"system": KAPDESK_SYSTEM, "code": code, "display": text}],
            "text": text}


def coded(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}],
            "text": text or display}


def category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def quantity(value: float, unit: str, ucum: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": ucum}


def profile(*names: str) -> dict[str, Any]:
    return {"profile": [PROFILES[n] for n in names]}


def absent(reason: str = "masked") -> list[dict[str, Any]]:
    """The data-absent-reason extension: why an element a profile needs is empty."""
    return [{"url": DATA_ABSENT, "valueCode": reason}]
