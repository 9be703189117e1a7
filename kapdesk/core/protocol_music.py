"""Which music plays in each phase of a protocol: the one table and the one rule.

A template's phase may say which playlist phase plays in it (`music = "return"`, one of
kapdesk.core.playlist.PHASES). Without that line its key says it, through MUSIC_FOR_PHASE
(the keys of the built-in templates). A phase whose key is in neither is refused when the
template is read, in words that name the line and the choices: the room never guesses.
A session's stored copy from before this rule keeps its phases; one whose music cannot be
told plays the settling music there, and says so (`Protocol.problems`).

Before the dose, between phases and after the last one, the settling music plays.
"""

from __future__ import annotations

from types import MappingProxyType

from kapdesk.core.playlist.model import PHASES
from kapdesk.core.protocol_model import Phase

# The built-in templates' phase keys, as the playlists' phases.
MUSIC_FOR_PHASE = MappingProxyType({
    "onset": "onset", "peak": "peak", "return": "return", "after": "after",
    "absorption": "settling", "dosing": "onset", "infusion": "peak",
    "observation": "return", "resolution": "return", "release": "after",
})
BETWEEN_PHASES = "settling"


def phase_music(key: str, given: object) -> str:
    """The playlist phase a protocol phase plays: `given` (the template's `music`) when
    there is one, else the table's. Raises ValueError, in words, for anything else."""
    label = f"phase '{key}'"
    if given is not None:
        if not isinstance(given, str) or given not in PHASES:
            raise ValueError(f"{label}: music must be one of {', '.join(PHASES)}, "
                             f"not {given!r}")
        return given
    known = MUSIC_FOR_PHASE.get(key)
    if known is None:
        raise ValueError(f"{label}: which music plays in it is not known (its key is not "
                         f"one of the built-in phases); add music = one of "
                         f"{', '.join(PHASES)}")
    return known


def stored_phase_music(key: str, given: object, problems: list[str]) -> str:
    """The same for a session's stored copy, which never fails: what cannot be told plays
    the settling music, and `problems` says so."""
    try:
        return phase_music(key, given)
    except ValueError:
        problems.append(f"phase {key!r} names no music the room knows; the settling music "
                        "plays in it")
        return BETWEEN_PHASES


def music_now(phase: Phase | None, dosed: bool) -> str:
    """The playlist phase for the room now: the protocol phase's music once dosed, else
    (before the dose, between phases) the settling music."""
    if not dosed or phase is None:
        return BETWEEN_PHASES
    return phase.music
