"""What a typed word may hold: patient codes, reasons, names. Pure rules, used by store.

A patient code is a short pseudonym that lists, exports and file names show, so it holds
no control characters (NUL, escape), no invisible format characters and no bidirectional
overrides (U+202E would show "K-014" for another code), and is at most 40 characters.
A reason or a name is free text of bounded length; a reason may span lines.

A note (the session note, an amendment to it, an integration session's note) is at most
MAX_NOTE characters, kept as typed (not stripped). 20,000 characters is about 3,000 words,
some eight printed pages: several times the longest session note a clinic writes (a
progress note runs to a few hundred words), while a note that long, even as one unbroken
line, lays out in a text box in about 0.06 s (a 300,000-character one took 7-11 s, and
3.75 s at each resize). A note stored before the bound (an old backup) still opens:
`shown_note` gives the part that fits and says how much is left out of sight.
"""

from __future__ import annotations

import unicodedata

from kapdesk.core.errors import ValidationError

MAX_CODE = 40
MAX_NAME = 120  # a side effect, a medicine, a route, a lot number
MAX_REASON = 2000  # a reason for a correction, a skip, an early discharge...
MAX_NOTE = 20_000  # a session note, an amendment to it, an integration note (see above)
NOTE_WARN_AT = 18_000  # the note editor shows its count from here on

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


def over_by(text: str, limit: int = MAX_NOTE) -> int:
    """How many characters `text` is over `limit` (0 when it fits)."""
    return max(0, len(text) - limit)


def check_note(text: object, what: str = "The note") -> str:
    """A note, as typed (not stripped); ValidationError in words, with how much it is over,
    when it is longer than MAX_NOTE characters."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValidationError(f"{what} must be text.")
    over = over_by(text)
    if over:
        raise ValidationError(f"{what} is at most {MAX_NOTE:,} characters; this one is "
                              f"{len(text):,}, {over:,} over. Shorten it to save it.")
    return text


def shown_note(text: str) -> str:
    """What a note box shows of a stored note: all of it when it fits the bound; else its
    first MAX_NOTE characters and a line that says how much more the record holds (a
    longer one, from before the bound, stays whole in the record and its exports)."""
    over = over_by(text)
    if not over:
        return text
    return (text[:MAX_NOTE] + f"\n\n[… {over:,} more characters not shown: this note is "
            f"{len(text):,} characters, longer than the {MAX_NOTE:,} a note may hold now. "
            "The record and its exports keep it whole.]")


def like_contains(query: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') that matches `query` literally anywhere."""
    escaped = (query.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", _LIKE_ESCAPE + "%")
               .replace("_", _LIKE_ESCAPE + "_"))
    return f"%{escaped}%"
