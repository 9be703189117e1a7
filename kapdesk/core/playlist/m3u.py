"""M3U and M3U8 playlists: read what any player writes; write what any player reads.

Reading is forgiving: a BOM, CRLF or CR line ends, with or without `#EXTM3U` and
`#EXTINF`, other comments, relative paths (with `..`) resolved against the playlist's
folder, absolute paths, Windows backslashes, and `file://` addresses. Web addresses and
files that are not there are reported (file and line) and never stop the rest loading.
A missing file stays in the list (the player skips it; the editor shows it, and saving
does not lose it), except a Windows drive or network path on another system, which
cannot be played here at all.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kapdesk.core.limits import (
    MAX_PLAYLIST_BYTES,
    MAX_PLAYLIST_ENTRIES,
    FileRefused,
    read_bounded,
)
from kapdesk.core.playlist.model import PlaylistProblem, Track

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_WINDOWS_ONLY = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")  # C:\... or \\server\...
_LINE_END = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # not tab, line ends or form feed
MAX_TRACK_S = 24 * 3600.0  # a longer length in a playlist is not a track's
BINARY_SHARE = 0.005  # more control characters than this: not a text file
# What the player decodes (kapdesk.audio: libsndfile, and PyAV for MP4/M4A and AAC).
AUDIO_SUFFIXES = frozenset({".ogg", ".oga", ".opus", ".mp3", ".flac", ".wav", ".aif",
                            ".aiff", ".m4a", ".mp4", ".m4b", ".aac", ".alac", ".caf"})


def decode_playlist(data: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252 as older .m3u
    files often are."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_m3u(path: Path) -> tuple[list[Track], list[PlaylistProblem]]:
    """Read an .m3u or .m3u8 file; relative entries are resolved against its folder."""
    try:
        data = read_bounded(path, MAX_PLAYLIST_BYTES)
    except FileRefused as exc:
        return [], [PlaylistProblem(str(path), None, str(exc), "unreadable")]
    return parse_m3u(decode_playlist(data), path.parent, str(path))


def parse_m3u(text: str, base_dir: Path, source: str = "<playlist>",
              ) -> tuple[list[Track], list[PlaylistProblem]]:
    """The tracks of an M3U text, and the problems found (each names `source` and a line).

    The #EXTINF name is the title as written: "A - B" is not split into an artist and a
    title (a title may hold " - "); `#EXTART:` names the artist (KAPdesk writes it), and
    a name that starts with that artist and " - " keeps the rest as the title."""
    text = text.removeprefix("\ufeff")
    refused = binary_problem(text, source)
    if refused is not None:
        return [], [refused]
    base = Path(os.path.abspath(base_dir))
    tracks: list[Track] = []
    problems: list[PlaylistProblem] = []
    info: tuple[float | None, str] | None = None
    artist = ""
    lines = split_lines(text)
    entries = sum(1 for raw in lines if raw.strip() and not raw.lstrip().startswith("#"))
    if entries > MAX_PLAYLIST_ENTRIES:
        return [], [PlaylistProblem(
            source, None, f"lists {entries:,} entries; a playlist may hold at most "
            f"{MAX_PLAYLIST_ENTRIES:,}, so none of it was loaded", "unreadable")]
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line[:8].upper() == "#EXTINF:":
                info = parse_extinf(line[8:])
            elif line[:8].upper() == "#EXTART:":
                artist = line[8:].strip()
            continue  # #EXTM3U, #EXTGRP, #PLAYLIST and any other comment
        (seconds, name), info = info or (None, ""), None
        track, problem = track_entry(raw, line, base, source, number)
        if problem is not None:
            problems.append(problem)
        if track is not None:
            if artist and name.startswith(f"{artist} - "):
                name = name[len(artist) + 3:].strip()
            tracks.append(Track(track, name or track.stem, artist, seconds))
        artist = ""
    return tracks, problems


def split_lines(text: str) -> list[str]:
    """The lines of a playlist, whatever its line ends (CRLF, CR or LF)."""
    return _LINE_END.split(text)


def binary_problem(text: str, source: str) -> PlaylistProblem | None:
    """A problem when `text` is not text at all (an audio or image file opened as a
    playlist, say), so that it is refused rather than read as junk entries."""
    sample = text[:65536]
    if not sample:
        return None
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or controls > BINARY_SHARE * len(sample):
        return PlaylistProblem(source, None, "is not a playlist: it holds binary data, not "
                               "lines of text (an audio or image file?)", "invalid")
    return None


def parse_extinf(rest: str) -> tuple[float | None, str]:
    """`seconds[ attributes],Name` -> (seconds, or None when unknown, 0 or negative; name)."""
    comma = _first_comma_outside_quotes(rest)
    head, name = (rest, "") if comma < 0 else (rest[:comma], rest[comma + 1:])
    tokens = head.split()
    return (known_length(tokens[0]) if tokens else None), name.strip()


def known_length(text: str) -> float | None:
    """A playlist's length in seconds; None when it is not a number, or 0 or -1 (both
    mean "unknown" by convention: no real track lasts 0 s), or longer than a day."""
    try:
        seconds = float(text.strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and 0 < seconds <= MAX_TRACK_S else None


def track_entry(raw: str, line: str, base: Path, source: str, number: int,
                ) -> tuple[Path | None, PlaylistProblem | None]:
    """The file an entry line names, or None; and a problem to report, if any. A name
    with leading or trailing spaces is taken as written when that file is there; a name
    that is not audio (an image, a text file) is left out with a warning."""
    path, problem = _locate(line, base, source, number)
    if raw != line and raw.strip("\r\n") != line:
        literal, _ = _locate(raw.strip("\r\n"), base, source, number)
        if literal is not None and literal.is_file():
            path, problem = literal, None
    suffix = path.suffix.strip().lower() if path is not None else ""
    if path is not None and suffix and suffix not in AUDIO_SUFFIXES:
        return None, PlaylistProblem(
            source, number, f"'{line}' is not an audio file ({suffix} files cannot "
            "be played); left out", "invalid", path)
    return path, problem


def _first_comma_outside_quotes(text: str) -> int:
    quoted = False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            return i
    return -1


def _file_url_path(entry: str) -> str:
    parts = urlsplit(entry)
    path = unquote(parts.path)
    if parts.netloc and parts.netloc.lower() != "localhost":
        return f"//{parts.netloc}{path}"  # a network share
    if re.match(r"^/[A-Za-z]:[\\/]", path):
        path = path[1:]  # file:///C:/Music/a.ogg
    return path


def _locate(entry: str, base: Path, source: str, number: int,
            ) -> tuple[Path | None, PlaylistProblem | None]:
    """The file an entry names, or None; and a problem to report, if any."""
    written = entry
    if any(ord(char) < 32 or ord(char) == 127 for char in entry):
        return None, PlaylistProblem(
            source, number, f"{_shorten(written)!r} holds a control character, so it cannot "
            "name a file", "missing")
    if entry[:7].lower() == "file://":
        entry = _file_url_path(entry)
    elif _URL.match(entry):
        return None, PlaylistProblem(
            source, number, f"'{written}' is a web address; only files on this computer "
            "can be played", "url")
    try:
        path = _local_path(entry, base)
        found = None if path is None else (path.is_file(), path.is_dir())
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte in it...
        reason = getattr(exc, "strerror", None) or str(exc)
        return None, PlaylistProblem(
            source, number, f"'{_shorten(written)}' cannot be a file here ({reason})",
            "missing")
    if path is None or found is None:
        return None, PlaylistProblem(
            source, number, f"'{written}' was not found (a Windows path, not reachable on "
            "this computer)", "missing")
    if not found[0]:
        what = "is a folder, not a file" if found[1] else "was not found"
        return path, PlaylistProblem(source, number, f"'{written}' {what} ({path})",
                                     "missing", path)
    return path, None


def _shorten(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def _local_path(entry: str, base: Path) -> Path | None:
    literal = Path(entry)
    literal = literal if literal.is_absolute() else base / literal
    if os.sep == "\\" or ("\\" not in entry and not _WINDOWS_ONLY.match(entry)):
        return Path(os.path.normpath(literal))
    if literal.exists():  # a POSIX name that really holds a backslash
        return Path(os.path.normpath(literal))
    if _WINDOWS_ONLY.match(entry):
        return None
    return Path(os.path.normpath(base / entry.replace("\\", "/")))


def playlist_entry(path: Path, base_dir: Path) -> str:
    """How a playlist in `base_dir` names `path`: relative where it can, with '/'."""
    try:
        entry = os.path.relpath(os.path.abspath(path), os.path.abspath(base_dir))
    except ValueError:  # another drive on Windows
        entry = os.path.abspath(path)
    entry = entry.replace(os.sep, "/")
    return f"./{entry}" if entry.startswith("#") or entry[:1].isspace() else entry


def format_m3u8(tracks: Iterable[Track], base_dir: Path) -> str:
    """`#EXTM3U`, then `#EXTINF:<seconds>,Artist - Title` (as other players show it),
    `#EXTART:Artist` when there is one (so the title reads back whole), and the path."""
    lines = ["#EXTM3U"]
    for track in tracks:
        seconds = -1 if track.duration_s is None else max(1, round(track.duration_s))
        lines.append(f"#EXTINF:{seconds},{_one_line(track.label)}")
        if track.artist.strip():
            lines.append(f"#EXTART:{_one_line(track.artist)}")
        lines.append(playlist_entry(track.path, base_dir))
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").strip()


def write_m3u8(tracks: Iterable[Track], playlist_path: Path) -> None:
    """Write an M3U8 (UTF-8, no BOM, paths relative to its folder), replacing atomically."""
    write_text_atomic(playlist_path, format_m3u8(tracks, playlist_path.parent))


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to a temporary file beside `path`, then move it into place."""
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("wb") as f:
        f.write(text.encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)
