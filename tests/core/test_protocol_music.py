"""Which music plays in a protocol's phases: one table, a template's own `music` line, and
a phase whose music cannot be told refused in words (never a silent guess)."""

import json

import pytest

from kapdesk.core.playlist import PHASES
from kapdesk.core.protocol import Phase, Protocol, ProtocolError, parse_protocol
from kapdesk.core.protocol_music import MUSIC_FOR_PHASE, music_now
from kapdesk.core.protocol_stored import stored_protocol
from tests.core.test_protocol_parse import BASE, SOURCE, line_of

DEEP = '\n[[phases]]\nkey = "deep"\nname = "Deep"\nstart = 45\nend = 75\n'


def test_every_builtin_phase_plays_the_music_of_the_table(
        protocols: dict[str, Protocol]) -> None:
    for protocol in protocols.values():
        for phase in protocol.phases:
            assert phase.music == MUSIC_FOR_PHASE[phase.key] and phase.music in PHASES


def test_a_clinic_phase_key_without_music_is_refused_naming_the_line() -> None:
    text = BASE + DEEP
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text, SOURCE)
    assert info.value.line == line_of(text, 'key = "deep"') - 1  # its [[phases]] line
    assert info.value.reason == (
        "phase 'deep': which music plays in it is not known (its key is not one of the "
        "built-in phases); add music = one of settling, onset, peak, return, after")


def test_a_clinic_phase_says_its_music() -> None:
    protocol = parse_protocol(BASE + DEEP + 'music = "return"\n', SOURCE)
    deep = protocol.phase("deep")
    assert deep is not None and deep.music == "return"
    assert music_now(deep, dosed=True) == "return"
    assert music_now(deep, dosed=False) == "settling"  # before the dose
    assert music_now(None, dosed=True) == "settling"  # between phases


def test_a_builtin_key_may_play_other_music() -> None:
    text = BASE.replace('key = "peak"\n', 'key = "peak"\nmusic = "onset"\n')
    peak = parse_protocol(text, SOURCE).phase("peak")
    assert peak is not None and peak.music == "onset"


@pytest.mark.parametrize("music", ['"loud"', '"Peak"', "3", '["peak"]', '""'])
def test_music_that_is_not_a_playlist_phase_is_refused_on_its_line(music: str) -> None:
    text = BASE + DEEP + f"music = {music}\n"
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text, SOURCE)
    assert info.value.line == line_of(text, "music = ")
    assert "phase 'deep': music must be one of settling, onset, peak, return, after" in \
        info.value.reason


def test_a_stored_copy_keeps_its_music_and_names_what_it_cannot_tell() -> None:
    protocol = parse_protocol(BASE + DEEP + 'music = "after"\n', SOURCE)
    again = stored_protocol(json.dumps(protocol.to_dict()))
    assert again == protocol and again.problems == ()
    old = protocol.to_dict()  # as stored before phases carried their music
    for phase in old["phases"]:
        del phase["music"]
    read = stored_protocol(json.dumps(old))
    assert [p.music for p in read.phases] == ["onset", "peak", "settling"]
    assert read.problems == ("phase 'deep' names no music the room knows; the settling "
                             "music plays in it",)


def test_a_phase_built_in_code_plays_the_settling_music() -> None:
    assert Phase("talk", "Integration talk", 0, 60).music == "settling"
