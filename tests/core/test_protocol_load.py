"""Loading the template folders: a broken file never stops the others; a clinic copy wins."""

from pathlib import Path

from kapdesk.core.protocol import ProtocolError, load_protocol_file, load_protocols
from kapdesk.paths import builtin_protocols_dir

GOOD = """\
id = "clinic-im"
name = "Clinic IM"
route = "intramuscular"
session_minutes = 60

[[phases]]
key = "peak"
start = 0
end = 60

[[cues]]
id = "vitals"
at = 15
kind = "vitals"
text = "Take vitals"
"""

BUILTIN_IDS = {"im-kap", "iv-infusion", "sublingual-lozenge", "esketamine-nasal"}


def test_builtin_folder_loads_without_errors() -> None:
    found, errors = load_protocols([builtin_protocols_dir()])
    assert errors == []
    assert {p.id for p in found} == BUILTIN_IDS
    assert all(Path(p.source).parent == builtin_protocols_dir() for p in found)


def test_broken_file_is_reported_and_the_good_one_still_loads(tmp_path: Path) -> None:
    (tmp_path / "a-broken.toml").write_text(GOOD.replace("at = 15", "at = 15 15"),
                                            encoding="utf-8")
    (tmp_path / "b-good.toml").write_text(GOOD, encoding="utf-8")
    found, errors = load_protocols([tmp_path])
    assert [p.id for p in found] == ["clinic-im"]
    assert len(errors) == 1
    assert errors[0].source == str(tmp_path / "a-broken.toml")
    assert errors[0].line == 13
    assert str(errors[0]).startswith(f"{tmp_path / 'a-broken.toml'}, line 13: not valid TOML")


def test_broken_clinic_file_leaves_every_builtin_loaded(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text(GOOD.replace('kind = "vitals"', 'kind = "bell"'),
                                          encoding="utf-8")
    (tmp_path / "good.toml").write_text(GOOD, encoding="utf-8")
    found, errors = load_protocols([builtin_protocols_dir(), tmp_path])
    assert {p.id for p in found} == BUILTIN_IDS | {"clinic-im"}
    assert [e.source for e in errors] == [str(tmp_path / "broken.toml")]
    assert "unknown cue kind 'bell'" in str(errors[0])
    assert "broken.toml, line 14" in str(errors[0])


def test_later_folder_overrides_a_builtin_with_the_same_id(tmp_path: Path) -> None:
    original = (builtin_protocols_dir() / "im-kap.toml").read_text(encoding="utf-8")
    changed = original.replace('name = "Intramuscular ketamine (KAP)"',
                               'name = "IM KAP (our clinic)"')
    assert changed != original
    (tmp_path / "our-im.toml").write_text(changed, encoding="utf-8")
    found, errors = load_protocols([builtin_protocols_dir(), tmp_path])
    assert errors == []
    by_id = {p.id: p for p in found}
    assert len(found) == len(BUILTIN_IDS)  # replaced, not added
    assert by_id["im-kap"].name == "IM KAP (our clinic)"
    assert by_id["im-kap"].source == str(tmp_path / "our-im.toml")
    assert by_id["iv-infusion"].source.startswith(str(builtin_protocols_dir()))


def test_missing_folder_is_skipped(tmp_path: Path) -> None:
    found, errors = load_protocols([tmp_path / "nowhere", builtin_protocols_dir()])
    assert errors == []
    assert {p.id for p in found} == BUILTIN_IDS


def test_non_toml_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a protocol", encoding="utf-8")
    (tmp_path / "good.toml").write_text(GOOD, encoding="utf-8")
    found, errors = load_protocols([tmp_path])
    assert [p.id for p in found] == ["clinic-im"] and errors == []


def test_unreadable_bytes_are_reported_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD.replace("Take vitals", "Tension art\xe9rielle").encode("latin-1"))
    try:
        load_protocol_file(path)
    except ProtocolError as error:
        assert error.source == str(path)
        assert error.line is None
        assert "cannot be read" in str(error)
    else:
        raise AssertionError("a file that is not UTF-8 must be refused")
    found, errors = load_protocols([tmp_path])
    assert found == [] and [e.source for e in errors] == [str(path)]
