"""Codes and small builders for the FHIR export: LOINC for vital signs, UCUM units, and
KAPdesk's own code system for what LOINC does not cover (MOAA/S, dissociation...)."""

from __future__ import annotations

from typing import Any

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
PATIENT_CODE_SYSTEM = "urn:kapdesk:patient-code"
KAPDESK_SYSTEM = "urn:kapdesk:observation"

# value key -> (LOINC codes, text, unit shown, UCUM code). SpO2 carries the pulse
# oximetry code first and the vital-signs profile's oxygen saturation code second.
VITAL_CODES: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "heart_rate": (("8867-4",), "Heart rate", "/min", "/min"),
    "spo2": (("59408-5", "2708-6"), "Oxygen saturation by pulse oximetry", "%", "%"),
    "resp_rate": (("9279-1",), "Respiratory rate", "/min", "/min"),
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
}


def loinc(codes: str | tuple[str, ...], text: str) -> dict[str, Any]:
    listed = (codes,) if isinstance(codes, str) else codes
    return {"coding": [{"system": LOINC, "code": c, "display": text} for c in listed],
            "text": text}


def concept(code: str, text: str) -> dict[str, Any]:
    return {"coding": [{"system": KAPDESK_SYSTEM, "code": code, "display": text}],
            "text": text}


def category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def quantity(value: float, unit: str, ucum: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": ucum}
