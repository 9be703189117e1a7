"""Playlist sets on disk: set.toml plus one PHASE.m3u8 per phase; broken sets reported."""

from pathlib import Path

import pytest

from kapdesk.core.playlist import (
    PHASES,
    PlaylistError,
    PlaylistSet,
    Track,
    load_set,
    load_sets,
    phase_name,
    save_set,
)

GOOD = """\
name = "Evening"
description = "Soft"
curator = "Staff"
tags = ["ambient"]

[targets]
onset = 10
peak = 35
"""


@pytest.fixture
def music(tmp_path: Path) -> Path:
    folder = tmp_path / "music"
    folder.mkdir()
    for name in ("a.ogg", "b.ogg", "c.flac"):
        (folder / name).write_bytes(b"x")
    return folder


def write_set(folder: Path, toml: str, **phases: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "set.toml").write_text(toml, encoding="utf-8")
    for phase, text in phases.items():
        (folder / f"{phase}.m3u8").write_text(text, encoding="utf-8")
    return folder


def test_save_then_load_gives_the_same_set(tmp_path: Path, music: Path) -> None:
    a = Track(music / "a.ogg", "Slow \"Tide\"", "Sea Choir", 240.0, frozenset({"ocean"}))
    b = Track(music / "b.ogg", "Wörds", "", 181.0, frozenset({"voice", "folk"}),
              "patient_language")
    c = Track(music / "c.flac", "Drone", "", 300.0, lyrics="other_language")
    original = PlaylistSet(
        id="evening", name="Evening \\ set", folder=tmp_path / "sets/evening",
        description="Line one\nline two", curator="Dr Ana Silva", tags=("ambient", "calm"),
        target_minutes={"settling": 5, "onset": 10, "peak": 35.5, "return": 30, "after": 0},
        phases={"onset": [a, Track(music / "c.flac", "Plain", "", 12.0,
                                   lyrics="other_language")],
                "peak": [c, a, c], "return": [b]})
    save_set(original)
    assert sorted(p.name for p in original.folder.iterdir()) == sorted(
        ["set.toml"] + [f"{p}.m3u8" for p in PHASES])
    loaded, problems = load_set(original.folder)
    assert problems == []
    assert loaded == original
    toml = original.set_file.read_text(encoding="utf-8")
    assert '[tracks."../../music/b.ogg"]' in toml and "peak = 35.5" in toml
    assert toml.count('"../../music/c.flac"') == 1  # tags and lyrics belong to the file


def test_tags_and_lyrics_belong_to_the_file(tmp_path: Path, music: Path) -> None:
    s = PlaylistSet("s", "S", tmp_path / "s", phases={
        "onset": [Track(music / "a.ogg", "One", lyrics="other_language")],
        "after": [Track(music / "a.ogg", "Two")]})
    save_set(s)
    loaded, _ = load_set(s.folder)
    assert loaded.phases["after"][0].lyrics == "other_language"  # the first entry's say
    assert loaded.phases["after"][0].title == "Two"


def test_tags_and_lyrics_apply_however_the_entry_is_spelt(tmp_path: Path, music: Path) -> None:
    folder = write_set(tmp_path / "s", GOOD + '\n[tracks."..\\\\music\\\\b.ogg"]\n'
                       'lyrics = "patient_language"\ntags = [" folk ", ""]\n',
                       onset="#EXTM3U\n../music/b.ogg\n", peak="../music/./b.ogg\n")
    loaded, _ = load_set(folder)
    assert {t.lyrics for p in ("onset", "peak") for t in loaded.phases[p]} == {
        "patient_language"}
    assert loaded.phases["onset"][0].tags == frozenset({"folk"})


def test_missing_tracks_and_phase_files_are_reported_not_fatal(tmp_path: Path,
                                                                 music: Path) -> None:
    folder = write_set(tmp_path / "s", GOOD, onset="../music/a.ogg\n../music/gone.ogg\n")
    loaded, problems = load_set(folder)
    assert [t.path.name for t in loaded.phases["onset"]] == ["a.ogg", "gone.ogg"]
    assert [(p.kind, Path(p.source).name, p.line) for p in problems] == [
        ("missing", "onset.m3u8", 2), ("empty", "peak.m3u8", None)]
    assert "Peak phase has no tracks but a target of 35 min" in problems[1].reason
    assert loaded.id == "s" and loaded.target_minutes["settling"] == 0.0


@pytest.mark.parametrize(("toml", "line", "words"), [
    ('name = "x"\n[targets\nonset = 1\n', 2, "not valid TOML"),
    ('name = "x"\ncolour = "blue"\n', 2, "unknown setting 'colour'"),
    ('description = "no name"\n', None, "missing 'name'"),
    ('name = "  "\n', 1, "'name' must be non-empty text"),
    ('name = "x"\ntags = "calm"\n', 2, "'tags' must be a list"),
    ('name = "x"\n\n[targets]\nonset = 10\npeak = "long"\n', 5, "target of 'peak'"),
    ('name = "x"\n\n[targets]\nonset = -1\n', 4, "target of 'onset'"),
    ('name = "x"\n\n[targets]\nclimax = 5\n', 4, "unknown phase 'climax'"),
    ('name = "x"\n\n[tracks."a.ogg"]\nlyrics = "none"\n\n[tracks."b.ogg"]\nlyrics = "yes"\n',
     7, "track 'b.ogg': lyrics must be one of"),
    ('name = "x"\n\n[tracks."a.ogg"]\nvolume = 3\n', 4, "unknown setting 'volume'"),
    ("name = \"x\"\n\n[tracks.'c d.ogg']\ntags = [1]\n", 4, "'tags' must be a list"),
    ('name = "x"\ntracks = 3\n', 2, "'tracks' must hold"),
])
def test_broken_set_toml_names_file_and_line(tmp_path: Path, toml: str, line: int | None,
                                             words: str) -> None:
    folder = write_set(tmp_path / "broken", toml)
    with pytest.raises(PlaylistError) as caught:
        load_set(folder)
    problem = caught.value.problem
    assert problem.source == str(folder / "set.toml")
    assert problem.line == line, problem
    assert words in problem.reason
    expected = f"{folder / 'set.toml'}, line {line}: " if line else f"{folder / 'set.toml'}: "
    assert str(caught.value).startswith(expected)


def test_unreadable_set_toml(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "set.toml").write_bytes(b'name = "\xff\xfe"\n')
    with pytest.raises(PlaylistError, match="cannot be read"):
        load_set(folder)
    with pytest.raises(PlaylistError, match=r"needs a set\.toml"):
        load_set(tmp_path / "nowhere")


def test_load_sets_reports_a_broken_set_and_loads_the_others(tmp_path: Path,
                                                             music: Path) -> None:
    shipped, clinic = tmp_path / "shipped", tmp_path / "clinic"
    write_set(shipped / "calm", GOOD, onset="../../music/a.ogg\n", peak="../../music/b.ogg\n")
    write_set(shipped / "deep", GOOD.replace("Evening", "Deep"), onset="../../music/c.flac\n",
              peak="../../music/c.flac\n")
    write_set(clinic / "broken", 'name = "Broken"\n\n[targets]\npeak = "a lot"\n')
    write_set(clinic / "calm", GOOD.replace("Evening", "Our calm"),
              onset="../../music/b.ogg\nhttps://radio.example/x\n", peak="../../music/a.ogg\n")
    (clinic / "not-a-set").mkdir()
    (clinic / "loose.m3u8").write_text("../music/a.ogg\n")
    sets, problems = load_sets([shipped, clinic, tmp_path / "absent"])
    assert sorted((s.id, s.name) for s in sets) == [("calm", "Our calm"), ("deep", "Deep")]
    assert [(Path(p.source).relative_to(tmp_path).as_posix(), p.line, p.kind)
            for p in problems] == [("clinic/broken/set.toml", 4, "invalid"),
                                   ("clinic/calm/onset.m3u8", 2, "url")]


def test_empty_set_has_every_phase() -> None:
    s = PlaylistSet("new", "New", Path("/nowhere/new"))
    assert list(s.phases) == list(PHASES) and all(v == [] for v in s.phases.values())
    assert s.target_minutes == dict.fromkeys(PHASES, 0.0)
    assert phase_name("after") == "Integration" and phase_name("peak") == "Peak"
    assert s.phase_file("return") == Path("/nowhere/new/return.m3u8")


def test_a_set_copies_what_it_is_given_and_knows_its_phases() -> None:
    onset = [Track(Path("/m/a.ogg"))]
    phases = {"onset": onset}
    s = PlaylistSet("s", "S", Path("/s"), phases=phases, target_minutes={"onset": 10})
    s.phases["onset"].append(Track(Path("/m/b.ogg")))
    assert phases == {"onset": onset} and len(onset) == 1
    assert s.target_minutes["onset"] == 10.0
    with pytest.raises(ValueError, match="unknown phase 'climax'"):
        PlaylistSet("s", "S", Path("/s"), phases={"climax": []})
