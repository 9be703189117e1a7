"""Where the data lives: --data-dir, KAPDESK_DATA_DIR, the platform default, and bad folders."""

import os
import shutil
import site
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

import kapdesk
from kapdesk.core.errors import KapdeskError
from kapdesk.paths import (
    DB_NAME,
    ENV_DATA_DIR,
    DataDirError,
    Paths,
    builtin_protocols_dir,
    default_data_dir,
)
from kapdesk.store.database import DatabaseError, open_database
from kapdesk.store.settings import SettingsStore

NOBODY = 65534

# Run as another user: try the data folder, then the database in it; print what was said.
ATTEMPT = """\
import sys
from pathlib import Path
from kapdesk.paths import DataDirError, Paths
from kapdesk.store.database import DatabaseError, open_database
folder = Path(sys.argv[1])
try:
    Paths(folder).ensure()
except DataDirError as exc:
    print("ensure:", exc)
try:
    open_database(folder / "kapdesk.sqlite3").conn.close()
except DatabaseError as exc:
    print("open:", exc)
"""


def test_data_dir_flag_beats_the_environment(tmp_path: Path, data_dir: Path) -> None:
    assert os.environ[ENV_DATA_DIR] == str(data_dir)
    assert Paths.resolve(tmp_path / "flag").data_dir == tmp_path / "flag"
    assert Paths.resolve(str(tmp_path / "text")).data_dir == tmp_path / "text"


def test_environment_beats_the_platform_default(data_dir: Path) -> None:
    assert Paths.resolve().data_dir == data_dir
    assert Paths.resolve(None).data_dir != default_data_dir()


@pytest.mark.parametrize("env_value", [None, ""])
def test_platform_default_when_nothing_is_given(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path, env_value: str | None) -> None:
    if env_value is None:
        monkeypatch.delenv(ENV_DATA_DIR)
    else:
        monkeypatch.setenv(ENV_DATA_DIR, env_value)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    expected = Path(platformdirs.user_data_dir("KAPdesk", appauthor=False)).resolve()
    assert Paths.resolve().data_dir == expected == default_data_dir().resolve()
    if sys.platform.startswith("linux"):
        assert expected == tmp_path / "xdg" / "KAPdesk"


def test_home_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Paths.resolve("~/notes").data_dir == tmp_path / "notes"


def test_files_and_folders_inside_the_data_dir(tmp_path: Path) -> None:
    paths = Paths(tmp_path)
    assert paths.database == tmp_path / DB_NAME == tmp_path / "kapdesk.sqlite3"
    assert paths.log_file == tmp_path / "kapdesk.log"
    assert paths.protocol_dirs() == [builtin_protocols_dir(), tmp_path / "protocols"]
    assert builtin_protocols_dir() == Path(kapdesk.__file__).parent / "protocols"
    assert (builtin_protocols_dir() / "im-kap.toml").is_file()


def test_ensure_creates_a_missing_folder(data_dir: Path) -> None:
    assert not data_dir.exists()
    paths = Paths.resolve()
    paths.ensure()
    assert data_dir.is_dir()
    assert (data_dir.stat().st_mode & 0o777) == 0o700
    for sub in (paths.protocols_dir, paths.playlists_dir, paths.backups_dir):
        assert sub.is_dir()
    assert sorted(p.name for p in data_dir.iterdir()) == ["backups", "playlists", "protocols"]


def test_ensure_is_idempotent_and_keeps_what_is_there(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b" / "data"
    Paths(folder).ensure()
    (folder / "protocols" / "mine.toml").write_text("x", encoding="utf-8")
    Paths(folder).ensure()
    assert (folder / "protocols" / "mine.toml").read_text(encoding="utf-8") == "x"


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("keep", encoding="utf-8")
    with pytest.raises(DataDirError) as info:
        Paths(afile).ensure()
    assert str(info.value) == (f"The data folder {afile} is a file, not a folder. "
                               "Choose another with --data-dir.")
    assert afile.read_text(encoding="utf-8") == "keep"


def test_parent_is_a_regular_file(tmp_path: Path) -> None:
    parent = tmp_path / "not-a-folder"
    parent.write_text("keep", encoding="utf-8")
    folder = parent / "data"
    with pytest.raises(DataDirError) as info:
        Paths(folder).ensure()
    assert isinstance(info.value, KapdeskError)
    assert str(info.value) == (f"The data folder {folder} does not exist and cannot be created "
                               "(Not a directory). Choose another with --data-dir.")
    assert parent.read_text(encoding="utf-8") == "keep"


def test_read_only_system_folder_is_refused() -> None:
    """Even root cannot create files at the top of sysfs: the read-only path, simulated."""
    folder = Path("/sys")
    if not folder.is_dir():
        pytest.skip("no /sys on this system")
    with pytest.raises(DataDirError) as info:
        Paths(folder).ensure()
    message = str(info.value)
    assert message.startswith(f"The data folder {folder} is read-only (")
    assert "KAPdesk cannot save notes there. Nothing was changed." in message
    assert "--data-dir" in message


def _nobody_python() -> tuple[str, dict[str, str]] | None:
    """An interpreter that user nobody can run with this project's packages, if any."""
    root = Path(kapdesk.__file__).resolve().parent.parent
    env = {"PATH": "/usr/bin:/bin", "HOME": "/", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": os.pathsep.join([str(root), *site.getsitepackages()])}
    probe = (f"import sys; assert sys.version_info[:2] == {tuple(sys.version_info[:2])}; "
             "import kapdesk.paths, kapdesk.store.database")
    for exe in dict.fromkeys([sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"]):
        try:
            done = subprocess.run([exe, "-c", probe], user=NOBODY, group=NOBODY,
                                  extra_groups=[], env=env, cwd="/", capture_output=True,
                                  timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return exe, env
    return None


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temp folder other users can enter (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="kapdesk-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def attempt_read_only(folder: Path) -> list[str]:
    """Try the folder with write permission taken away; returns what KAPdesk said."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        said = []
        try:
            try:
                Paths(folder).ensure()
            except DataDirError as exc:
                said.append(f"ensure: {exc}")
            try:
                open_database(folder / DB_NAME).conn.close()
            except DatabaseError as exc:
                said.append(f"open: {exc}")
        finally:
            folder.chmod(0o755)
        return said
    # root writes anywhere: ask user nobody, for whom a root-owned 0755 folder is read-only
    runner = _nobody_python()
    if runner is None:
        pytest.skip("no Python interpreter that user nobody can run with these packages")
    exe, env = runner
    done = subprocess.run([exe, "-c", ATTEMPT, str(folder)], user=NOBODY, group=NOBODY,
                          extra_groups=[], env=env, cwd="/", capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_read_only_folder_with_a_database_is_refused_and_untouched(shared_tmp: Path) -> None:
    folder = shared_tmp / "data"
    Paths(folder).ensure()
    folder.chmod(0o755)
    db = open_database(folder / DB_NAME)
    SettingsStore(db).set("theme_level", "night")
    db.conn.close()
    (folder / DB_NAME).chmod(0o644)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
              for p in folder.iterdir() if p.is_file()}
    assert set(before) == {DB_NAME}

    said = attempt_read_only(folder)

    assert len(said) == 2, said
    assert said[0].startswith(f"ensure: The data folder {folder} is read-only (")
    assert "KAPdesk cannot save notes there. Nothing was changed." in said[0]
    assert said[1].startswith(f"open: The database {folder / DB_NAME} cannot be ")
    assert "damaged" not in said[1]  # a healthy file in a read-only folder is not corrupt
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
             for p in folder.iterdir() if p.is_file()}
    assert after == before  # same bytes, same mtime, no -wal, -shm or write-test file
    db = open_database(folder / DB_NAME)
    try:
        assert SettingsStore(db).get("theme_level") == "night"
    finally:
        db.conn.close()
