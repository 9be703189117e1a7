"""Playlists from other players: PLS, odd M3U files, and names a player must not mangle."""

from pathlib import Path

import pytest

from kapdesk.core.playlist import Track, parse_m3u, parse_pls, read_m3u, read_playlist, write_m3u8


@pytest.fixture
def library(tmp_path: Path) -> Path:
    for rel in ("music/ocean.ogg", "music/drone one.ogg", "music/bells.flac",
                "music/ lead.ogg", "music/trail.ogg ", "music/cover.jpg", "music/x.m4a"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"not really audio")
    (tmp_path / "playlists").mkdir()
    return tmp_path


def test_pls_in_entry_number_order_with_titles_and_lengths(library: Path) -> None:
    text = ("[playlist]\r\nNumberOfEntries=3\r\n"
            "File2=../music/bells.flac\r\nTitle2=Bells - Live at Dawn\r\nLength2=-1\r\n"
            "file1=../music/ocean.ogg\r\ntitle1=Ocean\r\nlength1=241\r\n"
            f"File3={(library / 'music/drone one.ogg').as_uri()}\r\nLength3=0\r\n"
            "Version=2\r\n")
    tracks, problems = parse_pls(text, library / "playlists", "p.pls")
    assert problems == []
    assert tracks == [
        Track(library / "music/ocean.ogg", "Ocean", "", 241.0),
        Track(library / "music/bells.flac", "Bells - Live at Dawn", "", None),
        Track(library / "music/drone one.ogg", "drone one", "", None),  # 0 s: unknown
    ]


def test_pls_problems_name_the_line_and_the_rest_loads(library: Path) -> None:
    text = ("[playlist]\nFile1=../music/gone.ogg\nFile2=http://radio.example/live\n"
            "garbage line\nFile3=../music/ocean.ogg\nFile3=../music/bells.flac\nFile4=\n")
    tracks, problems = parse_pls(text, library / "playlists", "p.pls")
    assert [t.path.name for t in tracks] == ["gone.ogg", "bells.flac"]
    assert [(p.line, p.kind) for p in problems] == [
        (4, "invalid"), (6, "invalid"), (2, "missing"), (3, "url"), (7, "invalid")]
    assert "twice" in problems[1].reason and "names no file" in problems[4].reason


def test_a_text_that_is_no_pls_says_so(library: Path) -> None:
    tracks, problems = parse_pls("just some words\n", library, "notes.pls")
    assert tracks == []
    assert problems[-1].kind == "empty" and "not a PLS playlist" in problems[-1].reason
    tracks, problems = parse_pls("[playlist]\nNumberOfEntries=0\n", library, "e.pls")
    assert tracks == [] and "no entries" in problems[0].reason


def test_read_playlist_picks_the_kind_by_suffix(library: Path) -> None:
    pls = library / "playlists/a.PLS"
    pls.write_text("[playlist]\nFile1=../music/ocean.ogg\n", encoding="utf-8")
    m3u = library / "playlists/a.m3u"
    m3u.write_text("../music/bells.flac\n", encoding="utf-8")
    assert [t.path.name for t in read_playlist(pls)[0]] == ["ocean.ogg"]
    assert [t.path.name for t in read_playlist(m3u)[0]] == ["bells.flac"]
    tracks, problems = read_playlist(library / "playlists/none.pls")
    assert tracks == [] and problems[0].kind == "unreadable"


@pytest.mark.parametrize("reader", ["m3u", "pls"])
def test_a_binary_file_opened_as_a_playlist_is_refused_not_read_as_junk(
        library: Path, reader: str) -> None:
    # an Ogg page header and random bytes, with line ends and '=' signs here and there
    data = b"OggS\x00\x02" + bytes((i * 37 + 11) % 256 for i in range(4000))
    path = library / f"playlists/song.{reader}"
    path.write_bytes(data)
    tracks, problems = read_playlist(path)
    assert tracks == []
    assert len(problems) == 1 and "binary data" in problems[0].reason
    assert problems[0].source == str(path)


def test_utf16_playlists_are_read(library: Path) -> None:
    path = library / "playlists/w.m3u"
    path.write_bytes("#EXTM3U\r\n../music/ocean.ogg\r\n".encode("utf-16"))
    tracks, problems = read_m3u(path)
    assert problems == [] and [t.path.name for t in tracks] == ["ocean.ogg"]


def test_a_non_audio_entry_is_left_out_with_a_warning(library: Path) -> None:
    text = "../music/cover.jpg\n../music/ocean.ogg\n../music/x.m4a\n"
    tracks, problems = parse_m3u(text, library / "playlists", "p.m3u")
    assert [t.path.name for t in tracks] == ["ocean.ogg", "x.m4a"]
    assert [(p.line, p.kind) for p in problems] == [(1, "invalid")]
    assert "not an audio file" in problems[0].reason and ".jpg" in problems[0].reason


def test_extinf_zero_and_minus_one_are_unknown_lengths(library: Path) -> None:
    text = ("#EXTINF:0,A\n../music/ocean.ogg\n#EXTINF:-1,B\n../music/bells.flac\n"
            "#EXTINF:1e999,C\n../music/ocean.ogg\n#EXTINF:nan,D\n../music/ocean.ogg\n"
            "#EXTINF:9999999,E\n../music/ocean.ogg\n#EXTINF:12.5,F\n../music/ocean.ogg\n")
    tracks, _ = parse_m3u(text, library / "playlists")
    assert [t.duration_s for t in tracks] == [None, None, None, None, None, 12.5]


def test_titles_with_dashes_are_kept_whole_and_the_artist_reads_back(library: Path) -> None:
    original = [
        Track(library / "music/ocean.ogg", "Adagio - Live", "", 60.0),
        Track(library / "music/bells.flac", "Bells - Part 2", "Sea Choir", 30.0),
    ]
    path = library / "playlists/t.m3u8"
    write_m3u8(original, path)
    back, problems = read_m3u(path)
    assert problems == [] and back == original


def test_names_with_leading_and_trailing_spaces_survive_a_round_trip(library: Path) -> None:
    original = [Track(library / "music/ lead.ogg", "Lead", "", 10.0),
                Track(library / "music/trail.ogg ", "Trail", "", 10.0)]
    for name in ("out.m3u8", "sub/deeper/out.m3u8"):
        path = library / "playlists" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_m3u8(original, path)
        back, problems = read_m3u(path)
        assert problems == [] and back == original
    # and a PLS that names them as written
    text = "[playlist]\nFile1=../music/ lead.ogg\nFile2=../music/trail.ogg \n"
    tracks, problems = parse_pls(text, library / "playlists")
    assert problems == [] and [t.path for t in tracks] == [t.path for t in original]
