"""What `check` found of the audit chain's anchors outside the database: the problems,
what it compared, and the warnings (kapdesk.store.anchor fills it; the backups' part is
kapdesk.store.backup_heads)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AnchorReport:
    problems: list[str] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
