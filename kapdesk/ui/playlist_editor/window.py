"""The playlist editor window (staff): one set at a time, a tab per phase.

Top: the set chooser and New, Save, Check playlist, Import and Export. Left: the set's
details and targets, the phase tabs (each tab says its length against its target), the
track buttons under the table, the phase total, and what "Check playlist" found. Right:
the selected track (length, loudness, lyrics, tags) and the patient vetoes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kapdesk import APP_NAME
from kapdesk.core.accounts import User
from kapdesk.core.playlist import PHASES, PhaseTotal, PlaylistSet, Track, phase_name
from kapdesk.core.playlist.findings import Finding
from kapdesk.core.playlist.set_files import SetEntry
from kapdesk.core.playlist.text import tab_text, total_text
from kapdesk.services.music_ops import MusicOps
from kapdesk.services.reads import PatientReads
from kapdesk.ui.naming import named
from kapdesk.ui.playlist_editor.controller import EditorController
from kapdesk.ui.playlist_editor.editor_actions import EditorActions
from kapdesk.ui.playlist_editor.findings_view import FindingsList
from kapdesk.ui.playlist_editor.phase_commands import PhaseCommands
from kapdesk.ui.playlist_editor.phase_table import PhaseTable
from kapdesk.ui.playlist_editor.preview import PreviewController
from kapdesk.ui.playlist_editor.prompts import DialogPrompts, Prompts
from kapdesk.ui.playlist_editor.set_form import SetForm
from kapdesk.ui.playlist_editor.style import editor_stylesheet
from kapdesk.ui.playlist_editor.track_model import LYRICS_COLUMN, TAGS
from kapdesk.ui.playlist_editor.track_panel import TrackPanel
from kapdesk.ui.playlist_editor.vetoes import VetoPanel
from kapdesk.ui.theme import DARK, Theme


class PlaylistEditorWindow(QMainWindow):
    def __init__(self, controller: EditorController, music: MusicOps,
                 patients: PatientReads, user: Callable[[], User], *,
                 prompts: Callable[[QWidget], Prompts] = DialogPrompts,
                 preview: PreviewController | None = None,
                 theme: Theme = DARK, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playlist_editor")
        self.setAccessibleName("Playlist editor")
        self.theme = theme
        self.setStyleSheet(editor_stylesheet(theme))
        self.resize(1366, 768)
        self.controller = controller
        self.prompts: Prompts = prompts(self)  # the questions it asks, over this window
        self.preview = preview or PreviewController(parent=self)
        self.entries: list[SetEntry] = []
        self.tables = {p: PhaseTable(controller.models[p]) for p in PHASES}
        self.form = SetForm()
        self.track_panel = TrackPanel(controller.catalog)
        self.commands = PhaseCommands(controller, self.prompts, self.preview,
                                      self.current_table, self.say, self)
        self.vetoes = VetoPanel(music, patients, user, self.current_track,
                                self._veto_label)
        self.actions_ = EditorActions(self.commands, controller.check, self.preview.stop, self)
        self.addActions(self.actions_.all())
        self._build()
        self._connect()
        self.reload_sets()
        if self.entries:  # the clinic's own set first: that is the one sessions use
            clinic = [i for i, e in enumerate(self.entries) if not e.shipped]
            self.open_entry(clinic[0] if clinic else 0)
        else:
            controller.new_set()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.addToolBar(self.actions_.toolbar())
        self.tabs = named(QTabWidget(), "phase_tabs")
        self.tabs.setAccessibleName("Phases")
        self.tabs.tabBar().setChangeCurrentOnDrag(True)  # drag rows onto another phase
        self.tabs.tabBar().setAcceptDrops(True)
        for phase in PHASES:
            self.tabs.addTab(self.tables[phase], phase_name(phase))
        self.total_label = named(QLabel(), "phase_total")
        self.total_label.setAccessibleName("Phase length against its target")
        self.findings = FindingsList(self.theme)
        left = named(QWidget(), "editor_main")
        column = QVBoxLayout(left)
        column.setContentsMargins(8, 8, 4, 8)
        column.setSpacing(6)
        column.addWidget(self.form)
        column.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        row.setSpacing(6)
        for button in self.actions_.track_buttons():
            row.addWidget(button)
        row.addStretch(1)
        column.addWidget(self.total_label)
        column.addLayout(row)
        heading = named(QLabel("Check playlist"), "check_heading")
        heading.setProperty("role", "heading")
        column.addWidget(heading)
        column.addWidget(self.findings)
        right = named(QWidget(), "editor_side")
        side = QVBoxLayout(right)
        side.setContentsMargins(4, 8, 8, 8)
        side.setSpacing(8)
        side.addWidget(self.track_panel)
        side.addWidget(self.vetoes, 1)
        split = named(QSplitter(Qt.Orientation.Horizontal), "editor_split")
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setSizes([1000, 360])
        split.setChildrenCollapsible(False)
        self.setCentralWidget(split)
        self.status = named(QLabel(), "editor_status")
        self.status.setAccessibleName("Editor status")
        self.statusBar().addWidget(self.status, 1)

    def _connect(self) -> None:
        c = self.controller
        self.actions_.new.triggered.connect(lambda _checked=False: self.new_set())
        self.actions_.save.triggered.connect(lambda _checked=False: self.save())
        self.actions_.set_choice.activated.connect(self.open_entry)
        c.set_opened.connect(self._on_controller_set_opened)
        c.totals_changed.connect(self._on_controller_totals_changed)
        c.findings_changed.connect(self._on_controller_findings_changed)
        c.dirty_changed.connect(self._on_controller_dirty_changed)
        c.checking_changed.connect(self._on_controller_checking_changed)
        c.check_progress.connect(lambda done, total: self.say(f"Checking {done} of {total}…"))
        c.message.connect(self.say)
        c.saved.connect(self._on_controller_saved)
        c.catalog.measured.connect(self._on_catalog_measured)
        self.preview.status_changed.connect(self.say)
        self.preview.playing_changed.connect(self.actions_.stop_preview.setEnabled)
        self.form.details_edited.connect(lambda: c.update_details(*self.form.details()))
        self.form.target_edited.connect(c.set_target)
        self.tabs.currentChanged.connect(lambda _i: self._on_selection_changed())
        for table in self.tables.values():
            table.selectionModel().selectionChanged.connect(
                lambda *_: self._on_selection_changed())
            table.delete_requested.connect(self.commands.remove_selected)
            table.doubleClicked.connect(self.commands.on_table_double_clicked)
            table.model().dataChanged.connect(lambda *_: self._on_selection_changed())
        self.findings.found.connect(self._on_findings_found)
        self.track_panel.lyrics_chosen.connect(
            lambda v: self.commands.edit_current(LYRICS_COLUMN, v))
        self.track_panel.tags_entered.connect(lambda v: self.commands.edit_current(TAGS, v))

    # -- sets --------------------------------------------------------------------------

    def reload_sets(self, select: Path | None = None) -> None:
        self.entries, broken = self.controller.available()
        chooser = self.actions_.set_choice
        chooser.blockSignals(True)
        chooser.clear()
        for entry in self.entries:
            chooser.addItem(entry.label, str(entry.folder))
        chooser.blockSignals(False)
        if select is not None:
            chooser.setCurrentIndex(max(0, chooser.findData(str(select))))
        if broken:
            self._on_controller_findings_changed(broken + self.controller.findings)

    def open_entry(self, index: int) -> bool:
        if not 0 <= index < len(self.entries) or not self._may_discard():
            self._show_chosen()
            return False
        opened = self.controller.open(self.entries[index].folder)
        self._show_chosen()
        return opened

    def _show_chosen(self) -> None:
        chooser = self.actions_.set_choice
        chooser.blockSignals(True)
        found = chooser.findData(str(self.controller.set.folder))
        chooser.setCurrentIndex(found if not self.controller.is_new else -1)
        chooser.blockSignals(False)

    def new_set(self) -> None:
        if self._may_discard():
            self.controller.new_set()
            self._show_chosen()
            self.form.name_edit.setFocus()
            self.form.name_edit.selectAll()

    def _may_discard(self) -> bool:
        if not self.controller.dirty:
            return True
        return self.prompts.confirm("Unsaved changes", f"'{self.controller.set.name}' has "
                                    "changes that are not saved. Discard them?")

    def save(self) -> bool:
        self.controller.update_details(*self.form.details())
        return self.controller.save(lambda text: self.prompts.confirm("Replace?", text))

    def _on_controller_saved(self, entry: SetEntry) -> None:
        self.reload_sets(select=entry.folder)
        self._on_controller_set_opened(self.controller.set)

    def _on_controller_set_opened(self, playlist_set: PlaylistSet) -> None:
        self.form.show_set(playlist_set)
        c = self.controller
        origin = ("Shipped set: saving makes a clinic copy" if c.shipped else
                  "New set, not saved yet" if c.is_new else f"Clinic set in {c.set.folder}")
        self.actions_.origin.setText(origin)
        self.actions_.save.setText("Save as clinic copy" if c.shipped else "Save")
        self._set_title()
        self._on_selection_changed()

    def _on_controller_dirty_changed(self, _dirty: bool) -> None:
        self._set_title()

    def _set_title(self) -> None:
        mark = " •" if self.controller.dirty else ""
        self.setWindowTitle(f"Playlists: {self.controller.set.name}{mark} · {APP_NAME}")

    def _on_catalog_measured(self, key: str, reason: str) -> None:
        catalog = self.controller.catalog
        track = next((t for t in self.controller.set.all_tracks() if t.key == key), None)
        name = catalog.label(track) if track is not None else Path(key).name
        if reason:
            self.say(f"'{name}': {reason}")
        elif catalog.idle:
            self.say("Loudness measured: each track will play at -18 LUFS.")

    def _on_controller_checking_changed(self, running: bool) -> None:
        self.actions_.check.setEnabled(not running)
        self.actions_.check.setText("Checking…" if running else "Check playlist")

    # -- phases and tracks --------------------------------------------------------------

    def current_phase(self) -> str:
        return PHASES[max(0, self.tabs.currentIndex())]

    def current_table(self) -> PhaseTable:
        return self.tables[self.current_phase()]

    def current_track(self) -> Track | None:
        return self.commands.current_track()

    def _on_selection_changed(self) -> None:
        table = self.current_table()
        rows = table.selected_rows()
        track = table.phase_model().track(rows[0]) if len(rows) == 1 else None
        self.track_panel.show_track(track, self.current_phase())
        self.actions_.enable_for(len(rows), table.phase_model().rowCount())
        self._on_controller_totals_changed(self.controller.totals())

    def _on_controller_totals_changed(self, totals: list[PhaseTotal]) -> None:
        for number, total in enumerate(totals):
            self.tabs.setTabText(number, tab_text(total))
            self.tabs.setTabToolTip(number, total_text(total))
        current = totals[max(0, self.tabs.currentIndex())]
        self.total_label.setText(f"{phase_name(current.phase)}: {total_text(current)}")
        self.total_label.setProperty("short", current.target_s > 0 and not current.meets_target)
        self.total_label.style().unpolish(self.total_label)
        self.total_label.style().polish(self.total_label)

    # -- what the check found --------------------------------------------------------------

    def _on_controller_findings_changed(self, found: list[Finding]) -> None:
        self.findings.show_findings(found)

    def _on_findings_found(self, finding: Finding) -> None:
        """Go to the track a finding is about."""
        if finding.phase is not None:
            self.tabs.setCurrentIndex(PHASES.index(finding.phase))
            if finding.row is not None:
                self.tables[finding.phase].select_rows([finding.row])

    def _veto_label(self, path: str) -> str:
        track = next((t for t in self.controller.set.all_tracks() if t.key == path), None)
        return self.controller.catalog.label(track) if track else Path(path).name

    def say(self, text: str) -> None:
        self.status.setText(text)

    # -- closing ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.controller.update_details(*self.form.details())
        if not self._may_discard():
            event.ignore()
            return
        self.preview.close()
        self.controller.shutdown()
        super().closeEvent(event)
