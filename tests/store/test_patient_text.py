"""Issue 10 item 15: patient codes, reasons and names are checked and bounded; the patient
search matches what was typed, `%` and `_` included, literally."""

import pytest

from kapdesk.core.errors import KapdeskError, ValidationError
from kapdesk.core.history import HistoryFilter
from kapdesk.core.observations import Kind
from kapdesk.core.session import State
from kapdesk.core.text_rules import check_patient_code, like_contains
from kapdesk.store.history import search_patients

BAD_CODES = [
    ("K-0\x0014", "U+0000"),  # NUL
    ("K\x1b[31m", "U+001B"),  # escape: a terminal colour sequence
    ("K-\u202e410", "U+202E (right-to-left override)"),
    ("\u2066K-1", "U+2066 (left-to-right isolate)"),
    ("K\u200b1", "U+200B (zero width space)"),
    ("K\n1", "U+000A"),
    ("K\t1", "U+0009"),
    ("K\u20281", "U+2028 (line separator)"),
    ("\ufeffK-1", "U+FEFF (zero width no-break space)"),
    ("K\x7f1", "U+007F"),
    ("K\u200f1", "U+200F (right-to-left mark)"),
]


@pytest.mark.parametrize(("code", "named"), BAD_CODES)
def test_patient_code_with_an_invisible_character_is_refused_naming_it(patients, user_id,
                                                                        code, named) -> None:
    with pytest.raises(ValidationError) as caught:
        patients.save(code, user_id)
    assert f"cannot hold the invisible or control character {named}" in str(caught.value)
    assert patients.find("") == []


def test_a_planned_session_refuses_the_same_codes(sessions, im_kap, user_id) -> None:
    for code, _named in BAD_CODES:
        with pytest.raises(KapdeskError, match="cannot hold the invisible"):
            sessions.plan(code, im_kap, user_id)
    assert sessions.count() == 0


def test_code_length_is_bounded_and_ordinary_codes_pass(patients, user_id) -> None:
    with pytest.raises(ValidationError, match="at most 40 characters; this one is 41"):
        patients.save("K" * 41, user_id)
    for code in ("K-014", "Åsa-7", "K 014", "K" * 40):
        assert patients.save(f"  {code} ", user_id).code == code
    assert check_patient_code("KAP/2026#3") == "KAP/2026#3"


def test_percent_and_underscore_in_the_search_match_literally(db, patients, user_id) -> None:
    for code in ("K-014", "K-015", "50%-A", "A_B", "AxB", "C\\D"):
        patients.save(code, user_id)
    assert [p.code for p in patients.find("%")] == ["50%-A"]
    assert [p.code for p in patients.find("_")] == ["A_B"]
    assert [p.code for p in patients.find("A_")] == ["A_B"]
    assert [p.code for p in patients.find("\\")] == ["C\\D"]
    assert [p.code for p in patients.find("k-01")] == ["K-014", "K-015"]
    rows, total = search_patients(db, HistoryFilter(text="%"))
    assert ([r.code for r in rows], total) == (["50%-A"], 1)
    assert like_contains("a%b_c\\") == "%a\\%b\\_c\\\\%"


def test_reasons_are_bounded_and_refuse_control_characters(sessions, im_kap, user_id) -> None:
    session = sessions.plan("K-014", im_kap, user_id)
    with pytest.raises(ValidationError, match="The reason is at most 2,000 characters; this "
                                              "is 2,001"):
        sessions.transition(session.id, State.CANCELLED, user_id, "x" * 2001)
    with pytest.raises(ValidationError, match="U\\+0000"):
        sessions.transition(session.id, State.CANCELLED, user_id, "patient\x00 unwell")
    done = sessions.transition(session.id, State.CANCELLED, user_id, "Unwell.\nRebooked Friday.")
    assert done.state is State.CANCELLED
    reasons = [e.data.get("reason") for e in sessions.events(session.id)]
    assert reasons[-1] == "Unwell.\nRebooked Friday."


def test_side_effect_names_and_correction_reasons_are_bounded(sessions, records, im_kap,
                                                               user_id) -> None:
    session = sessions.plan("K-014", im_kap, user_id)
    sessions.transition(session.id, State.PREPARING, user_id)
    with pytest.raises(ValidationError, match="The side effect's name is at most 120"):
        records.record(session.id, Kind.SIDE_EFFECT, {"name": "N" * 121, "severity": "mild"},
                       user_id)
    with pytest.raises(ValidationError, match="U\\+001B"):
        records.record(session.id, Kind.SIDE_EFFECT, {"name": "\x1b[2J", "severity": "mild"},
                       user_id)
    with pytest.raises(ValidationError, match="The medicine's name is at most 120"):
        records.record(session.id, Kind.MEDICATION, {"drug": "D" * 500, "dose_mg": 4}, user_id)
    saved = records.record(session.id, Kind.SIDE_EFFECT, {"name": "Nausea",
                                                          "severity": "mild"}, user_id)
    with pytest.raises(ValidationError, match="The reason is at most 2,000"):
        records.correct(saved.observation.id, user_id, "r" * 5000, {"name": "Nausea",
                                                             "severity": "moderate"})
    assert len(records.all(session.id)) == 1


def test_veto_reasons_are_bounded(db, clock, audit, patients, user_id) -> None:
    from kapdesk.store.music import MusicStore

    patients.save("K-014", user_id)
    music = MusicStore(db, clock, audit)
    with pytest.raises(ValidationError, match="The reason for the veto is at most 2,000"):
        music.add_veto("K-014", "/music/a.ogg", user_id, "r" * 2001)
    assert music.vetoes("K-014") == []
    assert music.add_veto("K-014", "/music/a.ogg", user_id, "Too loud").reason == "Too loud"
