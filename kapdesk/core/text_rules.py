"""What a typed word may hold: patient codes, reasons, names. Pure rules, used by store.

A patient code is a short pseudonym that lists, exports and file names show, so it holds
no control characters (NUL, escape), no invisible format characters and no bidirectional
overrides (U+202E would show "K-014" for another code), and is at most 40 characters.
A reason or a name is free text of bounded length; a reason may span lines.
"""

from __future__ import annotations

import unicodedata

from kapdesk.core.errors import ValidationError

MAX_CODE = 40
MAX_NAME = 120  # a side effect, a medicine, a route, a lot number
MAX_REASON = 2000  # a reason for a correction, a skip, an early discharge...

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # control, format, surrogate, ...
_LIKE_ESCAPE = "\\"


def _bad_character(text: str, allow_newlines: bool) -> str | None:
    for char in text:
        if allow_newlines and char in "\n\t":
            continue
        if unicodedata.category(char) in _INVISIBLE:
            name = unicodedata.name(char, "")
            return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")
    return None


def check_patient_code(code: object) -> str:
    """The code, stripped; ValidationError in words when it cannot be a patient code."""
    if not isinstance(code, str) or not code.strip():
        raise ValidationError("A patient needs a pseudonymous code.")
    code = code.strip()
    if len(code) > MAX_CODE:
        raise ValidationError(f"A patient code is at most {MAX_CODE} characters; this one "
                              f"is {len(code)}.")
    bad = _bad_character(code, allow_newlines=False)
    if bad:
        raise ValidationError(f"A patient code cannot hold the invisible or control character "
                              f"{bad}: type the code again with letters, digits and dashes.")
    return code


def check_text(text: object, what: str, limit: int = MAX_NAME, *,
               lines: bool = False) -> str:
    """Free text (a name when `lines` is False, a reason when True), stripped and bounded;
    empty text is returned as "" (whether it may be empty is the caller's rule)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValidationError(f"{what} must be text.")
    text = text.strip()
    if len(text) > limit:
        raise ValidationError(f"{what} is at most {limit:,} characters; this is "
                              f"{len(text):,}.")
    bad = _bad_character(text, allow_newlines=lines)
    if bad:
        raise ValidationError(f"{what} cannot hold the invisible or control character {bad}.")
    return text


def check_reason(reason: object, what: str = "The reason") -> str:
    return check_text(reason, what, MAX_REASON, lines=True)


def like_contains(query: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') that matches `query` literally anywhere."""
    escaped = (query.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", _LIKE_ESCAPE + "%")
               .replace("_", _LIKE_ESCAPE + "_"))
    return f"%{escaped}%"
