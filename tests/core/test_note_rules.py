"""The one rule for notes (kapdesk.core.text_rules): bounded at MAX_NOTE, kept as typed,
refused in words with how much over; what a note box shows of an older, longer note."""

import pytest

from kapdesk.core.errors import ValidationError
from kapdesk.core.text_rules import MAX_NOTE, NOTE_WARN_AT, check_note, over_by, shown_note


def test_a_note_within_the_bound_is_kept_as_typed() -> None:
    assert check_note("  two spaces\n\tand a tab\n") == "  two spaces\n\tand a tab\n"
    assert check_note(None) == ""
    assert check_note("x" * MAX_NOTE) == "x" * MAX_NOTE
    assert MAX_NOTE == 20_000 and 0 < NOTE_WARN_AT < MAX_NOTE


@pytest.mark.parametrize(("length", "words"), [
    (MAX_NOTE + 1, "this one is 20,001, 1 over"),
    (300_000, "this one is 300,000, 280,000 over"),
])
def test_a_note_past_the_bound_is_refused_saying_how_much_over(length: int,
                                                               words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_note("x" * length, "The session note")
    assert str(caught.value) == (f"The session note is at most 20,000 characters; {words}. "
                                 "Shorten it to save it.")


def test_a_note_that_is_not_text_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"The note must be text\."):
        check_note(42)


def test_over_by_and_shown_note() -> None:
    assert over_by("x" * 10, 8) == 2 and over_by("x" * 8, 8) == 0
    assert shown_note("short") == "short"
    shown = shown_note("a" * (MAX_NOTE + 1_234))
    assert shown.startswith("a" * MAX_NOTE) and not shown.startswith("a" * (MAX_NOTE + 1))
    assert "1,234 more characters not shown" in shown and "keep it whole" in shown
