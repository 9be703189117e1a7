"""Opening the playlist editor from the main window, for staff only.

The launcher asks the role matrix each time (Action.CURATE_MUSIC: staff). Anyone else is
told in words and sees nothing. One editor at a time; the screen lock hides it (the veto
panel holds patient codes) and clears the patient it showed; the edits stay.

Preview in the app shares the room's sound device (`player` makes a MusicPlayer on it):
the launcher keeps that one preview player for the life of the app, because closing a
MusicPlayer stops the device's music channel, which would cut the room's music. `busy`
says why not to preview now (the room's music is playing), or None.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from kapdesk.audio.player import MusicPlayer
from kapdesk.core.accounts import User
from kapdesk.core.permissions import Action, PermissionDenied, allowed, require
from kapdesk.paths import Paths, resource_root
from kapdesk.services.music_ops import MusicOps
from kapdesk.services.playlist_ops import PlaylistOps
from kapdesk.services.reads import PatientReads

if TYPE_CHECKING:
    from kapdesk.ui.playlist_editor.preview import PlayerFactory
    from kapdesk.ui.playlist_editor.prompts import Prompts
    from kapdesk.ui.playlist_editor.window import PlaylistEditorWindow
from kapdesk.ui.theme import DARK


def shipped_playlists_dir() -> Path:
    return resource_root() / "playlists"


class PlaylistEditorLauncher(QObject):
    def __init__(self, music: MusicOps, patients: PatientReads, paths: Paths,
                 user: Callable[[], User], report: Callable[[str], None],
                 parent: QObject | None,
                 *, shipped_dir: Path | None = None, player: PlayerFactory | None = None,
                 music_busy: Callable[[], str | None] | None = None,
                 prompts: Callable[[QWidget], Prompts] | None = None,
                 on_saved: Callable[[], None] | None = None,
                 playlists: PlaylistOps) -> None:
        super().__init__(parent)
        self._ops = playlists  # Save: the operation, for whoever is signed in then
        self._music = music
        self._patients = patients
        self._paths = paths
        self._user = user
        self._report = report
        self._shipped = shipped_dir or shipped_playlists_dir()
        self._player = player
        self._busy = music_busy
        self._prompts = prompts
        self._on_saved = on_saved
        self._preview_player: MusicPlayer | None = None
        self.window: PlaylistEditorWindow | None = None

    def open(self) -> PlaylistEditorWindow | None:
        """Show the editor (raised if open); None, with the reason said, for anyone but
        staff."""
        try:
            require(self._user().role, Action.CURATE_MUSIC)
        except PermissionDenied as exc:
            self._report(f"{exc} Playlists are curated by staff.")
            return None
        if self.window is None:
            self.window = self._build()
        elif self.window.isVisible():
            self.window.raise_()  # already open: bring it to the front
        self.window.show()
        self.window.activateWindow()
        return self.window

    def _build(self) -> PlaylistEditorWindow:
        # The editor's modules load when it is first opened: not needed to show the room.
        from kapdesk.ui.playlist_editor.controller import EditorController
        from kapdesk.ui.playlist_editor.preview import PreviewController
        from kapdesk.ui.playlist_editor.prompts import DialogPrompts
        from kapdesk.ui.playlist_editor.window import PlaylistEditorWindow

        self._paths.playlists_dir.mkdir(parents=True, exist_ok=True)
        controller = EditorController(self._music, self._shipped, self._paths.playlists_dir,
                                      alert=DARK.alert, muted=DARK.muted,
                                      save=lambda s: self._ops.save(self._user(), s))
        preview = PreviewController(self._shared_player, self._busy, release=False) \
            if self._player is not None else PreviewController(busy=self._busy)
        window = PlaylistEditorWindow(controller, self._music, self._patients, self._user,
                                      prompts=self._prompts or DialogPrompts, preview=preview)
        controller.setParent(window)
        preview.setParent(window)
        window.destroyed.connect(self._on_window_destroyed)
        controller.saved.connect(self._on_controller_saved)
        return window

    def _on_controller_saved(self, _entry: object) -> None:
        if self._on_saved is not None:
            self._on_saved()  # e.g. the room reloads its sets

    def _shared_player(self) -> MusicPlayer:
        if self._preview_player is None:
            assert self._player is not None
            self._preview_player = self._player()
        return self._preview_player

    def shutdown(self) -> None:
        """The app is closing: close the editor and release the preview player."""
        if self.window is not None:
            self.window.close()
        if self._preview_player is not None:
            player, self._preview_player = self._preview_player, None
            player.close()

    def _on_window_destroyed(self, _obj: object = None) -> None:
        self.window = None

    def on_locked(self, locked: bool) -> None:
        """The screen locked: hide the editor and the patient code it showed."""
        if locked and self.window is not None:
            self.window.preview.stop()
            self.window.vetoes.clear()
            self.window.hide()

    def on_user_changed(self, user: User) -> None:
        if self.window is not None and not allowed(user.role, Action.CURATE_MUSIC):
            self.on_locked(True)
