"""Accounts on a real database: Argon2id hashes, lockout, PIN rules, the last admin."""

import pytest
from argon2 import PasswordHasher

from kapdesk.store.accounts import AccountStore, AuthError

PASSWORD = "a long passphrase"


@pytest.fixture
def accounts(db, clock, audit):
    return AccountStore(db, clock, audit)


@pytest.fixture
def admin(accounts):
    return accounts.create("Ada Admin", "ada", "admin", PASSWORD, None)


def test_passwords_are_argon2id_above_the_owasp_minimum(accounts, admin, db):
    stored = db.execute("SELECT password_hash FROM users WHERE id = ?", [admin.id]).fetchone()[0]
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2 and int(params["p"]) >= 1
    assert PASSWORD not in stored
    PasswordHasher().verify(stored, PASSWORD)  # standard Argon2id, readable by any tool


def test_first_admin_then_login(accounts, admin):
    assert not accounts.needs_first_admin()
    assert accounts.login("ADA", PASSWORD).id == admin.id  # usernames ignore case


def test_short_password_refused(accounts):
    with pytest.raises(Exception, match="at least 10 characters"):
        accounts.create("Bo", "bo", "clinician", "short", None)


def test_wrong_passwords_lock_the_account_for_a_rising_time(accounts, admin, clock, audit):
    for _ in range(4):
        with pytest.raises(AuthError, match="wrong password"):
            accounts.login("ada", "not the password")
    with pytest.raises(AuthError, match="locked for 30 s"):
        accounts.login("ada", "not the password")
    with pytest.raises(AuthError, match="locked for 30 s more"):
        accounts.login("ada", PASSWORD)  # even the right password waits
    clock.advance(31)
    with pytest.raises(AuthError, match="locked for 60 s"):
        accounts.login("ada", "wrong again")
    clock.advance(61)
    assert accounts.login("ada", PASSWORD).id == admin.id
    assert accounts.account(admin.id).failed == 0
    failures = [r for r in audit.rows("account", admin.id) if r["action"] == "login_failed"]
    assert len(failures) == 6 and all(r["user_id"] == admin.id for r in failures)


def test_unknown_user_gets_the_same_message(accounts, admin):
    with pytest.raises(AuthError, match=r"^Unknown username or wrong password\.$"):
        accounts.login("nobody", PASSWORD)


def test_pin_unlocks_only_after_todays_full_login(accounts, clock):
    nurse = accounts.create("Sam Okafor", "sam", "clinician", PASSWORD, None)
    accounts.set_pin(nurse.id, "4321")
    with pytest.raises(AuthError):
        accounts.unlock(nurse.id, "4321")  # no full login yet today
    accounts.login("sam", PASSWORD)
    assert accounts.unlock(nurse.id, "4321").id == nurse.id
    clock.advance(24 * 3600)
    with pytest.raises(AuthError):
        accounts.unlock(nurse.id, "4321")  # a new day needs the password first
    assert accounts.unlock(nurse.id, PASSWORD).id == nurse.id
    assert accounts.unlock(nurse.id, "4321").id == nurse.id


def test_the_last_admin_cannot_be_removed_or_demoted(accounts, admin):
    with pytest.raises(AuthError, match="last admin"):
        accounts.set_role(admin.id, "clinician", admin.id)
    with pytest.raises(AuthError, match="last admin"):
        accounts.deactivate(admin.id, admin.id)
    second = accounts.create("Bea Admin", "bea", "admin", PASSWORD, admin.id)
    accounts.set_role(admin.id, "clinician", second.id)
    assert accounts.account(admin.id).user.role == "clinician"


def test_deactivated_accounts_cannot_log_in_but_keep_their_id(accounts, admin):
    nurse = accounts.create("Sam Okafor", "sam", "clinician", PASSWORD, admin.id)
    accounts.deactivate(nurse.id, admin.id)
    with pytest.raises(AuthError):
        accounts.login("sam", PASSWORD)
    assert accounts.account(nurse.id).user.display_name == "Sam Okafor"


def test_account_changes_are_audited_with_who(accounts, admin, audit):
    nurse = accounts.create("Sam Okafor", "sam", "clinician", PASSWORD, admin.id)
    accounts.set_role(nurse.id, "staff", admin.id)
    rows = audit.rows("account.role", nurse.id)
    assert rows[-1]["user_id"] == admin.id and '"staff"' in rows[-1]["new"]
