"""Playlist sets on disk: one folder per set, `set.toml` and one `PHASE.m3u8` per phase.

    name = "Ambient for IM KAP"
    description = "..."
    curator = "..."
    tags = ["ambient"]

    [targets]            # minutes of music wanted in each phase
    onset = 10

    [tracks."../../assets/audio/slow-tide.ogg"]   # optional, keyed like the m3u8 entries
    tags = ["ocean"]
    lyrics = "none"      # or "other_language", "patient_language"

A set.toml that cannot be used raises PlaylistError naming the file, the line and the
reason; `load_sets` reports it and loads the other sets.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kapdesk.core.limits import (
    MAX_PLAYLIST_ENTRIES,
    MAX_TARGET_MINUTES,
    MAX_TEMPLATE_BYTES,
    FileRefused,
    finite_in,
    read_bounded,
)
from kapdesk.core.playlist.m3u import playlist_entry, read_m3u, write_m3u8, write_text_atomic
from kapdesk.core.playlist.model import (
    LYRICS,
    PHASES,
    Lyrics,
    PlaylistError,
    PlaylistProblem,
    PlaylistSet,
    Track,
    phase_name,
    track_key,
)

_TOP_KEYS = ("name", "description", "curator", "tags", "targets", "tracks")
_TRACK_KEYS = ("tags", "lyrics")
_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_DOTTED_PART = re.compile(r"\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|$)")


def _header_parts(header: str) -> tuple[str, ...]:
    parts: list[str] = []
    for match in _DOTTED_PART.finditer(header):
        token = match.group(1)
        if token.startswith('"'):
            token = json.loads(token)
        elif token.startswith("'"):
            token = token[1:-1]
        parts.append(token)
    return tuple(parts)


def _line_of(text: str, table: tuple[str, ...], key: str = "") -> int | None:
    """The line of `key = ...` in [table] (() is the top level), else the table's header."""
    current: tuple[str, ...] = ()
    header_line: int | None = None
    key_re = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if match:
            current = _header_parts(match.group(1))
            if current == table and header_line is None:
                header_line = number
            continue
        if current == table and key and key_re.match(line):
            return number
    return header_line


def _text(data: dict[str, Any], key: str, fail: Any, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise fail((), key, f"'{key}' must be {'non-empty ' if required else ''}text")
    return value.strip()


def _tags(value: object, fail: Any, table: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise fail(table, "tags", "'tags' must be a list of words, e.g. [\"ambient\"]")
    return tuple(dict.fromkeys(t.strip() for t in value if t.strip()))


def _targets(value: object, fail: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise fail((), "targets", "'targets' must be a [targets] table of minutes per phase")
    targets = dict.fromkeys(PHASES, 0.0)
    for phase, minutes in value.items():
        if phase not in PHASES:
            raise fail(("targets",), phase,
                       f"unknown phase '{phase}' (use one of: {', '.join(PHASES)})")
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or \
                not finite_in(minutes, 0, MAX_TARGET_MINUTES):
            raise fail(("targets",), phase,
                       f"the target of '{phase}' must be a number of minutes from 0 to "
                       f"{MAX_TARGET_MINUTES}, not {minutes!r}")
        targets[phase] = float(minutes)
    return targets


def _track_meta(value: object, folder: Path, fail: Any,
                ) -> dict[str, tuple[frozenset[str], Lyrics]]:
    if not isinstance(value, dict):
        raise fail((), "tracks", "'tracks' must hold one [tracks.\"path\"] table per track")
    if len(value) > MAX_PLAYLIST_ENTRIES:
        raise fail((), "tracks", f"{len(value):,} [tracks] tables; at most "
                   f"{MAX_PLAYLIST_ENTRIES:,}")
    meta: dict[str, tuple[frozenset[str], Lyrics]] = {}
    for entry, table in value.items():
        where = ("tracks", entry)
        if not isinstance(table, dict):
            raise fail(("tracks",), entry, f"track '{entry}' must be a table")
        unknown = sorted(set(table) - set(_TRACK_KEYS))
        if unknown:
            raise fail(where, unknown[0], f"track '{entry}': unknown setting '{unknown[0]}'")
        lyrics = table.get("lyrics", "none")
        if lyrics not in LYRICS:
            raise fail(where, "lyrics",
                       f"track '{entry}': lyrics must be one of {', '.join(LYRICS)}")
        tags = frozenset(_tags(table.get("tags", []), fail, where))
        meta[track_key(folder / entry.replace("\\", "/"))] = (tags, lyrics)
    return meta


def load_set(folder: Path) -> tuple[PlaylistSet, list[PlaylistProblem]]:
    """Read one set folder. Raises PlaylistError when its set.toml cannot be used;
    returns the set and the problems that do not stop it (missing files, web addresses)."""
    source = folder / "set.toml"
    if not os.path.lexists(source):
        raise PlaylistError(str(source), None, "missing: a set folder needs a set.toml")
    try:
        text = read_bounded(source, MAX_TEMPLATE_BYTES).decode("utf-8-sig")
    except FileRefused as exc:
        raise PlaylistError(str(source), None, str(exc)) from None
    except UnicodeDecodeError as exc:
        raise PlaylistError(str(source), None, f"cannot be read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        raise PlaylistError(str(source), int(at.group(1)) if at else None,
                            f"not valid TOML ({exc})") from None
    except RecursionError:
        raise PlaylistError(str(source), None, "is nested too deeply to read (arrays or "
                            "tables inside each other hundreds of levels deep)") from None

    def fail(table: tuple[str, ...], key: str, reason: str) -> PlaylistError:
        return PlaylistError(str(source), _line_of(text, table, key), reason)

    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        raise fail((), unknown[0], f"unknown setting '{unknown[0]}'")
    if "name" not in data:
        raise fail((), "", "missing 'name'")
    playlist_set = PlaylistSet(
        id=folder.name, name=_text(data, "name", fail, required=True), folder=folder,
        description=_text(data, "description", fail), curator=_text(data, "curator", fail),
        tags=_tags(data.get("tags", []), fail, ()),
        target_minutes=_targets(data.get("targets", {}), fail))
    meta = _track_meta(data.get("tracks", {}), folder, fail)
    problems: list[PlaylistProblem] = []
    for phase in PHASES:
        path = playlist_set.phase_file(phase)
        if not os.path.lexists(path):
            minutes = playlist_set.target_minutes[phase]
            if minutes > 0:
                problems.append(PlaylistProblem(
                    str(path), None, f"missing: the {phase_name(phase)} phase has no tracks "
                    f"but a target of {minutes:g} min", "empty"))
            continue
        tracks, found = read_m3u(path)
        problems.extend(found)
        playlist_set.phases[phase] = [_with_meta(t, meta) for t in tracks]
    return playlist_set, problems


def _with_meta(track: Track, meta: dict[str, tuple[frozenset[str], Lyrics]]) -> Track:
    if track.key not in meta:
        return track
    tags, lyrics = meta[track.key]
    return Track(track.path, track.title, track.artist, track.duration_s, tags, lyrics)


def load_sets(folders: Iterable[Path]) -> tuple[list[PlaylistSet], list[PlaylistProblem]]:
    """Every set (a sub-folder with a set.toml) in the folders, in order; a later folder's
    set with the same id (folder name) wins. A broken set is reported; the others load."""
    found: dict[str, PlaylistSet] = {}
    problems: list[PlaylistProblem] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        subs = sorted(p for p in folder.iterdir() if os.path.lexists(p / "set.toml"))
        for sub in subs:
            try:
                playlist_set, more = load_set(sub)
            except PlaylistError as exc:
                problems.append(exc.problem)
                continue
            found[playlist_set.id] = playlist_set
            problems.extend(more)
    return list(found.values()), problems


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def _toml_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def format_set_toml(playlist_set: PlaylistSet) -> str:
    s = playlist_set
    lines = [
        "# A KAPdesk playlist set; each phase's tracks are in PHASE.m3u8 beside this file.",
        f"name = {_toml_str(s.name)}",
        f"description = {_toml_str(s.description)}",
        f"curator = {_toml_str(s.curator)}",
        f"tags = {_toml_list(s.tags)}",
        "",
        "[targets]  # minutes of music wanted in each phase",
    ]
    lines += [f"{p} = {_toml_number(s.target_minutes.get(p, 0.0))}" for p in PHASES]
    entries = {playlist_entry(t.path, s.folder): t for t in s.all_tracks()
               if t.tags or t.lyrics != "none"}
    for entry, track in sorted(entries.items()):
        lines += ["", f"[tracks.{_toml_str(entry)}]",
                  f"tags = {_toml_list(sorted(track.tags))}",
                  f"lyrics = {_toml_str(track.lyrics)}"]
    return "\n".join(lines) + "\n"


def save_set(playlist_set: PlaylistSet) -> None:
    """Write set.toml and every phase's m3u8 into the set's folder (created if new)."""
    playlist_set.folder.mkdir(parents=True, exist_ok=True)
    for phase in PHASES:
        write_m3u8(playlist_set.phases[phase], playlist_set.phase_file(phase))
    write_text_atomic(playlist_set.set_file, format_set_toml(playlist_set))
