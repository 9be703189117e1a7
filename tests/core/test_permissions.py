"""The role matrix and the password rules."""

from datetime import timedelta

import pytest

from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import (
    Action,
    PermissionDenied,
    Role,
    allowed,
    check_password,
    check_pin,
    lock_duration,
    require,
)

EXPECTED = {
    Role.CLINICIAN: {Action.RUN_SESSION, Action.VIEW_CLOCK, Action.ACKNOWLEDGE_CUE,
                     Action.RECORD, Action.VIEW_RECORD, Action.SIGN, Action.EXPORT,
                     Action.PLAY_MUSIC},
    Role.STAFF: {Action.VIEW_CLOCK, Action.ACKNOWLEDGE_CUE, Action.PLAY_MUSIC,
                 Action.CURATE_MUSIC},
    Role.ADMIN: {Action.VIEW_CLOCK, Action.MANAGE_ACCOUNTS, Action.EDIT_SETTINGS,
                 Action.EDIT_PROTOCOLS, Action.BACKUP},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_role_matrix(role, action):
    assert allowed(role, action) is (action in EXPECTED[role])
    if action in EXPECTED[role]:
        require(role, action)
    else:
        with pytest.raises(PermissionDenied, match=action.value):
            require(role, action)


def test_staff_never_sees_notes_or_identifiers():
    assert not allowed("staff", Action.VIEW_RECORD)
    with pytest.raises(PermissionDenied, match="Signed in as staff, you cannot see notes"):
        require("staff", Action.VIEW_RECORD)


def test_unknown_role_is_allowed_nothing():
    assert not allowed("janitor", Action.VIEW_CLOCK)


@pytest.mark.parametrize("bad", ["short", "123456789", " leading-space-password",
                                 "trailing-space-pw "])
def test_weak_passwords_are_refused(bad):
    with pytest.raises(KapdeskError):
        check_password(bad)


def test_a_ten_character_password_is_accepted():
    check_password("correct-ho")


@pytest.mark.parametrize("pin,ok", [("1234", True), ("12345678", True), ("123", False),
                                    ("123456789", False), ("12a4", False)])
def test_pins(pin, ok):
    if ok:
        check_pin(pin)
    else:
        with pytest.raises(KapdeskError, match="4 to 8 digits"):
            check_pin(pin)


def test_lock_time_rises_after_four_free_failures_and_is_capped():
    assert [lock_duration(n) for n in range(5)] == [timedelta(0)] * 5
    assert lock_duration(5) == timedelta(seconds=30)
    assert lock_duration(6) == timedelta(seconds=60)
    assert lock_duration(7) == timedelta(seconds=120)
    assert lock_duration(40) == timedelta(hours=1)
