"""Commands without a window, run as a user would: a real process, real files."""

import sqlite3

from tests.run_cli import kapdesk


def test_demo_writes_invented_history_then_check_passes(tmp_path):
    folder = tmp_path / "demo"
    made = kapdesk("demo", "--data-dir", str(folder))
    assert made.returncode == 0, made.stderr
    assert "patients" in made.stdout
    db = sqlite3.connect(folder / "kapdesk.sqlite3")
    closed = db.execute("SELECT count(*) FROM sessions WHERE state = 'closed'").fetchone()[0]
    planned = db.execute("SELECT count(*) FROM sessions WHERE state = 'planned'").fetchone()[0]
    cue_events = db.execute("SELECT count(*) FROM session_events WHERE kind LIKE 'cue_%'"
                            ).fetchone()[0]
    assert closed >= 10 and planned == 1 and cue_events > 100
    check = kapdesk("check", "--data-dir", str(folder))
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip().endswith(": ok")
    again = kapdesk("demo", "--data-dir", str(folder))
    assert again.returncode == 2 and "already holds sessions" in again.stderr


def test_bad_arguments_exit_2_with_one_line():
    result = kapdesk("demo", "--no-such-flag")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unrecognized arguments: --no-such-flag" in result.stderr


def test_newer_database_is_refused_and_left_untouched(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "kapdesk.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE from_the_future (x)")
    db.execute("PRAGMA user_version = 999")
    db.commit()
    db.close()
    before = path.read_bytes()
    result = kapdesk("check", "--data-dir", str(folder))
    assert result.returncode == 2
    assert "newer version of KAPdesk" in result.stderr and str(path) in result.stderr
    assert path.read_bytes() == before
    assert not (folder / "kapdesk.sqlite3-wal").exists()


def test_data_dir_that_cannot_be_created_names_the_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = kapdesk("check", "--data-dir", str(blocker / "data"))
    assert result.returncode == 2
    assert "cannot be created" in result.stderr and str(blocker / "data") in result.stderr


def test_broken_clinic_protocol_is_reported_and_the_rest_still_load(tmp_path):
    folder = tmp_path / "data"
    (folder / "protocols").mkdir(parents=True)
    (folder / "protocols" / "broken.toml").write_text('id = "x"\nname = [unclosed\n')
    result = kapdesk("check", "--data-dir", str(folder))
    assert result.returncode == 1
    assert "broken.toml, line 2" in result.stdout


def test_self_test_passes_from_source():
    result = kapdesk("--self-test", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("self-test ok:")
