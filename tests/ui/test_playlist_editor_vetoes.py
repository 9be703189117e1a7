"""The editor's vetoes per patient (audited) and its low-volume preview (real player, SDL's
dummy driver; no driver at all for "Audio unavailable")."""

import pytest

from kapdesk.audio.player import MusicPlayer
from kapdesk.core.playlist import PHASES, track_key
from kapdesk.paths import resource_root
from kapdesk.ui.playlist_editor.preview import PREVIEW_DB, PREVIEW_LEVEL
from tests.ui.playlist_editor_support import Answers, corrupt, make_stores, open_editor, tone

SHIPPED = resource_root() / "playlists"


@pytest.fixture
def stores(data_dir, clock):
    made = make_stores(data_dir, clock)
    made.patients.save("K-014", made.clinician.id, name="Alice Example")
    made.patients.save("K-015", made.clinician.id)
    made.patients.save("ALI-7", made.clinician.id)
    yield made
    made.db.close()


class RecordingPlayer(MusicPlayer):
    """The real player, remembering the volumes it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: list[float] = []

    def set_volume(self, level: float) -> None:
        self.levels.append(level)
        super().set_volume(level)


def select_peak_track(window, row: int = 1):
    window.tabs.setCurrentIndex(PHASES.index("peak"))
    window.tables["peak"].select_rows([row])
    return window.current_track()


def test_vetoes_are_added_and_lifted_with_a_reason_and_audited(qtbot, stores):
    window = open_editor(qtbot, stores, SHIPPED)
    panel = window.vetoes
    track = select_peak_track(window)
    assert not panel.add_button.isEnabled()  # no patient yet
    completer = panel.code_edit.completer().model()
    panel.code_edit.textEdited.emit("ali")  # as typed (without the popup: offscreen)
    assert completer.stringList() == []  # staff are offered no patient codes
    panel.code_edit.textEdited.emit("k-01")
    assert completer.stringList() == []  # they type the code they were given
    assert panel.show_patient("K-014") and panel.status.text().startswith("K-014 has vetoed 0")
    panel.reason_edit.setText("reminds her of the hospital")
    panel.add_button.click()
    assert [v.path for v in stores.music.vetoes("K-014")] == [track.key]
    assert panel.model.rowCount() == 1
    assert panel.model.data(panel.model.index(0, 0)) == "KAPdesk Sample Ensemble - Open Sky"
    assert panel.model.data(panel.model.index(0, 1)) == "reminds her of the hospital"
    assert stores.music.vetoes("K-015") == []
    panel.table.selectRow(0)
    assert panel.remove_button.isEnabled()
    panel.reason_edit.setText("she asked for it back")
    panel.remove_button.click()
    assert stores.music.vetoes("K-014") == [] and panel.model.rowCount() == 0
    rows = stores.audit.rows("music_veto")
    assert [(r["action"], r["user_id"]) for r in rows] == [("create", stores.staff.id),
                                                           ("delete", stores.staff.id)]
    assert "reminds her of the hospital" in rows[0]["new"] and track.key in rows[0]["new"]
    assert "she asked for it back" in rows[1]["new"]
    assert not panel.show_patient("K-999")
    assert panel.status.text() == "There is no patient 'K-999'." and \
        not panel.add_button.isEnabled()


def test_the_lock_hides_the_editor_and_the_patient_it_showed(qtbot, stores):
    window = open_editor(qtbot, stores, SHIPPED)
    window.vetoes.show_patient("K-014")
    window.launcher.on_locked(True)
    assert not window.isVisible() and window.vetoes.code_edit.text() == ""
    assert window.vetoes.model.rowCount() == 0


def test_preview_without_a_sound_device_says_audio_unavailable_and_work_goes_on(
        qtbot, stores, monkeypatch, tmp_path):
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    window = open_editor(qtbot, stores, SHIPPED, Answers(files=[tone(tmp_path / "t.ogg", 1)]))
    select_peak_track(window)
    assert window.commands.preview_selected() is False
    assert window.status.text().startswith("Audio unavailable: ")
    assert not window.actions_.stop_preview.isEnabled()
    window.actions_.add_files.trigger()  # the editor carries on
    assert window.controller.set.tracks("peak")[2].path == tmp_path / "t.ogg"
    assert window.save()


def test_preview_plays_quietly_says_so_and_stops(qtbot, stores, monkeypatch, tmp_path):
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    players: list[RecordingPlayer] = []

    def make() -> RecordingPlayer:
        players.append(RecordingPlayer())
        return players[-1]

    window = open_editor(qtbot, stores, SHIPPED, player=make)
    track = select_peak_track(window)
    assert window.commands.preview_selected()
    assert window.status.text() == \
        f"Previewing 'KAPdesk Sample Ensemble - Open Sky' at low volume ({PREVIEW_DB:.0f} dB)."
    assert players[0].levels == [PREVIEW_LEVEL] and pytest.approx(0.1) == PREVIEW_LEVEL ** 3
    qtbot.waitUntil(lambda: players[0].current() is not None, timeout=3000)
    assert players[0].current().path == track.path
    assert window.actions_.stop_preview.isEnabled()
    window.actions_.stop_preview.trigger()
    assert window.status.text() == "Preview stopped." and not window.preview.playing
    short = tone(tmp_path / "short.ogg", 0.5)
    window.controller.add_paths("peak", [short])
    window.tables["peak"].select_rows([9])
    assert window.current_track().key == track_key(short)
    assert window.commands.preview_selected()
    qtbot.waitUntil(lambda: not window.preview.playing, timeout=5000)  # it played out
    broken = tone(tmp_path / "broken.ogg", 0.5)
    window.controller.add_paths("peak", [broken])
    corrupt(broken)  # damaged after it was added (a damaged file is refused at import)
    window.tables["peak"].select_rows([10])
    assert window.commands.preview_selected()
    qtbot.waitUntil(lambda: window.status.text().startswith("Cannot preview 'broken': "),
                    timeout=3000)
    assert not window.preview.playing and len(players) == 1
    window.close()  # the player shares the room's device: kept until the app closes
    assert players[0].available
    window.launcher.shutdown()
    assert not players[0].available and players[0].reason == "closed"


def test_preview_waits_while_the_rooms_music_plays(qtbot, stores):
    made: list[MusicPlayer] = []
    window = open_editor(qtbot, stores, SHIPPED, player=lambda: made.append(None) or None,
                         music_busy=lambda: "The room's music is playing: preview after the "
                                            "session.")
    select_peak_track(window)
    assert window.commands.preview_selected() is False
    assert window.status.text() == "The room's music is playing: preview after the session."
    assert made == []  # no player was even made


def test_the_code_box_completes_codes_only_for_who_may_see_records(qtbot, stores):
    window = open_editor(qtbot, stores, SHIPPED)
    panel = window.vetoes
    completer = panel.code_edit.completer().model()
    for role, wanted in (("staff", []), ("clinician", ["ALI-7"])):
        panel._user = lambda role=role: stores.staff if role == "staff" else stores.clinician
        panel.code_edit.textEdited.emit("ali")
        assert completer.stringList() == wanted  # codes only: never matched by name
