"""The editor's actions, its toolbar and its track buttons: each with an objectName, an
accessible name in plain words and, where it helps, a keyboard shortcut."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QToolBar, QToolButton, QWidget

if TYPE_CHECKING:
    from kapdesk.ui.playlist_editor.window import PlaylistEditorWindow


class EditorActions(QObject):
    def __init__(self, window: PlaylistEditorWindow) -> None:
        super().__init__(window)
        self._window = window
        self._accessible: dict[str, str] = {}
        w, cmd = window, window.commands
        a = self._action
        self.new = a("New set", "new_set", "Ctrl+N", w.new_set, "Make a new playlist set")
        self.save = a("Save", "save_set", "Ctrl+S", w.save, "Save the playlist set")
        self.check = a("Check playlist", "check_playlist", "Ctrl+K",
                       w.controller.check, "Check that every file is there and plays")
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
        self.stop_preview = a("Stop", "stop_preview", "Ctrl+.", w.preview.stop,
                              "Stop the preview")
        self.stop_preview.setEnabled(False)
        self.set_choice = QComboBox(objectName="set_choice")
        self.set_choice.setAccessibleName("Playlist set to edit")
        self.set_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.set_choice.setMinimumContentsLength(30)
        self.set_choice.setPlaceholderText("New set, not saved yet")
        self.set_choice.activated.connect(w.open_entry)
        self.origin = QLabel(objectName="set_origin")
        self.origin.setAccessibleName("Where this set is kept")
        self.origin.setProperty("role", "muted")

    def _action(self, text: str, name: str, shortcut: str | None, slot: Callable[[], object],
                accessible: str) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{accessible} ({QKeySequence(shortcut).toString()})")
        else:
            action.setToolTip(accessible)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        self._accessible[name] = accessible
        return action

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton(objectName=f"{action.objectName()}_button")
        button.setDefaultAction(action)
        button.setAccessibleName(self._accessible[action.objectName()])
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    def toolbar(self) -> QToolBar:
        bar = QToolBar("Playlist set", objectName="editor_toolbar")
        bar.setMovable(False)
        label = QLabel("Set", objectName="set_choice_label")
        label.setProperty("role", "muted")
        label.setBuddy(self.set_choice)
        bar.addWidget(label)
        bar.addWidget(self.set_choice)
        for action in (self.new, self.save, self.check, self.import_, self.export):
            bar.addWidget(self._button(action))
        spacer = QWidget(objectName="toolbar_spacer")
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
