"""Music in the room with the real player (SDL's dummy output) and the shipped set."""

from dataclasses import dataclass, field

import pytest

from kapdesk.audio.model import PlayerState
from kapdesk.core.cues import CueEventKind
from kapdesk.core.session import State
from tests.ui.conftest import step


def _dosed(window, protocols):
    room = window.room
    room.plan("K-77", protocols["im-kap"])
    room.advance(State.PREPARING)
    window.act_dose.trigger()


def test_music_plays_the_phase_playlist_and_each_track_is_recorded(make_window, contexts,
                                                                   clock, protocols, qtbot):
    window = make_window()
    music = window.music
    assert music.set_id == "im-kap-ambient"
    _dosed(window, protocols)
    step(window, clock, 60)
    window.view.music_bar.play_button.click()
    assert music.phase == "onset"
    qtbot.waitUntil(lambda: "of music left" in window.view.music_bar.label.text(),
                    timeout=5000)
    text = window.view.music_bar.label.text()
    assert "Onset music" in text and "of music left" in text and "left in phase" in text
    plays = contexts[-1].stores.music.plays(window.room.session.id)
    assert plays and plays[0].phase == "onset" and plays[0].outcome is None
    window.view.music_bar.stop_button.click()
    qtbot.waitUntil(lambda: music.player.state is PlayerState.STOPPED, timeout=2000)


def test_a_music_cue_moves_to_the_next_phase_with_a_crossfade(make_window, contexts, clock,
                                                              protocols,
                                                              qtbot):
    window = make_window()
    _dosed(window, protocols)
    step(window, clock, 120)
    window.room.acknowledge("lights-dim#1")
    window.view.music_bar.play_button.click()
    step(window, clock, 8 * 60, every=60)  # T+10: "Move to the peak music"
    banner = window.view.banner
    assert banner.cue_key == "music-peak#1"
    assert banner.music_next_button.isVisible() and banner.music_stay_button.isVisible()
    banner.music_next_button.click()
    assert window.music.phase == "peak"
    assert window.music.player.state is PlayerState.PLAYING
    events = contexts[-1].stores.sessions.events(window.room.session.id)
    done = [e for e in events if e.cue_key == "music-peak#1"
            and e.kind == CueEventKind.ACKNOWLEDGED]
    assert done[0].data == {"music": "next phase"}
    window.music.stop()


def test_vetoed_tracks_are_left_out_for_that_patient(make_window, clock, protocols,
                                                     contexts):
    window = make_window()
    _dosed(window, protocols)
    music = window.music
    onset = music.playlist_set.phases["onset"]
    contexts[-1].stores.music.add_veto("K-77", onset[0].path, window.room.user_id,
                                       "dislikes bells")
    tracks = music._tracks("onset")
    assert onset[0].path not in [t.path for t in tracks]
    assert len(tracks) == len([t for t in onset if t.path != onset[0].path])


@dataclass
class NoDevice:
    """A player with no output, as pygame reports when there is no sound card."""

    available: bool = False
    reason: str = "Audio unavailable: no audio device (ALSA: no card)"
    calls: list[str] = field(default_factory=list)
    state: PlayerState = PlayerState.STOPPED

    def start(self): return False
    def retry(self): return False
    def set_volume(self, level): self.calls.append("volume")
    def set_crossfade(self, seconds): self.calls.append("crossfade")
    def current(self): return None
    def events(self): return []
    def stop(self, fade_s=3.0): self.calls.append("stop")
    def close(self): self.calls.append("close")


def test_no_audio_device_is_said_and_the_session_goes_on(make_window, clock, protocols):
    window = make_window()
    window.music.player.close()  # the real player goes; this one finds no sound card
    window.music.player = NoDevice()
    _dosed(window, protocols)
    window.view.music_bar.play_button.click()
    bar = window.view.music_bar
    assert bar.label.text() == "Audio unavailable: no audio device (ALSA: no card)"
    assert bar.retry_button.isVisibleTo(window)
    bar.retry_button.click()
    assert "Audio unavailable" in bar.label.text()
    step(window, clock, 120)
    assert window.view.banner.isVisible()  # the cues go on


def test_the_sets_loudness_is_found_in_the_background_and_stored(make_window, clock,
                                                                 protocols, qtbot):
    window = make_window()
    _dosed(window, protocols)
    music = window.music
    tracks = music.playlist_set.all_tracks()

    def known() -> list[bool]:
        return [(i := music.store.track_info(t.path)) is not None and i.gain_db is not None
                for t in tracks]

    assert not any(known())  # a fresh install: nothing measured in the editor
    window.view.music_bar.play_button.click()
    qtbot.waitUntil(lambda: all(known()), timeout=20_000)  # every phase's files, not only
    info = music.store.track_info(tracks[0].path)  # the ones queued
    assert info is not None and info.gain_source == "replaygain"  # the shipped files' tags
    assert info.gain_db is not None and info.integrated_lufs == pytest.approx(-18 - info.gain_db)
    music.stop()
    qtbot.waitUntil(lambda: music.player.state is PlayerState.STOPPED, timeout=2000)


@pytest.mark.parametrize("role", ["staff", "clinician"])
def test_the_volume_and_the_night_level_are_kept_for_next_time_unaudited(make_window,
                                                                        contexts, role):
    """The room's own choices: any signed-in role makes them (kapdesk.services.settings_ops),
    they are stored, and they leave nothing in the audit trail."""
    window = make_window(role=role)
    db = contexts[-1].db
    (last,) = db.execute("SELECT max(id) FROM audit").fetchone()
    window.view.music_bar.volume.setValue(35)
    assert window.music.volume == pytest.approx(0.35)
    window.act_night.trigger()
    settings = contexts[-1].stores.settings
    assert settings.get("music_volume") == pytest.approx(0.35)
    assert settings.get("theme_level") == "night"
    assert db.execute("SELECT count(*) FROM audit WHERE id > ?", [last]).fetchone()[0] == 0
    assert "Not saved" not in window.status.text()
