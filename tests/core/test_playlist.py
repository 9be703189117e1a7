"""M3U/M3U8 import and export, and the rules the room and the editor ask of a set."""

import os
from pathlib import Path

import pytest

from kapdesk.core.playlist import (
    PlaylistSet,
    Track,
    check_files,
    format_m3u8,
    lyrics_allowed,
    lyrics_warnings,
    music_left,
    parse_m3u,
    phase_totals,
    playlist_entry,
    read_m3u,
    track_key,
    without_vetoed,
    write_m3u8,
)

posix_only = pytest.mark.skipif(os.name == "nt", reason="Windows paths resolve on Windows")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """Music files beside and below a playlists folder."""
    for rel in ("music/ocean.ogg", "music/drone one.ogg", "music/bells.flac",
                "playlists/here.mp3", "music/#hash.ogg"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"not really audio")
    return tmp_path


def test_extm3u_with_extinf_and_relative_paths(library: Path) -> None:
    text = ("#EXTM3U\n"
            "#EXTINF:241,Sea Choir - Slow Tide\n"
            "../music/ocean.ogg\n"
            "#EXTINF:180.5,Plain Title\n"
            "here.mp3\n")
    tracks, problems = parse_m3u(text, library / "playlists", "p.m3u8")
    assert problems == []
    assert tracks == [
        Track(library / "music/ocean.ogg", "Sea Choir - Slow Tide", "", 241.0),
        Track(library / "playlists/here.mp3", "Plain Title", "", 180.5),
    ]


def test_absolute_paths_and_no_extinf(library: Path) -> None:
    text = f"{library / 'music/bells.flac'}\n{library / 'music/drone one.ogg'}\n"
    tracks, problems = parse_m3u(text, library / "playlists", "p.m3u")
    assert problems == []
    assert [(t.path, t.title, t.artist, t.duration_s) for t in tracks] == [
        (library / "music/bells.flac", "bells", "", None),
        (library / "music/drone one.ogg", "drone one", "", None),
    ]


def test_crlf_bom_blank_lines_and_other_comments(library: Path) -> None:
    text = ("\ufeff#EXTM3U\r\n\r\n#PLAYLIST:Evening\r\n#EXTGRP:calm\r\n"
            "#EXTINF:60,A - B\r\n../music/ocean.ogg\r\n   \r\n# a note\r\n"
            "../music/bells.flac\r\nhttp://radio.example/live\r\n")
    tracks, problems = parse_m3u(text, library / "playlists", "p.m3u8")
    assert [t.path.name for t in tracks] == ["ocean.ogg", "bells.flac"]
    assert (tracks[0].artist, tracks[0].title) == ("", "A - B")  # a title is not split
    assert (tracks[1].title, tracks[1].duration_s) == ("bells", None)  # #EXTINF is per entry
    assert [(p.line, p.kind) for p in problems] == [(10, "url")]  # CRLF counted once


def test_windows_backslashes_resolve_relative_to_the_playlist(library: Path) -> None:
    tracks, problems = parse_m3u("..\\music\\ocean.ogg\r\n", library / "playlists", "p.m3u")
    assert problems == []
    assert tracks[0].path == library / "music/ocean.ogg"


@posix_only
@pytest.mark.parametrize("entry", ["C:\\Music\\ocean.ogg", "D:/Music/ocean.ogg",
                                   "\\\\server\\share\\ocean.ogg"])
def test_windows_drive_paths_are_reported_not_found(library: Path, entry: str) -> None:
    text = f"#EXTM3U\n#EXTINF:10,x\n{entry}\n../music/ocean.ogg\n"
    tracks, problems = parse_m3u(text, library / "playlists", "win.m3u")
    assert [t.path.name for t in tracks] == ["ocean.ogg"]
    assert len(problems) == 1
    assert (problems[0].kind, problems[0].line) == ("missing", 3)
    assert str(problems[0]).startswith("win.m3u, line 3: ")
    assert entry in problems[0].reason and "Windows" in problems[0].reason


@pytest.mark.parametrize("url", ["http://music.example/a.mp3", "https://music.example/b.ogg",
                                 "rtsp://stream.example/live"])
def test_urls_are_reported_not_supported(library: Path, url: str) -> None:
    tracks, problems = parse_m3u(f"{url}\n../music/ocean.ogg\n", library / "playlists", "u.m3u")
    assert [t.path.name for t in tracks] == ["ocean.ogg"]
    assert [(p.kind, p.line, p.source) for p in problems] == [("url", 1, "u.m3u")]
    assert url in str(problems[0]) and "web address" in str(problems[0])


def test_file_urls_become_paths(library: Path) -> None:
    url = (library / "music/drone one.ogg").as_uri()  # drone%20one.ogg
    assert "%20" in url
    tracks, problems = parse_m3u(f"{url}\nfile://localhost{library / 'music/ocean.ogg'}\n",
                                 library / "playlists", "f.m3u")
    assert problems == []
    assert [t.path for t in tracks] == [library / "music/drone one.ogg",
                                        library / "music/ocean.ogg"]


def test_missing_files_are_reported_and_kept(library: Path) -> None:
    text = "#EXTM3U\n#EXTINF:30,Gone - Away\n../music/gone.ogg\n../music\n../music/ocean.ogg\n"
    tracks, problems = parse_m3u(text, library / "playlists", "m.m3u8")
    assert [t.path.name for t in tracks] == ["gone.ogg", "music", "ocean.ogg"]
    assert [(p.line, p.kind) for p in problems] == [(3, "missing"), (4, "missing")]
    assert problems[0].path == library / "music/gone.ogg"
    assert "not found" in problems[0].reason and "folder" in problems[1].reason


def test_extinf_attributes_commas_and_unknown_length(library: Path) -> None:
    text = ('#EXTINF:-1 tvg-name="a, b" group-title="x",Artist, Jr. - Title, Part 2\n'
            "../music/ocean.ogg\n#EXTINF:abc,\n../music/bells.flac\n")
    tracks, _ = parse_m3u(text, library / "playlists")
    assert (tracks[0].duration_s, tracks[0].artist, tracks[0].title) == (
        None, "", "Artist, Jr. - Title, Part 2")
    assert (tracks[1].duration_s, tracks[1].title) == (None, "bells")


def test_read_m3u_latin1_and_unreadable(library: Path) -> None:
    (library / "music/caf\u00e9.ogg").write_bytes(b"x")
    legacy = library / "playlists/old.m3u"
    legacy.write_bytes("#EXTINF:5,Caf\u00e9\r\n..\\music\\caf\u00e9.ogg\r\n".encode("cp1252"))
    tracks, problems = read_m3u(legacy)
    assert problems == [] and tracks[0].title == "Caf\u00e9"
    tracks, problems = read_m3u(library / "playlists/none.m3u")
    assert tracks == [] and problems[0].kind == "unreadable"
    assert problems[0].source.endswith("none.m3u")


def test_export_then_import_gives_the_same_list(library: Path) -> None:
    original = [
        Track(library / "music/ocean.ogg", "Slow Tide", "Sea Choir", 241.4),
        Track(library / "playlists/here.mp3", "Here", "", 59.6),
        Track(library / "music/drone one.ogg", "Drone", "Ünïcode Ensemble", None),
        Track(library / "music/#hash.ogg", "Hash", "", 10.0),
        Track(library / "music/ocean.ogg", "Slow Tide", "Sea Choir", 241.4),  # repeats
    ]
    path = library / "playlists/out.m3u8"
    write_m3u8(original, path)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[:4] == ["#EXTM3U", "#EXTINF:241,Sea Choir - Slow Tide",
                                     "#EXTART:Sea Choir", "../music/ocean.ogg"]
    assert ("#EXTINF:-1,Ünïcode Ensemble - Drone\n#EXTART:Ünïcode Ensemble\n"
            "../music/drone one.ogg\n") in text
    assert "./../music/#hash.ogg" not in text and "\n../music/#hash.ogg\n" in text
    assert "\\" not in text and "\r" not in text and not text.startswith("\ufeff")
    back, problems = read_m3u(path)
    assert problems == []
    assert back == [Track(t.path, t.title, t.artist,
                          None if t.duration_s is None else float(round(t.duration_s)))
                    for t in original]
    assert format_m3u8(back, path.parent) == text


def test_entry_that_would_read_as_a_comment(tmp_path: Path) -> None:
    assert playlist_entry(tmp_path / "#1.ogg", tmp_path) == "./#1.ogg"
    tracks, _ = parse_m3u("./#1.ogg\n", tmp_path)
    assert tracks[0].path == tmp_path / "#1.ogg"


# -- rules ---------------------------------------------------------------------------


def a_set(tmp_path: Path, **phases: list[Track]) -> PlaylistSet:
    return PlaylistSet("s", "S", tmp_path / "s", phases=dict(phases),
                       target_minutes={"onset": 10, "peak": 35})


def t(name: str, seconds: float | None, lyrics: str = "none") -> Track:
    return Track(Path("/music") / name, name.title(), "", seconds, lyrics=lyrics)  # type: ignore[arg-type]


def test_phase_totals_against_targets(tmp_path: Path) -> None:
    s = a_set(tmp_path, onset=[t("a", 300), t("b", 301)], peak=[t("c", 1200), t("d", None)])
    totals = {p.phase: p for p in phase_totals(s)}
    assert list(totals) == ["settling", "onset", "peak", "return", "after"]
    assert totals["onset"].meets_target and totals["onset"].total_s == 601
    assert not totals["peak"].meets_target and totals["peak"].unknown == 1
    assert totals["peak"].short_s == 35 * 60 - 1200
    assert totals["peak"].describe() == "Peak: 20:00 of 35:00 (1 track of unknown length)"
    assert totals["after"].meets_target and totals["after"].target_s == 0
    measured = phase_totals(s, {track_key("/music/d"): 900.0})
    assert measured[2].meets_target and measured[2].unknown == 0


def test_music_left() -> None:
    tracks = [t("a", 100), t("b", 200), t("c", 50)]
    assert music_left(tracks, 0) == 350
    assert music_left(tracks, 30, index=1) == 170 + 50
    assert music_left(tracks[2:], 10) == 40
    assert music_left(tracks, 500, index=2) == 0  # past the end of the last track
    assert music_left(tracks, 0, index=3) == 0
    assert music_left([*tracks, t("d", None)], 0, index=1) is None
    assert music_left([t("x", None), *tracks], 0, index=1) == 350  # behind us: not counted


def test_without_vetoed_matches_any_spelling(tmp_path: Path) -> None:
    tracks = [Track(tmp_path / "m/a.ogg"), Track(tmp_path / "m/b.ogg"),
              Track(tmp_path / "m/a.ogg")]
    vetoed = {str(tmp_path / "m/sub/../a.ogg")}
    assert without_vetoed(tracks, vetoed) == [Track(tmp_path / "m/b.ogg")]
    assert without_vetoed(tracks, []) == tracks


def test_lyrics_rule(tmp_path: Path) -> None:
    words = "patient_language"
    s = a_set(tmp_path, settling=[t("a", 1, words)],
              peak=[t("b", 1), t("c", 1, "other_language"), t("d", 1, words)],
              **{"return": [t("e", 1, words)]}, after=[t("f", 1, words)])
    warnings = lyrics_warnings(s)
    assert [(w.kind, w.path) for w in warnings] == [("lyrics", Path("/music/a")),
                                                     ("lyrics", Path("/music/d"))]
    assert warnings[1].source.endswith("peak.m3u8")
    assert "track 3 of Peak, 'D'" in warnings[1].reason
    assert lyrics_allowed("return", words) and lyrics_allowed("onset", "other_language")
    assert not lyrics_allowed("onset", words)


def test_check_files(tmp_path: Path) -> None:
    (tmp_path / "ok.ogg").write_bytes(b"x")
    (tmp_path / "empty.ogg").write_bytes(b"")
    s = a_set(tmp_path, onset=[Track(tmp_path / "ok.ogg"), Track(tmp_path / "empty.ogg"),
                               Track(tmp_path / "gone.ogg")])
    assert [(p.kind, p.path) for p in check_files(s)] == [
        ("unreadable", tmp_path / "empty.ogg"), ("missing", tmp_path / "gone.ogg")]
