"""User profiles and clinic settings."""

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import ValidationError
from kapdesk.store.database import open_database
from kapdesk.store.settings import DEFAULTS, SettingsStore
from kapdesk.store.users import ROLES, User, UserStore


@pytest.fixture
def users(db: sqlite_utils.Database, clock: FakeClock) -> UserStore:
    return UserStore(db, clock)


@pytest.fixture
def settings(db: sqlite_utils.Database) -> SettingsStore:
    return SettingsStore(db)


def test_add_a_user(users: UserStore, db: sqlite_utils.Database) -> None:
    user = users.add("  Dr Ana Silva ")
    assert user == User(user.id, "dr.ana.silva", "Dr Ana Silva", "clinician")
    assert users.get(user.id) == user
    created = db.execute("SELECT created_at FROM users WHERE id = ?", [user.id]).fetchone()[0]
    assert created == "2026-03-02T09:00:00.000000+00:00"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_accepted(users: UserStore, role: str) -> None:
    assert users.add(f"Person {role}", role=role).role == role


def test_usernames_stay_unique(users: UserStore) -> None:
    first = users.add("Sam Lee")
    second = users.add("Sam Lee")
    third = users.add("Someone Else", username="sam.lee")
    assert [first.username, second.username, third.username] == [
        "sam.lee", "sam.lee2", "sam.lee3"]
    assert len({u.username for u in users.all()}) == 3


def test_the_database_refuses_a_duplicate_username(users: UserStore,
                                                   db: sqlite_utils.Database) -> None:
    users.add("Sam Lee")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO users (username, display_name, role, created_at) "
                   "VALUES ('sam.lee', 'Impostor', 'admin', 'now')")


def test_bad_role_is_refused(users: UserStore, db: sqlite_utils.Database) -> None:
    with pytest.raises(ValidationError) as info:
        users.add("Nurse Kim", role="nurse")
    assert str(info.value) == "Unknown role 'nurse' (use one of: clinician, staff, admin)."
    assert users.all() == []
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):  # and the table agrees
        db.execute("INSERT INTO users (username, display_name, role, created_at) "
                   "VALUES ('kim', 'Kim', 'nurse', 'now')")


@pytest.mark.parametrize("name", ["", "   "])
def test_a_profile_needs_a_name(users: UserStore, name: str) -> None:
    with pytest.raises(ValidationError, match=r"^A profile needs a name\.$"):
        users.add(name)
    assert users.all() == []


def test_username_from_a_name_without_letters(users: UserStore) -> None:
    assert users.add("???").username == "user"


def test_all_is_ordered_by_name_and_unknown_id_raises(users: UserStore) -> None:
    users.add("Zoe")
    users.add("Adam")
    assert [u.display_name for u in users.all()] == ["Adam", "Zoe"]
    with pytest.raises(KeyError, match="no user 999"):
        users.get(999)


def test_settings_defaults(settings: SettingsStore) -> None:
    assert settings.get("theme_level") == "dark"
    assert settings.get("chime_on_escalation") is False  # quiet by default
    assert settings.get("default_protocol") == "im-kap"
    assert settings.get("current_user_id") is None
    assert settings.get("no-such-setting") is None
    assert {k: settings.get(k) for k in DEFAULTS} == DEFAULTS


@pytest.mark.parametrize("value", [
    "night", True, 0, 2.5, None, ["a", "b"], {"systolic": 180, "nested": {"x": [1]}},
])
def test_settings_set_and_get(settings: SettingsStore, value: object) -> None:
    settings.set("some_setting", value)
    assert settings.get("some_setting") == value


def test_setting_overrides_a_default_and_can_change(settings: SettingsStore,
                                                    db: sqlite_utils.Database) -> None:
    settings.set("theme_level", "night")
    assert settings.get("theme_level") == "night"
    settings.set("theme_level", "dark")
    assert settings.get("theme_level") == "dark"
    assert db.execute("SELECT count(*) FROM settings WHERE key = 'theme_level'"
                      ).fetchone()[0] == 1


def test_settings_survive_a_restart(db: sqlite_utils.Database, db_path: Path) -> None:
    SettingsStore(db).set("chime_on_escalation", True)
    db.conn.close()
    again = open_database(db_path)
    try:
        assert SettingsStore(again).get("chime_on_escalation") is True
    finally:
        again.conn.close()
