"""Reading one protocol template: every problem names the file, the line and the reason."""

import json

import pytest

from kapdesk.core.protocol import CUE_KINDS, Protocol, ProtocolError, parse_protocol
from kapdesk.paths import builtin_protocols_dir

SOURCE = "clinic/test.toml"

BASE = """\
id = "test"
name = "Test protocol"
route = "intramuscular"
session_minutes = 120
min_monitoring_minutes = 90

[[phases]]
key = "onset"
name = "Onset"
start = 0
end = 10

[[phases]]
key = "peak"
name = "Peak"
start = 10
end = 45

[[cues]]
id = "vitals"
at = 15
kind = "vitals"
text = "Take vitals"
"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line number of the n-th line containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def refused(text: str) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text, SOURCE)
    return info.value


def with_cue(body: str) -> str:
    return BASE + "\n[[cues]]\n" + body


def test_base_template_parses() -> None:
    protocol = parse_protocol(BASE, SOURCE)
    assert protocol.id == "test"
    assert protocol.source == SOURCE
    assert [p.key for p in protocol.phases] == ["onset", "peak"]
    assert protocol.cues[0].escalate_after_min == 5.0  # the default
    assert protocol.phase_at(12.0).key == "peak"
    assert protocol.phase_at(45.0) is None  # a phase's end is not in it


@pytest.mark.parametrize("path", sorted(builtin_protocols_dir().glob("*.toml")),
                         ids=lambda p: p.stem)
def test_each_builtin_template_loads(path) -> None:
    protocol = parse_protocol(path.read_text(encoding="utf-8"), str(path))
    assert protocol.id == path.stem
    assert protocol.name and protocol.route and protocol.cues and protocol.phases
    assert protocol.min_monitoring_minutes <= protocol.session_minutes
    assert all(0 <= c.at_min <= protocol.session_minutes for c in protocol.cues)
    assert [c.at_min for c in protocol.cues] == sorted(c.at_min for c in protocol.cues)


def test_there_are_four_builtin_templates(protocols: dict[str, Protocol]) -> None:
    assert set(protocols) == {"im-kap", "iv-infusion", "sublingual-lozenge", "esketamine-nasal"}
    assert protocols["esketamine-nasal"].min_monitoring_strict is True
    assert protocols["esketamine-nasal"].min_monitoring_minutes == 120
    assert protocols["im-kap"].min_monitoring_strict is False


def test_malformed_toml_names_file_and_line() -> None:
    text = BASE.replace("session_minutes = 120", "session_minutes = = 120")
    error = refused(text)
    assert error.source == SOURCE
    assert error.line == line_of(text, "session_minutes") == 4
    assert str(error).startswith(f"{SOURCE}, line 4: not valid TOML")


@pytest.mark.parametrize("at", [-1, 121, 500])
def test_cue_outside_the_session_is_refused_naming_the_line(at: int) -> None:
    text = with_cue(f'id = "late"\nat = {at}\nkind = "lights"\ntext = "Lights up"\n')
    error = refused(text)
    assert error.line == line_of(text, f"at = {at}")
    assert f"line {error.line}:" in str(error)
    assert f"is at {at} min, outside the session (0-120 min after the dose)" in str(error)
    assert "'Lights up'" in str(error)


@pytest.mark.parametrize("at", [0, 120])
def test_cue_at_the_session_edges_is_accepted(at: int) -> None:
    text = with_cue(f'id = "edge"\nat = {at}\nkind = "lights"\ntext = "Lights"\n')
    assert any(c.id == "edge" and c.at_min == at for c in parse_protocol(text, SOURCE).cues)


def test_overlapping_phases_refused_naming_both() -> None:
    text = BASE + '\n[[phases]]\nkey = "return"\nname = "Return"\nstart = 40\nend = 75\n'
    error = refused(text)
    assert error.line == line_of(text, "[[phases]]", occurrence=3)
    assert "phase 'return' (40-75 min) overlaps phase 'peak' (10-45 min)" in str(error)


def test_phase_outside_the_session_is_refused() -> None:
    text = BASE.replace("end = 45", "end = 130")
    error = refused(text)
    assert error.line == line_of(text, "[[phases]]", occurrence=2)
    assert "phase 'peak' runs 10-130 min" in error.reason
    assert "within the session (0-120 min)" in error.reason


def test_duplicate_phase_key_refused() -> None:
    text = BASE + '\n[[phases]]\nkey = "onset"\nstart = 50\nend = 60\n'
    error = refused(text)
    assert "phase key 'onset' is used twice" in str(error)
    assert error.line == line_of(text, "[[phases]]", occurrence=3)


def test_unknown_cue_kind_lists_the_valid_kinds() -> None:
    text = with_cue('id = "gong"\nat = 20\nkind = "sound"\ntext = "Ring the gong"\n')
    error = refused(text)
    assert error.line == line_of(text, 'kind = "sound"')
    assert "unknown cue kind 'sound'" in error.reason
    assert f"(use one of: {', '.join(CUE_KINDS)})" in error.reason
    for kind in ("lights", "vitals", "rating", "music", "medication", "checklist", "custom"):
        assert kind in error.reason


def test_unknown_top_level_key_named_with_its_line() -> None:
    text = BASE.replace("route = ", 'colour = "blue"\nroute = ')
    error = refused(text)
    assert error.line == line_of(text, "colour") == 3
    assert error.reason == "unknown setting 'colour'"


def test_unknown_cue_key_named_with_its_line() -> None:
    text = with_cue('id = "x"\nat = 20\nkind = "vitals"\ntext = "Vitals"\nrepeat_evry = 5\n')
    error = refused(text)
    assert error.line == line_of(text, "repeat_evry")
    assert error.reason == "cue 2: unknown setting 'repeat_evry'"


def test_repeat_within_naming_no_phase_is_refused() -> None:
    text = with_cue('id = "bp"\nat = 20\nrepeat_every = 5\nrepeat_within = "infusion"\n'
                    'kind = "vitals"\ntext = "BP"\n')
    error = refused(text)
    assert error.line == line_of(text, 'repeat_within = "infusion"')
    assert "repeat_within names no phase ('infusion')" in error.reason


def test_repeat_until_before_the_cue_is_refused() -> None:
    text = with_cue('id = "bp"\nat = 20\nrepeat_every = 5\nrepeat_until = 10\n'
                    'kind = "vitals"\ntext = "BP"\n')
    error = refused(text)
    assert error.line == line_of(text, "repeat_until = 10")
    assert "repeat_until must lie between the cue's time and the end" in error.reason


@pytest.mark.parametrize("every", [0, -5])
def test_repeat_every_must_be_positive(every: int) -> None:
    text = with_cue(f'id = "bp"\nat = 20\nrepeat_every = {every}\nkind = "vitals"\ntext = "BP"\n')
    error = refused(text)
    assert error.line == line_of(text, f"repeat_every = {every}")
    assert "repeat_every must be between 1 and 1440 minutes" in error.reason


def test_duplicate_cue_ids_are_refused() -> None:
    text = with_cue('id = "vitals"\nat = 30\nkind = "vitals"\ntext = "Vitals again"\n')
    error = refused(text)
    assert error.line == line_of(text, "[[cues]]", occurrence=2)
    assert error.reason == "cue id 'vitals' is used twice"


def test_missing_required_setting_is_named() -> None:
    error = refused(BASE.replace('route = "intramuscular"\n', ""))
    assert error.line is None
    assert str(error) == f"{SOURCE}: missing 'route'"


@pytest.mark.parametrize(("old", "new", "key", "reason"), [
    ('route = "intramuscular"', 'route = ""', "route", "route must be non-empty text"),
    ("session_minutes = 120", 'session_minutes = "rapid"', "session_minutes",
     "session_minutes must be a number of minutes, not 'rapid'"),
    ("session_minutes = 120", "session_minutes = 0", "session_minutes",
     "session_minutes must be more than 0 and at most 1440 (24 h), not 0"),
    ('id = "test"', 'id = "Test Protocol"', "id",
     "id must be lower-case letters, digits, '-' or '_'"),
    ("min_monitoring_minutes = 90", "min_monitoring_minutes = true", "min_monitoring_minutes",
     "min_monitoring_minutes must be a number of minutes, not True"),
])
def test_bad_top_level_value_names_its_own_line(old: str, new: str, key: str,
                                                 reason: str) -> None:
    text = BASE.replace(old, new)
    error = refused(text)
    assert error.line == line_of(text, f"{key} =")
    assert error.reason == reason


def test_timer_that_outlasts_the_session_is_refused() -> None:
    text = BASE + ('\n[[timers]]\nid = "hold"\nname = "Lozenge hold"\nstart = 115\n'
                   'minutes = 10\nend_text = "Spit"\n')
    error = refused(text)
    assert error.line == line_of(text, "[[timers]]")
    assert "timer 1 ('Lozenge hold') must run for more than 0 minutes" in error.reason


def test_to_dict_from_dict_round_trips_every_builtin(protocols: dict[str, Protocol]) -> None:
    for protocol in protocols.values():
        data = json.loads(json.dumps(protocol.to_dict()))  # as the store keeps it
        assert "source" not in data
        again = Protocol.from_dict(data, source="db")
        assert again == protocol
        assert again.source == "db"
        assert again.timers == protocol.timers and again.preparation == protocol.preparation
