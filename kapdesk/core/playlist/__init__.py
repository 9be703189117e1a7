"""Music for the room: the playlist model, its file formats and its rules (pure Python).

A playlist set has phases (settling, onset, peak, return, after), each an ordered list
of tracks. On disk a set is a folder with `set.toml` and one `PHASE.m3u8` per phase, so
any player can open the phases. Import is forgiving (any M3U, or PLS); export writes M3U8 that
reads back to the same list. Problems name the file and the line; none is fatal except
a set.toml that cannot be used, and then only for that set.
"""

from kapdesk.core.playlist.m3u import (
    AUDIO_SUFFIXES,
    decode_playlist,
    format_m3u8,
    parse_m3u,
    playlist_entry,
    read_m3u,
    write_m3u8,
)
from kapdesk.core.playlist.model import (
    LYRICS,
    LYRICS_NAMES,
    PHASE_NAMES,
    PHASES,
    Lyrics,
    PlaylistError,
    PlaylistProblem,
    PlaylistSet,
    ProblemKind,
    Track,
    TrackInfo,
    phase_name,
    track_key,
)
from kapdesk.core.playlist.pls import parse_pls, read_playlist
from kapdesk.core.playlist.rules import (
    PhaseTotal,
    check_files,
    duration_of,
    lyrics_allowed,
    lyrics_warnings,
    music_left,
    phase_total,
    phase_totals,
    without_vetoed,
)
from kapdesk.core.playlist.sets import format_set_toml, load_set, load_sets, save_set

__all__ = [
    "AUDIO_SUFFIXES",
    "LYRICS",
    "LYRICS_NAMES",
    "PHASES",
    "PHASE_NAMES",
    "Lyrics",
    "PhaseTotal",
    "PlaylistError",
    "PlaylistProblem",
    "PlaylistSet",
    "ProblemKind",
    "Track",
    "TrackInfo",
    "check_files",
    "decode_playlist",
    "duration_of",
    "format_m3u8",
    "format_set_toml",
    "load_set",
    "load_sets",
    "lyrics_allowed",
    "lyrics_warnings",
    "music_left",
    "parse_m3u",
    "parse_pls",
    "phase_name",
    "phase_total",
    "phase_totals",
    "playlist_entry",
    "read_m3u",
    "read_playlist",
    "save_set",
    "track_key",
    "without_vetoed",
    "write_m3u8",
]
