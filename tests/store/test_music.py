"""The music store: the file cache, per-patient vetoes (audited) and plays in a session."""

import os
import sqlite3
from pathlib import Path

import pytest

from kapdesk.core.clock import FakeClock
from kapdesk.core.errors import ValidationError
from kapdesk.core.playlist import Track, TrackInfo, track_key, without_vetoed
from kapdesk.core.protocol import Protocol
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.music import MusicStore, file_stamp
from kapdesk.store.patients import PatientStore
from kapdesk.store.sessions import SessionStore
from tests.store.conftest import preparing


@pytest.fixture
def music(db: Database, clock: FakeClock, audit: AuditTrail) -> MusicStore:
    return MusicStore(db, clock, audit)


@pytest.fixture
def song(tmp_path: Path) -> Path:
    path = tmp_path / "music" / "slow-tide.ogg"
    path.parent.mkdir()
    path.write_bytes(b"0" * 1000)
    return path


def info_for(path: Path, **fields: object) -> TrackInfo:
    size, mtime = file_stamp(path)
    return TrackInfo(str(path), size, mtime, **fields)  # type: ignore[arg-type]


def test_cache_round_trip(music: MusicStore, song: Path, clock: FakeClock) -> None:
    assert music.track_info(song) is None
    stored = music.put_track_info(info_for(
        song, duration_s=241.5, integrated_lufs=-23.1, true_peak_dbfs=-7.9, gain_db=5.1,
        gain_source="measured", tags={"title": "Slow Tide", "artist": "Sea Chöir"}))
    got = music.track_info(song.parent / ".." / "music" / song.name)  # any spelling
    assert got == stored
    assert got is not None and got.checked_at == clock.now()
    assert (got.path, got.gain_db, got.tags["artist"]) == (track_key(song), 5.1, "Sea Chöir")


def test_cache_is_stale_when_size_or_mtime_change(music: MusicStore, song: Path,
                                                  clock: FakeClock, db: Database) -> None:
    music.put_track_info(info_for(song, duration_s=10.0))
    assert music.track_info(song) is not None
    st = song.stat()
    os.utime(song, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    assert music.track_info(song) is None  # touched
    music.put_track_info(info_for(song, duration_s=11.0))
    assert music.track_info(song).duration_s == 11.0  # type: ignore[union-attr]
    mtime_ns = song.stat().st_mtime_ns
    song.write_bytes(b"1" * 999)
    os.utime(song, ns=(mtime_ns, mtime_ns))  # same mtime, other size
    assert music.track_info(song) is None
    clock.advance(60)
    again = music.put_track_info(info_for(song, error="not an audio file"))
    assert music.track_info(song) == again and again.duration_s is None
    song.unlink()
    assert music.track_info(song) is None
    assert db.execute("SELECT count(*) FROM music_tracks").fetchone()[0] == 1


def test_vetoes_are_per_patient_unique_and_audited(
        music: MusicStore, patients: PatientStore, user_id: int, audit: AuditTrail,
        song: Path, tmp_path: Path, db: Database) -> None:
    patients.save("P-001", user_id)
    patients.save("P-002", user_id)
    veto = music.add_veto(" P-001 ", song, user_id, reason=" reminds her of a funeral ")
    assert (veto.patient_code, veto.path, veto.reason) == (
        "P-001", track_key(song), "reminds her of a funeral")
    assert music.add_veto("P-001", str(song.parent / "." / song.name), user_id) == veto
    assert music.vetoes("P-001") == [veto] and music.vetoes("P-002") == []
    assert music.vetoed_paths("P-001") == {track_key(song)}
    other = Track(tmp_path / "other.ogg")
    assert without_vetoed([Track(song), other], music.vetoed_paths("P-001")) == [other]
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO music_vetoes (patient_id, path, created_by, created_at)"
                          " SELECT patient_id, path, created_by, created_at FROM music_vetoes")
    rows = audit.rows("music_veto")
    assert [(r["action"], r["entity_id"], r["user_id"]) for r in rows] == [
        ("create", veto.id, user_id)]  # adding it again was not a change
    assert music.remove_veto("P-001", song, user_id, reason="asked for it back")
    assert not music.remove_veto("P-001", song, user_id)
    assert music.vetoes("P-001") == []
    rows = audit.rows("music_veto")
    assert rows[-1]["action"] == "delete" and "funeral" in rows[-1]["old"]
    assert "asked for it back" in rows[-1]["new"]
    assert audit.verify() is None


def test_veto_needs_a_known_patient(music: MusicStore, user_id: int, song: Path) -> None:
    with pytest.raises(ValidationError, match="no patient 'P-404'"):
        music.add_veto("P-404", song, user_id)


def test_plays_in_a_session(music: MusicStore, sessions: SessionStore, im_kap: Protocol,
                            user_id: int, clock: FakeClock, song: Path) -> None:
    sid = preparing(sessions, im_kap, user_id)
    first = music.start_play(sid, "onset", song)
    clock.advance(240)
    ended = music.end_play(first)
    assert (ended.outcome, (ended.ended_at - ended.started_at).total_seconds()) == ("played", 240)
    skipped = music.record_skip(sid, "onset", song.parent / "gone.ogg", "file not found")
    second = music.start_play(sid, "peak", song)
    clock.advance(30)
    music.end_play(second, "skipped", "patient asked for something else")
    third = music.start_play(sid, "peak", song)
    plays = music.plays(sid)
    assert [(p.id, p.phase, p.outcome, p.reason) for p in plays] == [
        (first, "onset", "played", ""),
        (skipped, "onset", "skipped", "file not found"),
        (second, "peak", "skipped", "patient asked for something else"),
        (third, "peak", None, ""),
    ]
    assert plays[1].started_at == plays[1].ended_at and plays[3].ended_at is None
    assert plays[1].path == track_key(song.parent / "gone.ogg")
    assert music.end_open_plays(sid, "the app was closed") == 1
    assert music.play(third).outcome == "stopped"


def test_plays_are_ended_once_and_never_rewritten(
        music: MusicStore, sessions: SessionStore, im_kap: Protocol, user_id: int,
        song: Path, db: Database) -> None:
    sid = preparing(sessions, im_kap, user_id)
    play = music.start_play(sid, "onset", song)
    with pytest.raises(ValidationError, match="ends as played, skipped, stopped"):
        music.end_play(play, "paused")
    music.end_play(play, "stopped", "session ended")
    with pytest.raises(ValidationError, match="already ended"):
        music.end_play(play)
    with pytest.raises(ValidationError, match="unknown"):
        music.end_play(999)
    with pytest.raises(sqlite3.IntegrityError, match="never rewritten"):
        db.execute("UPDATE music_plays SET outcome = 'played'")
    with pytest.raises(sqlite3.IntegrityError, match="session record"):
        db.execute("DELETE FROM music_plays")
    with pytest.raises(ValidationError, match="no session 77"):
        music.start_play(77, "onset", song)
    assert [p.outcome for p in music.plays(sid)] == ["stopped"]


def test_a_loudness_found_in_the_background_joins_the_files_entry(db, clock, tmp_path) -> None:
    store = MusicStore(db, clock)
    path = tmp_path / "a.ogg"
    path.write_bytes(b"some audio")
    stamp = file_stamp(path)
    store.put_track_info(TrackInfo(str(path), *stamp, duration_s=12.5, tags={"title": "A"}))
    info = store.put_loudness(path, stamp, -3.5, -14.5, -2.0, "tags", 12.0)
    assert info is not None and info.gain_db == -3.5 and info.gain_source == "replaygain"
    kept = store.track_info(path)
    assert kept == info and kept.tags == {"title": "A"} and kept.duration_s == 12.5
    failed = store.put_loudness(path, stamp, None, None, None, "", None, "the file is empty")
    assert failed is not None and failed.error == "cannot be measured: the file is empty"
    path.write_bytes(b"other audio, longer")  # changed since it was measured: not stored
    assert store.put_loudness(path, stamp, -1.0, -17.0, -3.0, "measured") is None
    assert store.put_loudness(tmp_path / "gone.ogg", (1, 1.0), -1.0, -17.0, -3.0,
                              "measured") is None
