"""What "Check playlist" (and opening or importing) found, one line each: problems in the
alert colour, warnings in amber. Activating a line goes to the track it is about."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from kapdesk.core.playlist.findings import GOOD, PROBLEM, Finding
from kapdesk.ui.playlist_editor.style import WARNING_TEXT
from kapdesk.ui.theme import Theme

NOT_CHECKED = ("Not checked yet: 'Check playlist' makes sure every file is there and plays, "
               "before a session.")


class FindingsList(QListWidget):
    found = Signal(object)  # the Finding activated (Enter or double click)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("check_results")
        self.setAccessibleName("What Check playlist found")
        self.setWordWrap(True)
        self.setMaximumHeight(120)
        self._problem = QColor(theme.alert)
        self._warning = QColor(WARNING_TEXT)
        self._good = QColor(theme.accent)
        self.itemActivated.connect(self._on_item_activated)
        self.show_findings([])

    def show_findings(self, found: list[Finding]) -> None:
        self.clear()
        if not found:
            self.addItem(NOT_CHECKED)
        for finding in found:
            item = QListWidgetItem(str(finding))
            item.setData(Qt.ItemDataRole.UserRole, finding)
            item.setToolTip(str(finding.path or ""))
            item.setForeground(self._good if finding.severity == GOOD else
                               self._problem if finding.severity == PROBLEM else self._warning)
            self.addItem(item)

    def findings(self) -> list[Finding]:
        found = (self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count()))
        return [f for f in found if isinstance(f, Finding)]

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        finding = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(finding, Finding):
            self.found.emit(finding)
