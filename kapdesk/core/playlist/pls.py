"""PLS playlists (Winamp's and many players' export): `[playlist]`, then numbered
`FileN=`, `TitleN=`, `LengthN=` entries, `NumberOfEntries=` and `Version=2`.

Read as forgivingly as M3U (kapdesk.core.playlist.m3u): any case in the keys, entries in
the order of their numbers (not of their lines), paths relative to the playlist's folder,
`file://` addresses, Windows backslashes; a title is kept whole; a length of 0 or -1 is
unknown. Problems name the file and the line; none stops the rest loading.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kapdesk.core.playlist.m3u import (
    binary_problem,
    decode_playlist,
    known_length,
    read_m3u,
    split_lines,
    track_entry,
)
from kapdesk.core.playlist.model import PlaylistProblem, Track

_KEY = re.compile(r"^(file|title|length)(\d+)$", re.IGNORECASE)
_OTHER_KEYS = frozenset({"numberofentries", "version"})


def read_playlist(path: Path) -> tuple[list[Track], list[PlaylistProblem]]:
    """Read a playlist by its kind: PLS for `.pls`, else M3U/M3U8."""
    if path.suffix.lower() != ".pls":
        return read_m3u(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = f"cannot be read ({exc.strerror or exc})"
        return [], [PlaylistProblem(str(path), None, reason, "unreadable")]
    return parse_pls(decode_playlist(data), path.parent, str(path))


def parse_pls(text: str, base_dir: Path, source: str = "<playlist>",
              ) -> tuple[list[Track], list[PlaylistProblem]]:
    """The tracks of a PLS text, and the problems found (each names `source` and a line)."""
    text = text.removeprefix("\ufeff")
    refused = binary_problem(text, source)
    if refused is not None:
        return [], [refused]
    base = Path(os.path.abspath(base_dir))
    files: dict[int, tuple[int, str, str]] = {}  # number -> (line, as written, stripped)
    titles: dict[int, str] = {}
    lengths: dict[int, float | None] = {}
    problems: list[PlaylistProblem] = []
    header = False
    for number, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("["):
            header = header or line.lower() == "[playlist]"
            continue
        key, sep, value = raw.lstrip().partition("=")
        match = _KEY.match(key.strip())
        if not sep or match is None:
            if key.strip().lower() not in _OTHER_KEYS:
                problems.append(PlaylistProblem(source, number, f"'{line[:60]}' is not a "
                                                "PLS entry (FileN=, TitleN= or LengthN=)"))
            continue
        kind, entry = match.group(1).lower(), int(match.group(2))
        if kind == "file":
            if entry in files:
                problems.append(PlaylistProblem(
                    source, number, f"File{entry} is given twice (line {files[entry][0]} "
                    "too); the later one is used"))
            files[entry] = (number, value.rstrip("\r\n"), value.strip())
        elif kind == "title":
            titles[entry] = value.strip()
        else:
            lengths[entry] = known_length(value)
    if not files:
        reason = ("holds no entries (File1=...)" if header
                  else "is not a PLS playlist (no [playlist] section or File1= entry)")
        return [], [*problems, PlaylistProblem(source, None, reason, "empty")]
    tracks: list[Track] = []
    for entry in sorted(files):
        number, written, value = files[entry]
        if not value:
            problems.append(PlaylistProblem(source, number, f"File{entry} names no file"))
            continue
        path, problem = track_entry(written, value, base, source, number)
        if problem is not None:
            problems.append(problem)
        if path is not None:
            tracks.append(Track(path, titles.get(entry) or path.stem, "",
                                lengths.get(entry)))
    return tracks, problems
