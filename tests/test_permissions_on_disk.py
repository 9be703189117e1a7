"""Health records on disk are the owner's alone: folders 0700, files 0600."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_app_writes_owner_only_folders_and_files(tmp_path):
    folder = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--data-dir",
                             str(folder)], capture_output=True, text=True, env=env,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert _mode(folder) == 0o700
    for sub in ("protocols", "playlists", "backups"):
        assert _mode(folder / sub) == 0o700, sub
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_an_existing_loose_folder_and_database_are_tightened(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    made = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", "--data-dir",
                           str(folder)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert made.returncode == 0, made.stdout + made.stderr
    os.chmod(folder / "kapdesk.sqlite3", 0o644)
    again = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", "--data-dir",
                            str(folder)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert again.returncode == 0
    assert _mode(folder) == 0o700
    assert _mode(folder / "kapdesk.sqlite3") == 0o600
