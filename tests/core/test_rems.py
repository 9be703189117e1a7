"""The REMS form's small rules: names split for the form, dates as MM/DD/YYYY."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kapdesk.core.rems import split_name, us_date


@pytest.mark.parametrize("typed,parts", [
    ("Dr Ana Silva", (["Dr"], ["Ana"], "Silva", [])),
    ("Sam Okafor, RN", ([], ["Sam"], "Okafor", ["RN"])),
    ("Mary Ann de Souza", ([], ["Mary", "Ann", "de"], "Souza", [])),
    ("Cher", ([], [], "Cher", [])),
    ("Dr", ([], [], "Dr", [])),
    ("", ([], [], "", [])),
])
def test_names_split_as_the_form_asks(typed: str, parts: tuple) -> None:
    assert split_name(typed) == parts


def test_us_dates() -> None:
    assert us_date("1984-05-12") == "05/12/1984"
    assert us_date("12/05/1984") is None and us_date("") is None and us_date(None) is None
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert us_date(late, UTC) == "03/02/2026"
    assert us_date(late, timezone(timedelta(hours=2))) == "03/03/2026"  # the clinic's day
