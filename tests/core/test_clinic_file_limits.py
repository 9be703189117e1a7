"""Clinic files that used to crash or exhaust the app: each is refused, with file and reason.

Every case named in issue 10 item 14, one test each (parametrised where the shape is the
same); the start-up side (the room still opens) is in tests/ui/test_clinic_files_start.py.
"""

import json
import os
from pathlib import Path

import pytest

from kapdesk.core.course import SpacingRules
from kapdesk.core.cues import expand_schedule
from kapdesk.core.limits import MAX_CUE_OCCURRENCES, FileRefused, read_bounded
from kapdesk.core.playlist import PlaylistError, load_set, load_sets, read_m3u
from kapdesk.core.protocol import ProtocolError, load_protocol_file, load_protocols, parse_protocol
from kapdesk.core.protocol_stored import stored_protocol

GOOD = """\
id = "clinic-im"
name = "Clinic IM"
route = "intramuscular"
session_minutes = 120
min_monitoring_minutes = 60

[[phases]]
key = "peak"
start = 0
end = 60

[[cues]]
id = "vitals"
at = 15
kind = "vitals"
text = "Take vitals"
repeat_every = 15

[[timers]]
id = "hold"
name = "Hold"
start = 0
minutes = 10
end_text = "Spit"
"""

# (what the clinic wrote, what replaces it, words the refusal must hold)
BAD_TEMPLATES = [
    ("repeat_every = 15", 'repeat_every = 15\nrepeat_within = ["peak"]',
     "repeat_within must be the key of a phase (text)"),
    ("repeat_every = 15", "repeat_every = 0.000001", "repeat_every must be between 1 and 1440"),
    ("repeat_every = 15", "repeat_every = nan", "repeat_every must be a finite number"),
    ("repeat_every = 15", "repeat_every = inf", "repeat_every must be a finite number"),
    ("session_minutes = 120", "session_minutes = inf", "session_minutes must be a finite"),
    ("session_minutes = 120", "session_minutes = nan", "session_minutes must be a finite"),
    ("session_minutes = 120", "session_minutes = 100000", "at most 1440 (24 h)"),
    ("min_monitoring_minutes = 60", "min_monitoring_minutes = -5",
     "min_monitoring_minutes must be between 0 and 1440"),
    ("min_monitoring_minutes = 60", "min_monitoring_minutes = nan",
     "min_monitoring_minutes must be a finite"),
    ("min_monitoring_minutes = 60", "min_monitoring_minutes = 1e12",
     "min_monitoring_minutes must be between 0 and 1440"),
    ("min_monitoring_minutes = 60", "min_monitoring_minutes = 60\nescalate_after = nan",
     "escalate_after must be a finite"),
    ("repeat_every = 15", "repeat_every = 15\nescalate_after = nan",
     "escalate_after must be a finite"),
    ("repeat_every = 15", "repeat_every = 15\nescalate_after = 1e9",
     "escalate_after must be more than 0 and at most 240"),
    ("at = 15", "at = inf", "at must be a finite"),
    ("start = 0\nminutes = 10", "start = -5\nminutes = 10", "must run for more than 0 minutes, "
     "start at 0 min or later"),
    ("minutes = 10", "minutes = nan", "minutes must be a finite"),
    ('text = "Take vitals"', 'text = "Take vitals"\ndetail = 5', "detail must be non-empty text"),
    ('text = "Take vitals"', 'text = "' + "x" * 600 + '"', "characters long; at most 500"),
    ("[[phases]]", "[spacing]\nmin_hours_between = inf\n\n[[phases]]",
     "spacing: min_hours_between must be 0 to 8784 hours"),
    ("repeat_every = 15", "repeat_every = 1\n" + "".join(
        f'\n[[cues]]\nid = "c{i}"\nat = 0\nkind = "custom"\ntext = "C{i}"\nrepeat_every = 1\n'
        for i in range(17)), "its cues fall due 2,164 times or more in one session"),
]


@pytest.mark.parametrize(("old", "new", "words"), BAD_TEMPLATES)
def test_bad_number_or_type_is_refused_in_words(tmp_path: Path, old: str, new: str,
                                                words: str) -> None:
    assert old in GOOD
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        load_protocol_file(path)
    assert words in caught.value.reason
    assert str(caught.value).startswith(str(path))


def test_good_template_loads_and_its_schedule_is_bounded() -> None:
    protocol = parse_protocol(GOOD, "good.toml")
    minutes = [c.due_s / 60 for c in expand_schedule(protocol)]
    assert minutes == [10, 15, 30, 45, 60, 75, 90, 105, 120]


def test_deeply_nested_array_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "nested.toml"
    path.write_text("x = " + "[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        load_protocol_file(path)
    assert "nested too deeply" in caught.value.reason


def test_fifty_megabyte_template_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as f:
        f.truncate(50_000_000)  # sparse: nothing written, st_size says 50 MB
    with pytest.raises(ProtocolError) as caught:
        load_protocol_file(path)
    assert "is 50.0 MB; a file of this kind may be at most 1.0 MB" in caught.value.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_template_that_is_a_pipe_or_a_link_to_dev_zero_is_refused_unread(tmp_path: Path,
                                                                          ) -> None:
    os.mkfifo(tmp_path / "pipe.toml")  # reading it would wait for a writer for ever
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    (tmp_path / "folder.toml").mkdir()
    (tmp_path / "good.toml").write_text(GOOD, encoding="utf-8")
    found, errors = load_protocols([tmp_path])
    assert [p.id for p in found] == ["clinic-im"]
    reasons = {Path(e.source).name: e.reason for e in errors}
    assert reasons["pipe.toml"].startswith("is not an ordinary file")
    assert reasons["zero.toml"].startswith("is not an ordinary file")
    assert reasons["folder.toml"] == "is a folder, not a file"


def test_two_files_with_one_id_are_reported_and_the_first_loads(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD.replace('"Clinic IM"', '"Copy"'), encoding="utf-8")
    found, errors = load_protocols([tmp_path])
    assert [p.name for p in found] == ["Clinic IM"]
    assert len(errors) == 1 and errors[0].source == str(tmp_path / "b.toml")
    assert "has the id 'clinic-im' of a.toml in the same folder" in errors[0].reason


def test_a_file_that_grows_past_the_bound_while_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "small.toml"
    path.write_bytes(b"x" * 2000)
    assert read_bounded(path, 2000) == b"x" * 2000
    with pytest.raises(FileRefused, match="is 2,000 bytes; a file of this kind may be at most "
                                          "1,999 bytes"):
        read_bounded(path, 1999)


# -- stored templates -------------------------------------------------------------------

def stored(**changes: object) -> str:
    data = parse_protocol(GOOD, "good.toml").to_dict()
    data.update(changes)
    return json.dumps(data)  # writes NaN and Infinity as older versions did


def test_stored_template_with_a_microsecond_repeat_reads_back_bounded() -> None:
    data = json.loads(stored())
    data["cues"][0]["repeat_every_min"] = 0.000001
    protocol = stored_protocol(json.dumps(data))
    assert protocol.cues == ()
    assert "cue 'Take vitals' is left out: repeat_every must be between 1" in protocol.problems[0]
    assert len(expand_schedule(protocol)) == 1  # the timer's end only


def test_stored_endless_session_is_cut_to_a_day_and_says_so() -> None:
    protocol = stored_protocol(stored(session_minutes=float("inf")))
    assert protocol.session_minutes == 1440
    assert "session length inf is out of range; 1440 min is used" in protocol.problems
    json.dumps(protocol.to_dict(), allow_nan=False)  # its export is valid JSON
    assert len(expand_schedule(protocol)) <= MAX_CUE_OCCURRENCES


@pytest.mark.parametrize("text", ["{", "[]", "null", '"x"', "[" * 100_000])
def test_unreadable_stored_template_still_gives_a_protocol(text: str) -> None:
    protocol = stored_protocol(text)
    assert protocol.cues == () and protocol.problems


def test_stored_nan_minimum_monitoring_is_named() -> None:
    protocol = stored_protocol(stored(min_monitoring_minutes=float("nan")))
    assert protocol.min_monitoring_minutes == 0
    assert any(p.startswith("minimum monitoring nan is out of range") for p in protocol.problems)


def test_stored_good_template_reads_back_equal() -> None:
    assert stored_protocol(stored()) == parse_protocol(GOOD, "good.toml")
    assert stored_protocol(stored()).problems == ()


# -- playlist sets ----------------------------------------------------------------------

SET = 'name = "Evening"\n\n[targets]\npeak = 35\n'


def make_set(root: Path, name: str = "evening", toml: str = SET) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "set.toml").write_text(toml, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("value", "words"), [
    ("nan", "must be a number of minutes from 0 to 1440, not nan"),
    ("inf", "must be a number of minutes from 0 to 1440, not inf"),
    ("-1", "must be a number of minutes from 0 to 1440, not -1"),
    ("1e9", "must be a number of minutes from 0 to 1440, not 1000000000.0"),
])
def test_bad_playlist_target_is_refused(tmp_path: Path, value: str, words: str) -> None:
    folder = make_set(tmp_path, toml=SET.replace("35", value))
    with pytest.raises(PlaylistError) as caught:
        load_set(folder)
    assert words in str(caught.value) and "set.toml, line 4" in str(caught.value)


def test_set_toml_that_is_a_folder_is_reported_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "broken" / "set.toml").mkdir(parents=True)
    make_set(tmp_path, "good", 'name = "Good"\n')
    found, problems = load_sets([tmp_path])
    assert [s.id for s in found] == ["good"]
    assert [str(p) for p in problems] == [f"{tmp_path / 'broken' / 'set.toml'}: is a folder, "
                                          "not a file"]


def test_deeply_nested_or_huge_set_toml_is_refused(tmp_path: Path) -> None:
    nested = make_set(tmp_path, "nested", "tags = " + "[" * 100_000 + "]" * 100_000)
    huge = make_set(tmp_path, "huge")
    with (huge / "set.toml").open("r+b") as f:
        f.truncate(2_000_000)
    _found, problems = load_sets([tmp_path])
    reasons = {Path(p.source).parent.name: p.reason for p in problems}
    assert "nested too deeply" in reasons["nested"]
    assert reasons["huge"] == "is 2.0 MB; a file of this kind may be at most 1.0 MB"
    assert nested.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder"])
def test_phase_playlist_that_is_not_a_file_is_refused_unread(tmp_path: Path,
                                                              kind: str) -> None:
    folder = make_set(tmp_path)
    peak = folder / "peak.m3u8"
    if kind == "dev-zero":
        peak.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(peak)
    else:
        peak.mkdir()
    found, problems = load_sets([tmp_path])
    assert [s.id for s in found] == ["evening"] and found[0].phases["peak"] == []
    expected = "is a folder, not a file" if kind == "folder" else "is not an ordinary file"
    assert [(p.source, p.reason.split(" (")[0].split(";")[0]) for p in problems] == [
        (str(peak), expected)]


def test_half_a_million_line_m3u_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "peak.m3u8"
    path.write_text("#EXTM3U\n" + "a.ogg\n" * 500_000, encoding="utf-8")
    tracks, problems = read_m3u(path)
    assert tracks == []
    assert problems[0].reason == ("lists 500,000 entries; a playlist may hold at most 10,000, "
                                  "so none of it was loaded")


def test_an_entry_no_file_can_have_is_reported_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "a.ogg").write_bytes(b"x")
    path = tmp_path / "peak.m3u8"
    path.write_text("#EXTM3U\n" + "n" * 5000 + "\n" + "x/" * 3000 + "b.ogg\n"
                    + "esc\x1b[2J.ogg\na.ogg\n", encoding="utf-8")
    tracks, problems = read_m3u(path)
    assert [t.path.name for t in tracks] == ["a.ogg"]
    assert [p.line for p in problems] == [2, 3, 4]
    assert "cannot be a file here (File name too long)" in problems[0].reason
    assert problems[2].reason.endswith("holds a control character, so it cannot name a file")


def test_a_playlist_with_a_nul_byte_is_refused_whole_as_binary(tmp_path: Path) -> None:
    (tmp_path / "a.ogg").write_bytes(b"x")
    path = tmp_path / "peak.m3u8"
    path.write_text("#EXTM3U\na\x00b.ogg\na.ogg\n", encoding="utf-8")
    tracks, problems = read_m3u(path)
    assert tracks == [] and len(problems) == 1
    assert "holds binary data" in problems[0].reason


@pytest.mark.parametrize("spacing", [{"max_in_window": float("nan")}, {"max_in_window": "2"},
                                     {"want_integration": float("inf")}, {"window_days": None},
                                     {"min_hours_between": True}, {"unknown": 1}, "x"])
def test_stored_spacing_of_the_wrong_kind_gives_the_defaults(spacing: object) -> None:
    protocol = stored_protocol(stored(spacing=spacing))
    assert protocol.spacing == SpacingRules()
    assert "the spacing rules are unreadable; the defaults are used" in protocol.problems
    json.dumps(protocol.to_dict(), allow_nan=False)
