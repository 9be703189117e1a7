"""Which sets there are (shipped, read-only; the clinic's, in the data dir) and where a
new one is saved."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from kapdesk.core.playlist.findings import PROBLEM, Finding
from kapdesk.core.playlist.sets import load_sets

# A new set starts with the IM KAP phase lengths (DOMAIN.md), with settling before.
NEW_TARGETS = MappingProxyType({"settling": 10.0, "onset": 10.0, "peak": 35.0,
                                "return": 30.0, "after": 45.0})


@dataclass(frozen=True)
class SetEntry:
    id: str
    name: str
    folder: Path
    shipped: bool

    @property
    def label(self) -> str:
        return f"{self.name} (shipped)" if self.shipped else self.name


def available_sets(shipped_dir: Path, clinic_dir: Path,
                   ) -> tuple[list[SetEntry], list[Finding]]:
    """The shipped sets, then the clinic's, each by name; and those that cannot be opened
    (a broken set.toml), in words."""
    entries: list[SetEntry] = []
    problems: list[Finding] = []
    for folder, shipped in ((shipped_dir, True), (clinic_dir, False)):
        found, broken = load_sets([folder])
        entries += [SetEntry(s.id, s.name, s.folder, shipped)
                    for s in sorted(found, key=lambda s: s.name.casefold())]
        problems += [Finding(PROBLEM, f"Cannot be opened: {p}")
                     for p in broken if p.kind == "invalid"]
    return entries, problems


def slug(name: str) -> str:
    """A folder name from a set's name: "Evening, slow" -> "evening-slow"."""
    words = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return words[:48].strip("-") or "playlist-set"


def new_folder(clinic_dir: Path, name: str) -> Path:
    """A folder for a new set that no other set uses."""
    base = slug(name)
    folder, number = clinic_dir / base, 2
    while folder.exists():
        folder, number = clinic_dir / f"{base}-{number}", number + 1
    return folder
