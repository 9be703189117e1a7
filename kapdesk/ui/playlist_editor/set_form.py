"""The set's details: name, curator, tags, description, and the minutes wanted per phase."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from kapdesk.core.playlist import PHASES, PlaylistSet, phase_name
from kapdesk.core.playlist.text import parse_tags


def named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class SetForm(QGroupBox):
    details_edited = Signal()
    target_edited = Signal(str, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Set", parent)
        self.setObjectName("set_details")
        self.setAccessibleName("Playlist set details")
        self.name_edit = QLineEdit()
        named(self.name_edit, "set_name", "Set name")
        self.curator_edit = QLineEdit()
        named(self.curator_edit, "set_curator", "Curator")
        self.tags_edit = QLineEdit()
        named(self.tags_edit, "set_tags", "Set tags, separated by commas")
        self.tags_edit.setPlaceholderText("ambient, no lyrics")
        self.description_edit = QPlainTextEdit()
        named(self.description_edit, "set_description", "Set description")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(46)
        self.targets: dict[str, QDoubleSpinBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setVerticalSpacing(4)
        for column, (text, edit) in enumerate((("Name", self.name_edit),
                                               ("Curator", self.curator_edit),
                                               ("Tags", self.tags_edit))):
            grid.addWidget(self._label(text, edit), 0, column * 2)
            grid.addWidget(edit, 0, column * 2 + 1)
        grid.addWidget(self._label("Description", self.description_edit), 1, 0)
        grid.addWidget(self.description_edit, 1, 1, 1, 5)
        row = QHBoxLayout()
        row.setSpacing(6)
        for phase in PHASES:
            spin = QDoubleSpinBox()
            named(spin, f"target_{phase}", f"Minutes of music wanted in {phase_name(phase)}")
            spin.setRange(0, 600)
            spin.setDecimals(1)
            spin.setSingleStep(5)
            spin.setSuffix(" min")
            spin.setKeyboardTracking(False)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setFixedWidth(84)
            spin.valueChanged.connect(lambda value, p=phase: self._on_target(p, value))
            self.targets[phase] = spin
            row.addWidget(self._label(phase_name(phase), spin))
            row.addWidget(spin)
            row.addSpacing(6)
        row.addStretch(1)
        grid.addWidget(self._label("Wanted", None), 2, 0)
        grid.addLayout(row, 2, 1, 1, 5)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.setColumnStretch(5, 2)
        for edit in (self.name_edit, self.curator_edit, self.tags_edit):
            edit.editingFinished.connect(self._on_details)
        self.description_edit.textChanged.connect(self._on_details)
        self._loading = False

    @staticmethod
    def _label(text: str, buddy: QWidget | None) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "muted")
        if buddy is not None:
            label.setBuddy(buddy)
        return label

    def show_set(self, playlist_set: PlaylistSet) -> None:
        self._loading = True
        try:
            self.name_edit.setText(playlist_set.name)
            self.curator_edit.setText(playlist_set.curator)
            self.tags_edit.setText(", ".join(playlist_set.tags))
            self.description_edit.setPlainText(playlist_set.description)
            for phase, spin in self.targets.items():
                spin.setValue(playlist_set.target_minutes.get(phase, 0.0))
            for edit in (self.name_edit, self.curator_edit, self.tags_edit):
                edit.setCursorPosition(0)
        finally:
            self._loading = False

    def _on_details(self) -> None:
        if not self._loading:
            self.details_edited.emit()

    def _on_target(self, phase: str, value: float) -> None:
        if not self._loading:
            self.target_edited.emit(phase, float(value))

    def details(self) -> tuple[str, str, str, tuple[str, ...]]:
        return (self.name_edit.text(), self.description_edit.toPlainText(),
                self.curator_edit.text(), parse_tags(self.tags_edit.text()))
