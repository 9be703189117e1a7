"""Stable business identifiers and the transaction Bundle's entries.

Every resource carries an identifier whose system is a URI of this installation (a UUID v5
of the installation id, one per kind of thing: `urn:uuid:...`) and whose value is the
row's own id (for a corrected entry: the id of the original, so every version of an entry
is the same resource). Each entry is a conditional update (`PUT Observation?identifier=
system|value`), so an EHR that imports the same export twice, or a later export with a
correction, updates what it holds instead of adding a second copy. Provenance has no
identifier element: it is a plain update of a client-assigned id derived the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FhirSite:
    """What the export needs to know about this installation and the clinic."""

    installation: str  # a UUID, stored in the clinic's settings on first use
    clinic_name: str = "KAPdesk clinic"
    address: str = ""  # the treatment setting's postal address, one line per line
    phone: str = ""
    email: str = ""
    setting_name: str = ""  # the treatment room or setting (default: the clinic's name)
    rxnorm: Mapping[str, str] = field(default_factory=dict)  # drug (lower case) -> RXCUI

    @property
    def base(self) -> uuid.UUID:
        return uuid.UUID(self.installation)

    def system(self, kind: str) -> str:
        """The identifier system of one kind of thing, in this installation."""
        return f"urn:uuid:{uuid.uuid5(self.base, kind)}"

    def full_url(self, kind: str, value: object) -> str:
        return f"urn:uuid:{uuid.uuid5(self.base, f'{kind}|{value}')}"




_ONE_IDENTIFIER = {"QuestionnaireResponse"}  # 0..1 in R4; a list everywhere else used here


class Entries:
    """The Bundle's entries in order, each added once (by its full URL)."""

    def __init__(self, site: FhirSite) -> None:
        self.site = site
        self.entries: list[dict[str, Any]] = []
        self._seen: set[str] = set()

    def add(self, kind: str, value: object, resource: dict[str, Any]) -> str:
        """Add a resource identified as (kind, value); returns its full URL to reference."""
        full_url = self.site.full_url(kind, value)
        if full_url in self._seen:
            return full_url
        self._seen.add(full_url)
        rtype = resource["resourceType"]
        system = self.site.system(kind)
        if rtype == "Provenance":
            resource["id"] = full_url.removeprefix("urn:uuid:")
            request = {"method": "PUT", "url": f"Provenance/{resource['id']}"}
        else:
            ident = {"system": system, "value": str(value)}
            resource["identifier"] = ident if rtype in _ONE_IDENTIFIER else [ident]
            request = {"method": "PUT", "url": f"{rtype}?identifier={system}|{value}"}
        self.entries.append({"fullUrl": full_url, "resource": _ordered(resource),
                             "request": request})
        return full_url

    def extend(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if entry["fullUrl"] not in self._seen:
                self._seen.add(entry["fullUrl"])
                self.entries.append(entry)


def _ordered(resource: dict[str, Any]) -> dict[str, Any]:
    """resourceType, meta and identifier first, for people reading the file."""
    keys: tuple[str, ...] = ("resourceType", "id", "meta", "identifier")
    head: dict[str, Any] = {k: resource[k] for k in keys if k in resource}
    return {**head, **{k: v for k, v in resource.items() if k not in head}}


def bundle(site: FhirSite, what: str, entries: list[dict[str, Any]],
           timestamp: str) -> dict[str, Any]:
    """A transaction Bundle: its id and identifier depend only on what it is of
    ("session-12", "course-K-204"), never on how many entries it holds."""
    return {"resourceType": "Bundle",
            "id": site.full_url("bundle", what).removeprefix("urn:uuid:"),
            "identifier": {"system": site.system("bundle"), "value": what},
            "type": "transaction", "timestamp": timestamp, "entry": entries}
