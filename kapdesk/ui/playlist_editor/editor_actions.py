"""The editor's actions, its toolbar and its track buttons: each with an objectName, an
accessible name in plain words and, where it helps, a keyboard shortcut.

Declared apart from the window that shows them (Picard's ui/mainwindow/actions.py): the
track commands, the check and the preview's stop are connected here, to what this is
handed; the window adds the actions to itself (`all()`, so their shortcuts work in it) and
connects its own three: New, Save and the set chooser.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QToolBar, QToolButton, QWidget

from kapdesk.ui.naming import named, window_action
from kapdesk.ui.playlist_editor.phase_commands import PhaseCommands


class EditorActions(QObject):
    def __init__(self, commands: PhaseCommands, check: Callable[[], object],
                 stop_preview: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._accessible: dict[str, str] = {}
        a, cmd = self._action, commands
        self.new = a("New set", "new_set", "Ctrl+N", None, "Make a new playlist set")
        self.save = a("Save", "save_set", "Ctrl+S", None, "Save the playlist set")
        self.check = a("Check playlist", "check_playlist", "Ctrl+K", check,
                       "Check that every file is there and plays")
        self.import_ = a("Import M3U…", "import_m3u", None, cmd.import_playlist,
                         "Import an M3U playlist into this phase")
        self.export = a("Export M3U…", "export_m3u", None, cmd.export_playlist,
                        "Export this phase as an M3U8 playlist")
        self.add_files = a("Add files…", "add_files", "Ctrl+O", cmd.add_files,
                           "Add audio files to this phase")
        self.add_folder = a("Add folder…", "add_folder", "Ctrl+Shift+O", cmd.add_folder,
                            "Add a folder of audio files to this phase")
        self.remove = a("Remove", "remove_tracks", None, cmd.remove_selected,
                        "Remove the selected tracks from this phase")
        self.move_up = a("Up", "move_up", "Alt+Up", lambda: cmd.move_selected(-1),
                         "Move the selected tracks up")
        self.move_down = a("Down", "move_down", "Alt+Down", lambda: cmd.move_selected(1),
                           "Move the selected tracks down")
        self.measure = a("Measure loudness", "measure_loudness", "Ctrl+M", cmd.measure_selected,
                         "Measure the loudness of the selected tracks")
        self.preview = a("Preview", "preview_track", "Ctrl+P", cmd.preview_selected,
                         "Preview the selected track at low volume")
        self.stop_preview = a("Stop", "stop_preview", "Ctrl+.", stop_preview,
                              "Stop the preview")
        self.stop_preview.setEnabled(False)
        self.set_choice = named(QComboBox(), "set_choice")
        self.set_choice.setAccessibleName("Playlist set to edit")
        self.set_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.set_choice.setMinimumContentsLength(30)
        self.set_choice.setPlaceholderText("New set, not saved yet")
        self.origin = named(QLabel(), "set_origin")
        self.origin.setAccessibleName("Where this set is kept")
        self.origin.setProperty("role", "muted")

    def _action(self, text: str, name: str, shortcut: str | None,
                slot: Callable[[], object] | None, accessible: str) -> QAction:
        self._accessible[name] = accessible
        return window_action(text, name, slot, shortcut=shortcut, tip=accessible,
                             parent=self)

    def all(self) -> list[QAction]:
        """Every action, for the window to add to itself (its shortcuts then work in it)."""
        return [a for a in self.findChildren(QAction) if a.objectName() in self._accessible]

    def _button(self, action: QAction) -> QToolButton:
        made = named(QToolButton(), f"{action.objectName()}_button")
        made.setDefaultAction(action)
        made.setAccessibleName(self._accessible[action.objectName()])
        made.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return made

    def toolbar(self) -> QToolBar:
        bar = named(QToolBar("Playlist set"), "editor_toolbar")
        bar.setMovable(False)
        label = named(QLabel("Set"), "set_choice_label")
        label.setProperty("role", "muted")
        label.setBuddy(self.set_choice)
        bar.addWidget(label)
        bar.addWidget(self.set_choice)
        for action in (self.new, self.save, self.check, self.import_, self.export):
            bar.addWidget(self._button(action))
        spacer = named(QWidget(), "toolbar_spacer")
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addWidget(self.origin)
        return bar

    def track_buttons(self) -> list[QToolButton]:
        return [self._button(a) for a in (self.add_files, self.add_folder, self.remove,
                                          self.move_up, self.move_down, self.measure,
                                          self.preview, self.stop_preview)]

    def enable_for(self, selected: int, rows: int) -> None:
        """Track actions that need a selection, or a track, are enabled only then."""
        for action in (self.remove, self.move_up, self.move_down):
            action.setEnabled(selected > 0)
        self.preview.setEnabled(selected == 1)
        self.measure.setEnabled(rows > 0)
        self.export.setEnabled(True)
