"""The playlist editor (staff): build and check phase playlist sets before a session.

- `launcher.PlaylistEditorLauncher`: the main window's "Playlists…" action (staff only)
- `window.PlaylistEditorWindow`: the window; `controller.EditorController`: its operations
- `track_model.PhaseTrackModel`: one phase's tracks, an adapter over the core list
- `catalog.TrackCatalog`: lengths, tags and loudness, cached in MusicStore, read on workers
- `preview.PreviewController`: listening at low volume
- `vetoes.VetoPanel`: per-patient vetoes (audited by MusicStore)

What needs no Qt lives below: the files' work (collect, examine, measure, check) in
`kapdesk.audio.track_files`; the check's findings, the editor's words and the sets' folders
in `kapdesk.core.playlist` (`findings`, `text`, `set_files`).
"""

from kapdesk.ui.playlist_editor.launcher import PlaylistEditorLauncher

__all__ = ("PlaylistEditorLauncher",)
