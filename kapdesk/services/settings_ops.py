"""Settings changes as operations: who may change which setting, each checked and written in
one transaction.

Two kinds. The room's own choices (`ROOM_CHOICES`: the theme level, the music's volume,
the chime on escalation) are the signed-in user's to make, whatever their role; they change
how the room looks and sounds, not the record, and are not audited. The clinic's settings
(`CLINIC_SETTINGS`: the CADSS items' wording, the clinic's name on every exported page, the
default protocol, the automatic lock, the cue answer window) are an admin's
(Action.EDIT_SETTINGS) and change clinical behaviour: each change is audited ("update",
entity "setting", the key with its old and new value) in the transaction that writes it.

Every value is checked before anything is written; a bad one is refused in words naming
the setting. A key that is neither is refused too: nothing writes an unknown setting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kapdesk.core.accounts import User
from kapdesk.core.errors import KapdeskError, ValidationError
from kapdesk.core.observations import check_cadss_wording
from kapdesk.core.permissions import Action, PermissionDenied
from kapdesk.services.operations import Op, OpChanges
from kapdesk.services.operations import check as check_role
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.settings import SettingsStore

SETTINGS = OpChanges(settings=True)
THEME_LEVELS = ("dark", "night")  # kapdesk.ui.theme.THEMES has one theme for each
CADSS_WORDING = "cadss_item_text"
__all__ = ["CADSS_WORDING", "CLINIC_SETTINGS", "ROOM_CHOICES", "SETTINGS", "THEME_LEVELS",
           "SettingsOps"]

Checker = Callable[[Any], Any]


def _theme(value: Any) -> str:
    if value not in THEME_LEVELS:
        raise ValidationError(f"The theme level is one of {', '.join(THEME_LEVELS)}, not "
                              f"'{str(value)[:40]}'.")
    return str(value)


def _number(label: str, low: float, high: float, whole: bool = False) -> Checker:
    def checked(value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or not low <= value <= high \
                or (whole and value != int(value)):
            kind = "a whole number" if whole else "a number"
            raise ValidationError(f"{label} is {kind} from {low:g} to {high:g}, not "
                                  f"'{str(value)[:40]}'.")
        return int(value) if whole else float(value)
    return checked


def _flag(label: str) -> Checker:
    def checked(value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"{label} is on or off (true or false), not "
                                  f"'{str(value)[:40]}'.")
        return value
    return checked


def _text(label: str, limit: int) -> Checker:
    def checked(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{label} needs words.")
        text = value.strip()
        if len(text) > limit or any(ord(c) < 32 for c in text):
            raise ValidationError(f"{label} is one line of at most {limit} characters.")
        return text
    return checked


def _cadss(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValidationError("The CADSS wording is one line of words per item.")
    return check_cadss_wording(value)


def _answer_window(value: Any) -> dict[str, int | float]:
    if not isinstance(value, Mapping) or set(value) != {"before_min", "after_min"}:
        raise ValidationError("The cue answer window is minutes before and after the due "
                              "time (before_min, after_min).")
    return {key: _number(f"The answer window's {key}", 0, 60)(value[key])
            for key in ("before_min", "after_min")}


ROOM_CHOICES: dict[str, Checker] = {
    "theme_level": _theme,
    "music_volume": _number("The music's volume", 0, 1),
    "chime_on_escalation": _flag("The chime on escalation"),
}
CLINIC_SETTINGS: dict[str, Checker] = {
    CADSS_WORDING: _cadss,
    "clinic_name": _text("The clinic's name", 120),
    "default_protocol": _text("The default protocol", 80),
    "lock_minutes": _number("The automatic lock", 1, 60, whole=True),
    "cue_answer_window": _answer_window,
}


@dataclass(frozen=True)
class Changed:
    key: str
    value: Any


class SettingsOps:
    def __init__(self, db: Database, settings: SettingsStore, audit: AuditTrail) -> None:
        self._db = db
        self._settings = settings
        self._audit = audit

    def get(self, key: str) -> Any:
        """A setting's value (its default when none is stored). No role: reading."""
        return self._settings.get(key)

    def change(self, user: User | None, key: str, value: Any) -> Op[Changed]:
        """Set `key` to `value`: a room choice for anyone signed in, a clinic setting for
        an admin (audited)."""
        if key in ROOM_CHOICES:
            if user is None:
                raise PermissionDenied("Signed out, you cannot change the room's settings: "
                                       "sign in first.")
            clean = ROOM_CHOICES[key](value)
            with self._db.atomic():
                self._settings.set(key, clean)
            return Op(Changed(key, clean), SETTINGS, "Setting saved")
        if key not in CLINIC_SETTINGS:
            raise KapdeskError(f"There is no setting '{key[:40]}' to change.")
        actor = check_role(user, Action.EDIT_SETTINGS)
        clean = CLINIC_SETTINGS[key](value)
        with self._db.atomic():
            old = self._settings.get(key)
            self._settings.set(key, clean)
            self._audit.append(actor.id, "update", "setting", None, {key: old}, {key: clean})
        return Op(Changed(key, clean), SETTINGS, "Clinic setting saved")

    # -- the room's choices, by name ---------------------------------------------------

    def set_theme_level(self, user: User | None, level: str) -> Op[Changed]:
        return self.change(user, "theme_level", level)

    def set_music_volume(self, user: User | None, level: float) -> Op[Changed]:
        return self.change(user, "music_volume", level)

    def set_chime(self, user: User | None, on: bool) -> Op[Changed]:
        return self.change(user, "chime_on_escalation", on)

    def set_cadss_wording(self, user: User | None,
                          wording: Mapping[Any, Any]) -> Op[Changed]:
        return self.change(user, CADSS_WORDING, wording)
