"""The playlist editor (staff): build and check phase playlist sets before a session.

- `launcher.PlaylistEditorLauncher`: the main window's "Playlists…" action (staff only)
- `window.PlaylistEditorWindow`: the window; `controller.EditorController`: its operations
- `track_model.PhaseTrackModel`: one phase's tracks, an adapter over the core list
- `catalog.TrackCatalog`: lengths, tags and loudness, cached in MusicStore, read on workers
- `checking`: "Check playlist"; `preview.PreviewController`: listening at low volume
- `vetoes.VetoPanel`: per-patient vetoes (audited by MusicStore)
"""

from kapdesk.ui.playlist_editor.launcher import PlaylistEditorLauncher

__all__ = ("PlaylistEditorLauncher",)
