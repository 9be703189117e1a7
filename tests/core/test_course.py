"""Course spacing rules, and the [spacing] table of a protocol template."""

from datetime import UTC, datetime, timedelta

import pytest

from kapdesk.core.course import SpacingRules, spacing_warnings
from kapdesk.core.protocol import Protocol, ProtocolError, parse_protocol

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
RULES = SpacingRules()
NO_INTEGRATION = "No integration session has been recorded since the last dose."


def hours_ago(*hours: float) -> list[datetime]:
    return [NOW - timedelta(hours=h) for h in hours]


def test_default_rules() -> None:
    assert (RULES.min_hours_between, RULES.max_in_window, RULES.window_days,
            RULES.want_integration) == (48, 2, 7, True)


def test_first_dose_of_a_course_has_no_warnings() -> None:
    assert spacing_warnings(NOW, [], False, RULES) == []


def test_no_warnings_when_spacing_is_fine() -> None:
    assert spacing_warnings(NOW, hours_ago(72), True, RULES) == []
    assert spacing_warnings(NOW, hours_ago(48), True, RULES) == []  # exactly 48 h is enough


def test_less_than_48_hours_since_the_last_dose() -> None:
    assert spacing_warnings(NOW, hours_ago(30), True, RULES) == [
        "Only 30 h since the last dose (2026-03-09 03:00 UTC); the protocol asks for at "
        "least 48 h."]
    # 47.9 h is not shown as "48 h", which would read as enough
    assert spacing_warnings(NOW, hours_ago(47.9), True, RULES) == [
        "Only 47 h since the last dose (2026-03-08 09:06 UTC); the protocol asks for at "
        "least 48 h."]


def test_the_last_dose_is_the_latest_whatever_the_order_given() -> None:
    warned = spacing_warnings(NOW, hours_ago(100, 20, 60), True,
                              SpacingRules(max_in_window=5))
    assert warned == ["Only 20 h since the last dose (2026-03-09 13:00 UTC); the protocol "
                      "asks for at least 48 h."]


def test_a_third_dose_in_a_rolling_7_days() -> None:
    assert spacing_warnings(NOW, hours_ago(6 * 24, 3 * 24), True, RULES) == [
        "This would be dosing session 3 in 7 days; the protocol allows 2."]


def test_the_7_day_window_rolls() -> None:
    # a dose exactly 7 days ago has left the window; one a minute younger has not
    assert spacing_warnings(NOW, hours_ago(7 * 24, 3 * 24), True, RULES) == []
    warned = spacing_warnings(NOW, [NOW - timedelta(days=7) + timedelta(minutes=1),
                                    NOW - timedelta(days=3)], True, RULES)
    assert warned == ["This would be dosing session 3 in 7 days; the protocol allows 2."]
    assert spacing_warnings(NOW, hours_ago(20 * 24, 10 * 24, 3 * 24), True, RULES) == []


def test_no_integration_since_the_last_dose() -> None:
    assert spacing_warnings(NOW, hours_ago(96), False, RULES) == [NO_INTEGRATION]
    assert spacing_warnings(NOW, hours_ago(96), False,
                            SpacingRules(want_integration=False)) == []


def test_all_three_warnings_together() -> None:
    warned = spacing_warnings(NOW, hours_ago(120, 24), False, RULES)
    assert warned == [
        "Only 24 h since the last dose (2026-03-09 09:00 UTC); the protocol asks for at "
        "least 48 h.",
        "This would be dosing session 3 in 7 days; the protocol allows 2.",
        NO_INTEGRATION]


def test_doses_after_the_planned_time_are_ignored() -> None:
    assert spacing_warnings(NOW, [NOW + timedelta(hours=1)], False, RULES) == []


def test_custom_rules_in_the_words() -> None:
    rules = SpacingRules(min_hours_between=72.5, max_in_window=1, window_days=3.5)
    assert spacing_warnings(NOW, hours_ago(50), True, rules) == [
        "Only 50 h since the last dose (2026-03-08 07:00 UTC); the protocol asks for at least "
        "72.5 h.",
        "This would be dosing session 2 in 3.5 days; the protocol allows 1."]


# -- the [spacing] table -------------------------------------------------------------------

SOURCE = "clinic/spaced.toml"
BASE = """\
id = "spaced"
name = "Spaced protocol"
route = "intramuscular"
session_minutes = 120

[[phases]]
key = "peak"
name = "Peak"
start = 0
end = 45

[[cues]]
id = "vitals"
at = 15
kind = "vitals"
text = "Take vitals"
"""
SPACING_LINE = BASE.count("\n") + 2  # a blank line, then [spacing]


def with_spacing(body: str) -> str:
    return BASE + "\n[spacing]\n" + body


def refused(text: str) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text, SOURCE)
    return info.value


def test_a_protocol_without_spacing_uses_the_defaults() -> None:
    assert parse_protocol(BASE, SOURCE).spacing == SpacingRules()


def test_a_valid_spacing_table() -> None:
    protocol = parse_protocol(with_spacing(
        "min_hours_between = 72\nmax_in_window = 1\nwindow_days = 10.5\n"
        "want_integration = false\n"), SOURCE)
    assert protocol.spacing == SpacingRules(72.0, 1, 10.5, False)
    partial = parse_protocol(with_spacing("max_in_window = 3\n"), SOURCE)
    assert partial.spacing == SpacingRules(max_in_window=3)
    # stored with each session as JSON, and read back the same
    assert Protocol.from_dict(protocol.to_dict()).spacing == protocol.spacing


def test_unknown_spacing_key_names_the_spacing_line() -> None:
    error = refused(with_spacing("min_hours_between = 72\nmax_per_week = 2\n"))
    assert error.line == SPACING_LINE
    assert error.reason == "spacing: unknown setting 'max_per_week'"
    assert str(error) == f"{SOURCE}, line {SPACING_LINE}: spacing: unknown setting 'max_per_week'"


@pytest.mark.parametrize(("body", "reason"), [
    ('min_hours_between = "two days"',
     "spacing: min_hours_between must be a number of hours, not 'two days'"),
    ("window_days = true", "spacing: window_days must be a number of days, not True"),
    ("max_in_window = 2.5", "spacing: max_in_window must be a whole number, not 2.5"),
    ('max_in_window = "2"', "spacing: max_in_window must be a whole number, not '2'"),
    ('want_integration = "no"', "spacing: want_integration must be true or false, not 'no'"),
    ("want_integration = 0", "spacing: want_integration must be true or false, not 0"),
])
def test_bad_spacing_values_are_refused_in_words(body: str, reason: str) -> None:
    error = refused(with_spacing(body + "\n"))
    assert (error.source, error.line, error.reason) == (SOURCE, SPACING_LINE, reason)


@pytest.mark.parametrize("body", [
    "min_hours_between = -1", "max_in_window = 0", "window_days = 0", "window_days = -7",
    "min_hours_between = inf", "min_hours_between = nan", "window_days = inf",
    "max_in_window = 100000",
])
def test_out_of_range_spacing_values_are_refused(body: str) -> None:
    error = refused(with_spacing(body + "\n"))
    assert error.line == SPACING_LINE
    assert error.reason == ("spacing: min_hours_between must be 0 to 8784 hours, "
                            "max_in_window 1 to 100, window_days more than 0 and at most 366")


def test_spacing_that_is_not_a_table_is_refused() -> None:
    text = BASE.replace('session_minutes = 120\n', 'session_minutes = 120\nspacing = 48\n')
    error = refused(text)
    assert error.reason == "'spacing' must be a [spacing] table"
    assert error.line == 5  # the line that sets it
    assert str(error) == f"{SOURCE}, line 5: 'spacing' must be a [spacing] table"


def test_zero_hours_between_is_allowed() -> None:
    protocol = parse_protocol(with_spacing("min_hours_between = 0\n"), SOURCE)
    assert protocol.spacing.min_hours_between == 0.0
