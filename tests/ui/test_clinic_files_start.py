"""Issue 10 item 14: no clinic file and no stored template can stop the room starting.

The app is started the way app.py starts it (build_services, build_window) over a data
folder holding every hostile clinic file of the issue at once; the room opens, the good
templates are offered, each bad file is named, and `kapdesk check` reports each.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kapdesk.core.session import State
from kapdesk.store.database import open_database
from kapdesk.store.sessions import SessionStore
from tests.core.test_clinic_file_limits import BAD_TEMPLATES, GOOD


def _hostile_folder(data_dir: Path) -> int:
    """Every bad clinic file of the issue in one data folder; returns how many files."""
    protocols = data_dir / "protocols"
    playlists = data_dir / "playlists"
    protocols.mkdir(parents=True)
    playlists.mkdir(parents=True)
    count = 0
    for i, (old, new, _words) in enumerate(BAD_TEMPLATES):
        (protocols / f"bad-{i:02d}.toml").write_text(GOOD.replace(old, new, 1), encoding="utf-8")
        count += 1
    (protocols / "nested.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000)
    with (protocols / "huge.toml").open("wb") as f:
        f.truncate(50_000_000)
    (protocols / "zero.toml").symlink_to("/dev/zero")
    os.mkfifo(protocols / "pipe.toml")
    (protocols / "clinic-a.toml").write_text(GOOD, encoding="utf-8")
    (protocols / "clinic-b.toml").write_text(GOOD, encoding="utf-8")  # the same id
    count += 6
    (playlists / "folder-set" / "set.toml").mkdir(parents=True)
    for name, target in (("nan-set", "nan"), ("inf-set", "inf")):
        (playlists / name).mkdir()
        (playlists / name / "set.toml").write_text(f'name = "X"\n[targets]\npeak = {target}\n')
    zero = playlists / "zero-set"
    zero.mkdir()
    (zero / "set.toml").write_text('name = "Zero"\n')
    (zero / "peak.m3u8").symlink_to("/dev/zero")
    os.mkfifo(zero / "onset.m3u8")
    (zero / "return.m3u8").write_text("a.ogg\n" * 500_000)
    count += 6
    return count


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_the_room_starts_over_every_hostile_clinic_file(make_window, data_dir: Path,
                                                        protocols) -> None:
    files = _hostile_folder(data_dir)
    assert files == 32
    window = make_window()
    assert {p.id for p in window.protocols} == set(protocols) | {"clinic-im"}
    lines = window.view.notice.text().splitlines()[1:]
    named = sorted(Path(line.split(":")[0].split(",")[0]).name for line in lines)
    assert named == sorted(n for n in os.listdir(data_dir / "protocols") if n != "clinic-a.toml")
    assert len(named) == 25  # every bad one, and not the good one
    assert window.music is not None
    assert "zero-set" in window.music.sets and window.music.sets["zero-set"].phases["peak"] == []


def _bad_stored_session(data_dir: Path, clock, protocols, change) -> int:
    db = open_database(data_dir / "kapdesk.sqlite3")
    store = SessionStore(db, clock)
    session = store.plan("K-901", protocols["im-kap"], 1)
    data = json.loads(json.dumps(protocols["im-kap"].to_dict()))
    change(data)
    with db.atomic():  # what an older version stored, before today's checks
        db.execute("UPDATE sessions SET protocol_json = ? WHERE id = ?",
                   [json.dumps(data), session.id])
    store.transition(session.id, State.PREPARING, 1)
    db.conn.close()
    return session.id


def _microsecond_repeat(data: dict) -> None:
    data["cues"][2]["repeat_every_min"] = 0.000001  # "Take vitals"


def _endless(data: dict) -> None:
    data["session_minutes"] = float("inf")
    data["min_monitoring_minutes"] = float("nan")


@pytest.mark.parametrize("change", [_microsecond_repeat, _endless])
def test_a_preparing_session_with_a_now_bad_template_still_opens(make_window, data_dir, clock,
                                                                 protocols, change) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    make_window().room.stop()  # the first start creates the database
    sid = _bad_stored_session(data_dir, clock, protocols, change)
    window = make_window()
    assert window.room.session is not None and window.room.session.id == sid
    assert window.room.session.protocol.problems
    assert f"Session {sid} keeps the template it was planned with" in window.status.text()
    window.act_dose.trigger()
    assert window.room.session.state is State.DOSED
    assert len(window.room.current.cues) < 100


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_kapdesk_check_names_each_bad_file_and_stored_template(make_window, data_dir, clock,
                                                               protocols) -> None:
    files = _hostile_folder(data_dir)
    make_window().room.stop()
    _bad_stored_session(data_dir, clock, protocols, _microsecond_repeat)
    result = subprocess.run([sys.executable, "-m", "kapdesk", "check", "--data-dir",
                             str(data_dir)], capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len([ln for ln in lines if ln.startswith("protocol: ")]) == 25
    playlist = [ln for ln in lines if ln.startswith("playlist: ")]
    assert len(playlist) == 6, playlist
    assert any(ln.startswith("session 1: stored template: cue 'Take vitals' is left out")
               for ln in lines), lines
    assert files - 25 - 6 == 1  # clinic-a.toml, the one good file
