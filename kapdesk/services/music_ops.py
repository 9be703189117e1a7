"""The music's record, for the room and the playlist editor.

A patient's vetoes are changed by staff curating music (Action.CURATE_MUSIC: adding a
veto, lifting one, each with its reason, in one transaction with its audit row). The rest
is the house's own record and needs no role: what each file measures (the loudness cache,
kept by whoever measured it), and what played in a session and what was skipped (written
by the room's player as it plays, whoever pressed Play). Typed rows for display.
"""

from __future__ import annotations

from pathlib import Path

from kapdesk.core.accounts import User
from kapdesk.core.permissions import Action
from kapdesk.core.playlist import TrackInfo
from kapdesk.services.operations import Op, OpChanges, check
from kapdesk.store.connection import Database
from kapdesk.store.music import MusicStore
from kapdesk.store.music import Play as Play
from kapdesk.store.music import Veto as Veto

VETOES = OpChanges(playlists=True, patient=True)
__all__ = ["VETOES", "MusicOps", "Play", "Veto"]


class MusicOps:
    def __init__(self, db: Database, music: MusicStore) -> None:
        self._db = db
        self._music = music

    # -- vetoes ------------------------------------------------------------------------

    def vetoes(self, code: str) -> list[Veto]:
        return self._music.vetoes(code)

    def vetoed_paths(self, code: str) -> set[str]:
        return self._music.vetoed_paths(code)

    def add_veto(self, user: User | None, code: str, path: Path | str,
                 reason: str = "") -> Op[Veto]:
        """The patient does not want this track (adding it again changes nothing)."""
        actor = check(user, Action.CURATE_MUSIC)
        with self._db.atomic():
            veto = self._music.add_veto(code, path, actor.id, reason)
        return Op(veto, VETOES, f"Vetoed for {veto.patient_code}")

    def remove_veto(self, user: User | None, code: str, path: Path | str,
                    reason: str = "") -> Op[bool]:
        """Lift a veto; False when there was none."""
        actor = check(user, Action.CURATE_MUSIC)
        with self._db.atomic():
            lifted = self._music.remove_veto(code, path, actor.id, reason)
        return Op(lifted, VETOES, f"Veto lifted for {code.strip()}" if lifted else "")

    # -- what the files measure --------------------------------------------------------

    def track_info(self, path: Path | str) -> TrackInfo | None:
        return self._music.track_info(path)

    def put_track_info(self, info: TrackInfo) -> TrackInfo:
        return self._music.put_track_info(info)

    def put_loudness(self, path: Path | str, stamp: tuple[int, float], gain_db: float | None,
                     integrated_lufs: float | None, true_peak_dbfs: float | None,
                     source: str, duration_s: float | None = None,
                     error: str | None = None) -> TrackInfo | None:
        return self._music.put_loudness(path, stamp, gain_db, integrated_lufs,
                                        true_peak_dbfs, source, duration_s, error)

    # -- what played in a session --------------------------------------------------------

    def start_play(self, session_id: int, phase: str, path: Path | str) -> int:
        return self._music.start_play(session_id, phase, path)

    def record_skip(self, session_id: int, phase: str, path: Path | str, reason: str) -> int:
        return self._music.record_skip(session_id, phase, path, reason)

    def end_play(self, play_id: int, outcome: str = "played", reason: str = "") -> Play:
        return self._music.end_play(play_id, outcome, reason)

    def plays(self, session_id: int) -> list[Play]:
        return self._music.plays(session_id)
