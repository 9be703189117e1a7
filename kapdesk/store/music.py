"""Music in the database: what is known about each audio file, each patient's vetoed
tracks, and every track played in a session (start, end, skipped and why).

Paths are stored in one spelling (core.playlist.track_key), so a file reached through
two playlists is one track. A cached entry is used only while the file's size and
modification time are those it was examined with. Vetoes are audited.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kapdesk.core.clock import Clock
from kapdesk.core.errors import ValidationError
from kapdesk.core.playlist import TrackInfo, track_key
from kapdesk.core.text_rules import check_reason
from kapdesk.store.audit import AuditTrail
from kapdesk.store.connection import Database
from kapdesk.store.timefmt import from_db, to_db

OUTCOMES = ("played", "skipped", "stopped")
GAIN_SOURCES = MappingProxyType({"tags": "replaygain", "measured": "measured"})  # in TrackInfo

_INFO_COLS = ("path, size, mtime, duration_s, integrated_lufs, true_peak_dbfs, gain_db, "
              "gain_source, tags, error, checked_at")
_PLAY_COLS = "id, session_id, phase, path, started_at, ended_at, outcome, reason"


@dataclass(frozen=True)
class Veto:
    id: int
    patient_code: str
    path: str
    reason: str
    created_by: int
    created_at: datetime


@dataclass(frozen=True)
class Play:
    id: int
    session_id: int
    phase: str
    path: str
    started_at: datetime
    ended_at: datetime | None  # None while it plays
    outcome: str | None  # "played", "skipped" or "stopped"; None while it plays
    reason: str


def file_stamp(path: Path | str) -> tuple[int, float]:
    """(size in bytes, modification time) of a file, as the cache compares them."""
    st = os.stat(path)
    return st.st_size, st.st_mtime


def _play(row: tuple[Any, ...]) -> Play:
    pid, sid, phase, path, started, ended, outcome, reason = row
    return Play(pid, sid, phase, path, from_db(started),
                from_db(ended) if ended is not None else None, outcome, reason)


class MusicStore:
    def __init__(self, db: Database, clock: Clock, audit: AuditTrail | None = None) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit or AuditTrail(db, clock)

    # -- what is known about each file -------------------------------------------------

    def track_info(self, path: Path | str) -> TrackInfo | None:
        """The cached entry, or None if there is none, the file is gone, or it changed."""
        key = track_key(path)
        row = self._db.execute(f"SELECT {_INFO_COLS} FROM music_tracks WHERE path = ?",
                               [key]).fetchone()
        if row is None:
            return None
        try:
            size, mtime = file_stamp(key)
        except OSError:
            return None
        if (size, mtime) != (row[1], row[2]):
            return None
        return TrackInfo(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                         json.loads(row[8]), row[9], from_db(row[10]))

    def put_track_info(self, info: TrackInfo) -> TrackInfo:
        """Store (or replace) what was learnt about a file, stamped with the time now."""
        key = track_key(info.path)
        checked_at = self._clock.now()
        with self._db.atomic():
            self._db.execute(
                f"INSERT INTO music_tracks ({_INFO_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime,"
                " duration_s = excluded.duration_s, integrated_lufs = excluded.integrated_lufs,"
                " true_peak_dbfs = excluded.true_peak_dbfs, gain_db = excluded.gain_db,"
                " gain_source = excluded.gain_source, tags = excluded.tags,"
                " error = excluded.error, checked_at = excluded.checked_at",
                [key, info.size, info.mtime, info.duration_s, info.integrated_lufs,
                 info.true_peak_dbfs, info.gain_db, info.gain_source,
                 json.dumps(info.tags, ensure_ascii=False, sort_keys=True), info.error,
                 to_db(checked_at)])
        return TrackInfo(key, info.size, info.mtime, info.duration_s, info.integrated_lufs,
                         info.true_peak_dbfs, info.gain_db, info.gain_source, dict(info.tags),
                         info.error, checked_at)

    def put_loudness(self, path: Path | str, stamp: tuple[int, float], gain_db: float | None,
                     integrated_lufs: float | None, true_peak_dbfs: float | None,
                     source: str, duration_s: float | None = None,
                     error: str | None = None) -> TrackInfo | None:
        """Store a loudness found in the background into the file's entry (kept: its tags
        and length, if the entry is of the same version of the file). None, and nothing
        stored, if the file has changed since it was measured or is gone."""
        key = track_key(path)
        try:
            if file_stamp(key) != tuple(stamp):
                return None
        except OSError:
            return None
        known = self.track_info(key)
        base = known if known is not None else TrackInfo(key, stamp[0], stamp[1])
        if gain_db is None:
            return self.put_track_info(replace(base, error=f"cannot be measured: {error}"))
        return self.put_track_info(replace(
            base, duration_s=base.duration_s if base.duration_s is not None else duration_s,
            integrated_lufs=integrated_lufs, true_peak_dbfs=true_peak_dbfs, gain_db=gain_db,
            gain_source=GAIN_SOURCES.get(source, source), error=None))

    # -- vetoes ------------------------------------------------------------------------

    def _patient_id(self, code: str) -> int:
        row = self._db.execute("SELECT id FROM patients WHERE code = ?",
                               [code.strip()]).fetchone()
        if row is None:
            raise ValidationError(f"There is no patient '{code.strip()}'.")
        return int(row[0])

    def vetoes(self, code: str) -> list[Veto]:
        rows = self._db.execute(
            "SELECT v.id, p.code, v.path, v.reason, v.created_by, v.created_at "
            "FROM music_vetoes v JOIN patients p ON p.id = v.patient_id WHERE p.code = ? "
            "ORDER BY v.created_at, v.id", [code.strip()]).fetchall()
        return [Veto(r[0], r[1], r[2], r[3], r[4], from_db(r[5])) for r in rows]

    def vetoed_paths(self, code: str) -> set[str]:
        """The patient's vetoed files (for core.playlist.without_vetoed)."""
        return {v.path for v in self.vetoes(code)}

    def add_veto(self, code: str, path: Path | str, user_id: int, reason: str = "") -> Veto:
        """The patient does not want this track. Adding it again changes nothing."""
        reason = check_reason(reason, "The reason for the veto")
        patient_id = self._patient_id(code)
        key = track_key(path)
        existing = next((v for v in self.vetoes(code) if v.path == key), None)
        if existing is not None:
            return existing
        with self._db.atomic():
            cursor = self._db.execute(
                "INSERT INTO music_vetoes (patient_id, path, reason, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [patient_id, key, reason.strip(), user_id, to_db(self._clock.now())])
            veto_id = int(cursor.lastrowid or 0)
            self._audit.append(user_id, "create", "music_veto", veto_id, None,
                               {"patient": code.strip(), "path": key, "reason": reason.strip()})
        return next(v for v in self.vetoes(code) if v.id == veto_id)

    def remove_veto(self, code: str, path: Path | str, user_id: int, reason: str = "") -> bool:
        """Lift a veto. False if there was none. The audit keeps what was lifted and why."""
        reason = check_reason(reason, "The reason for lifting the veto")
        key = track_key(path)
        existing = next((v for v in self.vetoes(code) if v.path == key), None)
        if existing is None:
            return False
        with self._db.atomic():
            self._db.execute("DELETE FROM music_vetoes WHERE id = ?", [existing.id])
            self._audit.append(user_id, "delete", "music_veto", existing.id,
                               {"patient": existing.patient_code, "path": key,
                                "reason": existing.reason}, {"reason": reason.strip()})
        return True

    # -- plays in a session --------------------------------------------------------------

    def _insert_play(self, session_id: int, phase: str, path: Path | str, outcome: str | None,
                     reason: str) -> int:
        now = to_db(self._clock.now())
        try:
            with self._db.atomic():
                cursor = self._db.execute(
                    "INSERT INTO music_plays (session_id, phase, path, started_at, ended_at, "
                    "outcome, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [session_id, phase, track_key(path), now, now if outcome else None,
                     outcome, reason.strip()])
        except sqlite3.IntegrityError:
            raise ValidationError(f"There is no session {session_id}.") from None
        return int(cursor.lastrowid or 0)

    def start_play(self, session_id: int, phase: str, path: Path | str) -> int:
        """A track started playing (audible) in the session; returns the play's id."""
        return self._insert_play(session_id, phase, path, None, "")

    def record_skip(self, session_id: int, phase: str, path: Path | str, reason: str) -> int:
        """A track that never played (missing, unreadable, vetoed...), and why."""
        return self._insert_play(session_id, phase, path, "skipped", reason)

    def end_play(self, play_id: int, outcome: str = "played", reason: str = "") -> Play:
        """The track ended: played to its end, skipped (next pressed), or stopped."""
        if outcome not in OUTCOMES:
            raise ValidationError(f"A play ends as {', '.join(OUTCOMES)}, not {outcome!r}.")
        with self._db.atomic():
            changed = self._db.execute(
                "UPDATE music_plays SET ended_at = ?, outcome = ?, reason = ? "
                "WHERE id = ? AND ended_at IS NULL",
                [to_db(self._clock.now()), outcome, reason.strip(), play_id]).rowcount
        if not changed:
            raise ValidationError(f"Play {play_id} is unknown or has already ended.")
        return self.play(play_id)

    def end_open_plays(self, session_id: int, reason: str) -> int:
        """Close plays left open (the app stopped while music played) as stopped."""
        with self._db.atomic():
            return self._db.execute(
                "UPDATE music_plays SET ended_at = ?, outcome = 'stopped', reason = ? "
                "WHERE session_id = ? AND ended_at IS NULL",
                [to_db(self._clock.now()), reason.strip(), session_id]).rowcount

    def play(self, play_id: int) -> Play:
        row = self._db.execute(f"SELECT {_PLAY_COLS} FROM music_plays WHERE id = ?",
                               [play_id]).fetchone()
        if row is None:
            raise ValidationError(f"There is no play {play_id}.")
        return _play(row)

    def plays(self, session_id: int) -> list[Play]:
        """Every track started or skipped in the session, in order."""
        rows = self._db.execute(
            f"SELECT {_PLAY_COLS} FROM music_plays WHERE session_id = ? ORDER BY id",
            [session_id]).fetchall()
        return [_play(r) for r in rows]
