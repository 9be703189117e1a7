"""Settings changes as operations (kapdesk.services.settings_ops), over a real SQLite file
built through kapdesk.wiring: a clinic setting's change is audited in the name of the admin
who made it, with the value before and after; the room's choices are not; every bad value
and unknown key is refused in words, writing nothing. And the room's own writes
(kapdesk.services.room_ops) take only what they are for."""

from __future__ import annotations

import json
import math

import pytest

from kapdesk.core.clock import Heartbeat
from kapdesk.core.cues import CueEventKind
from kapdesk.core.errors import KapdeskError
from kapdesk.core.observations import CADSS6_ITEMS
from kapdesk.services.settings_ops import THEME_LEVELS
from tests.services.test_operations import World

CADSS = {str(n): f"Invented wording {n}" for n in CADSS6_ITEMS}


def _audit_after(world: World, last: int) -> list[tuple[object, ...]]:
    rows = world.ctx.db.execute("SELECT user_id, action, entity, old, new FROM audit "
                                "WHERE id > ? ORDER BY id", [last]).fetchall()
    return [tuple(r) for r in rows]


def _last_audit(world: World) -> int:
    return int(world.ctx.db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])


def test_a_clinic_setting_is_audited_in_the_admins_name(data_dir, clock, protocols):
    world = World(data_dir, clock, protocols)
    admin, settings = world.users["admin"], world.ctx.ops.settings
    last = _last_audit(world)
    op = settings.change(admin, "lock_minutes", 10)
    assert op.value.value == 10 and op.changes.settings and op.words
    settings.change(admin, "lock_minutes", 12)
    settings.set_cadss_wording(admin, CADSS)
    assert [(u, a, e, json.loads(old), json.loads(new))
            for u, a, e, old, new in _audit_after(world, last)] == [
        (admin.id, "update", "setting", {"lock_minutes": 5}, {"lock_minutes": 10}),
        (admin.id, "update", "setting", {"lock_minutes": 10}, {"lock_minutes": 12}),
        (admin.id, "update", "setting", {"cadss_item_text": None}, {"cadss_item_text": CADSS})]
    assert settings.get("lock_minutes") == 12 and settings.get("cadss_item_text") == CADSS


def test_the_rooms_choices_are_anyones_and_not_audited(data_dir, clock, protocols):
    world = World(data_dir, clock, protocols)
    settings = world.ctx.ops.settings
    last = _last_audit(world)
    for role in ("clinician", "staff", "admin"):
        user = world.users[role]
        settings.set_theme_level(user, "night")
        settings.set_music_volume(user, 0.25)
        settings.set_chime(user, True)
    assert _audit_after(world, last) == []
    assert (settings.get("theme_level"), settings.get("music_volume"),
            settings.get("chime_on_escalation")) == ("night", 0.25, True)


def test_the_theme_levels_are_the_windows_themes():
    from kapdesk.ui.theme import THEMES

    assert set(THEME_LEVELS) == set(THEMES)


BAD = [
    ("theme_level", "daylight", "theme level"),
    ("theme_level", None, "theme level"),
    ("music_volume", 1.5, "volume"),
    ("music_volume", -0.1, "volume"),
    ("music_volume", math.nan, "volume"),
    ("music_volume", math.inf, "volume"),
    ("music_volume", "loud", "volume"),
    ("music_volume", True, "volume"),
    ("chime_on_escalation", "yes", "chime"),
    ("chime_on_escalation", 1, "chime"),
    ("cadss_item_text", {"1": "Only one item"}, "CADSS item"),
    ("cadss_item_text", "all in one line", "CADSS wording"),
    ("cadss_item_text", {**CADSS, "6": "x" * 501}, "CADSS item 6"),
    ("clinic_name", "   ", "clinic's name"),
    ("clinic_name", "Line one\nLine two", "clinic's name"),
    ("clinic_name", "x" * 121, "clinic's name"),
    ("clinic_name", 42, "clinic's name"),
    ("lock_minutes", 0, "automatic lock"),
    ("lock_minutes", 2.5, "automatic lock"),
    ("lock_minutes", 10_000, "automatic lock"),
    ("cue_answer_window", {"before_min": 5}, "answer window"),
    ("cue_answer_window", {"before_min": 5, "after_min": 61}, "after_min"),
    ("cue_answer_window", {"before_min": -1, "after_min": 5}, "before_min"),
    ("cue_answer_window", [2, 15], "answer window"),
    ("database_id", "forged", "no setting 'database_id'"),
    ("clock_heartbeat", {}, "no setting 'clock_heartbeat'"),
    ("installation_id", "forged", "no setting 'installation_id'"),
]


@pytest.mark.parametrize(("key", "value", "words"), BAD, ids=[f"{k}-{i}" for i, (k, _v, _w)
                                                              in enumerate(BAD)])
def test_bad_values_and_unknown_keys_are_refused_in_words(data_dir, clock, protocols, key,
                                                          value, words):
    world = World(data_dir, clock, protocols)
    before = world.ctx.db.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
    last = _last_audit(world)
    with pytest.raises(KapdeskError, match=words):
        world.ctx.ops.settings.change(world.users["admin"], key, value)
    assert world.ctx.db.execute("SELECT key, value FROM settings ORDER BY key"
                                ).fetchall() == before
    assert _audit_after(world, last) == []


def test_the_room_stores_only_what_it_sees_itself(data_dir, clock, protocols):
    """A cue is answered by SessionOps (with its role); the room's own write is a cue due
    or escalated, and a clock change is a suspend or a jump."""
    world = World(data_dir, clock, protocols)
    sid = world.dosed()
    room, doc = world.ctx.ops.room, world.doc
    before = world.rows()
    for kind in (CueEventKind.ACKNOWLEDGED, CueEventKind.SKIPPED, CueEventKind.MISSED):
        with pytest.raises(KapdeskError, match="due or escalated"):
            room.cue_seen(doc, sid, "vitals#1", kind, {"reason": "forged"})
    with pytest.raises(KapdeskError, match="suspend or a jump"):
        room.clock_changed(doc, sid, "closed_gap", 1.0, clock.now(), None, [], "")
    assert world.rows() == before
    event = room.cue_seen(doc, sid, "vitals#1", CueEventKind.DUE, {"due_s": 0.0})
    assert event.user_id is None  # the room's row, not a person's act
    room.beat(doc, Heartbeat.read(clock))
    assert room.heartbeat() == Heartbeat.read(clock)
