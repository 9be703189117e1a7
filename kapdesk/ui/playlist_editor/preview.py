"""Preview a track at low volume through a MusicPlayer, and say so when there is no sound.

The player is made on the first preview (its output opened then, not when the editor
opens). No output: "Audio unavailable: <reason>", and the editor carries on. A track that
cannot be played is said in words. Closing stops the preview and releases the player, or
only stops it when the player is shared (`release=False`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from kapdesk.audio.model import DeviceLost, PlaylistEnded, Skipped, Started, TrackSpec
from kapdesk.audio.player import MusicPlayer
from kapdesk.ui.naming import named

PREVIEW_DB = -20.0
# The player's volume is perceptual: amplitude = level ** 3 (dsp.taper), so -20 dB is
# 10 ** (-20 / 60), about 0.46.
PREVIEW_LEVEL = 10 ** (PREVIEW_DB / 60)
POLL_MS = 250
FADE_IN_S = 0.5
FADE_OUT_S = 0.5

PlayerFactory = Callable[[], MusicPlayer]


class PreviewController(QObject):
    status_changed = Signal(str)
    playing_changed = Signal(bool)

    def __init__(self, factory: PlayerFactory = MusicPlayer,
                 busy: Callable[[], str | None] | None = None, release: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._release = release  # close the player on close(); False: it is shared
        self._busy = busy or (lambda: None)
        self._player: MusicPlayer | None = None
        self._label = ""
        self._id = ""
        self._count = 0
        self._seen = False  # the current preview started, or was skipped
        self.playing = False
        self.status = ""
        self._timer = named(QTimer(self), "preview events")
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def preview(self, path: Path, label: str, gain_db: float | None) -> bool:
        """Play one track at -20 dB (its loudness gain applied); False, with the reason in
        `status`, when it cannot be heard."""
        busy = self._busy()
        if busy:
            self._say(busy)
            return False
        player = self._ready()
        if player is None:
            return False
        player.events()  # what an earlier preview left behind
        self._label = label
        self._count += 1
        self._id = f"preview-{self._count}"
        self._seen = False
        player.set_volume(PREVIEW_LEVEL)
        player.load([TrackSpec(self._id, path, gain_db)])
        player.play(FADE_IN_S)
        self._set_playing(True)
        self._say(f"Previewing '{label}' at low volume ({PREVIEW_DB:.0f} dB).")
        self._timer.start()
        return True

    def _ready(self) -> MusicPlayer | None:
        if self._player is None:
            self._player = self._factory()
        if self._player.available or self._player.start():
            return self._player
        reason = self._player.reason or "no sound output"
        self._say(reason if reason.startswith("Audio unavailable") else
                  f"Audio unavailable: {reason}")
        return None

    def stop(self) -> None:
        if self._player is not None and self.playing:
            self._player.stop(FADE_OUT_S)
            self._say("Preview stopped.")
        self._set_playing(False)

    def _poll(self) -> None:
        if self._player is None:
            self._timer.stop()
            return
        for event in self._player.events():
            if isinstance(event, Skipped) and event.track_id == self._id:
                self._seen = True
                self._say(f"Cannot preview '{self._label}': {event.reason}")
                self._set_playing(False)
            elif isinstance(event, DeviceLost):
                self._say(f"Audio unavailable: {event.reason}")
                self._set_playing(False)
            elif isinstance(event, PlaylistEnded) and self._seen:
                self._set_playing(False)
            elif isinstance(event, Started) and event.track_id == self._id:
                self._seen = True
        if not self.playing:
            self._timer.stop()

    def _set_playing(self, playing: bool) -> None:
        if playing != self.playing:
            self.playing = playing
            self.playing_changed.emit(playing)

    def _say(self, text: str) -> None:
        self.status = text
        self.status_changed.emit(text)

    def close(self) -> None:
        """Stop the preview; release the player unless it is shared (see launcher)."""
        self._timer.stop()
        if self._player is not None:
            player, self._player = self._player, None
            if self._release:
                player.close()
            elif self.playing:
                player.stop(FADE_OUT_S)
        self._set_playing(False)
