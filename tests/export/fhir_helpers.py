"""What the FHIR tests share: a fixed installation, finding resources, resolving references."""

from typing import Any

from fhir.resources.R4B.bundle import Bundle

from kapdesk.export.fhir import FhirSite
from tests.export.conftest import CLINIC

SITE = FhirSite("6f1c2a9e-0000-4000-8000-000000000001", CLINIC,
                address="12 Harbour Street\nPortview PV1 2AB", phone="+1 555 0100",
                email="desk@harbour.example", setting_name="Treatment room 2")


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def coded(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [r for r in resources(bundle, "Observation")
            if any(c.get("code") == code for c in r["code"].get("coding", []))]


def by_url(bundle: dict[str, Any], url: str) -> dict[str, Any]:
    found = [e["resource"] for e in bundle["entry"] if e["fullUrl"] == url]
    assert len(found) == 1, f"{url} is not in the bundle once"
    return found[0]


def references(value: Any) -> list[str]:
    """Every reference in a resource, nested anywhere."""
    if isinstance(value, dict):
        own = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return own + [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def valid(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle, after the R4B models accept it and every reference resolves inside it."""
    Bundle.model_validate(bundle)
    urls = {e["fullUrl"] for e in bundle["entry"]}
    for entry in bundle["entry"]:
        for ref in references(entry["resource"]):
            assert ref.startswith("#") or ref in urls, f"{ref} does not resolve"
    return bundle
