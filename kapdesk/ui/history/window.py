"""The history window: patients, their courses and sessions, one session's timeline and
record, the course view, and the REMS forms due.

Left: search, filters and patients (and a tab of REMS forms due). Middle: the patient's
courses with their sessions. Right: the selected session (timeline, entries as they stand,
sign, export) and the course view (outcome trends, doses and spacing, dissociation and
side effects, integration notes). Every dialog goes through the `Prompts` the wiring
hands it (kapdesk.ui.prompts), the same as the room's: the tests give theirs there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kapdesk import APP_NAME
from kapdesk.core.course_report import CourseReport, SessionSummary
from kapdesk.core.history import course_groups
from kapdesk.core.outcomes import Instrument, OutcomeMeasure
from kapdesk.core.permissions import Action
from kapdesk.core.report import SessionReport
from kapdesk.ui.history.browse_panel import BrowsePanel, RemsPanel
from kapdesk.ui.history.columns import session_columns
from kapdesk.ui.history.controller import HistoryController
from kapdesk.ui.history.course_panel import CoursePanel, heading
from kapdesk.ui.history.exporting import Exporter
from kapdesk.ui.history.models import OBJECT_ROLE, CourseTreeModel
from kapdesk.ui.history.printing import PrintFlow
from kapdesk.ui.history.session_panel import FIND_KEYS, SessionPanel
from kapdesk.ui.history.style import history_stylesheet
from kapdesk.ui.naming import named, window_action
from kapdesk.ui.prompts import Prompts
from kapdesk.ui.theme import DARK, Theme


class HistoryWindow(QMainWindow):
    def __init__(self, controller: HistoryController, prompts: Prompts, *,
                 sign: Callable[[int], bool] | None = None, export_dir: Path | None = None,
                 wording: Mapping[Instrument, Mapping[int, str]] | None = None,
                 theme: Theme = DARK, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_window")
        self.setWindowTitle(f"History · {APP_NAME}")
        self.setStyleSheet(history_stylesheet(theme))
        self.controller = controller
        self.theme = theme
        self.prompts = prompts
        self._sign = sign
        self._wording = wording or {}
        self.exporter = Exporter(controller, prompts.open_dialog, export_dir or Path.home(),
                                 self)
        self.printing = PrintFlow(controller, prompts.open_dialog, self)
        self.resize(1366, 768)
        refused = controller.refusal()
        if refused is not None:
            self._refuse(refused)
            return
        self._build()
        self._connect()
        self.browse.filters.set_protocols(controller.protocols())
        controller.search(self.browse.filters.current())
        controller.refresh_rems()

    # -- building ----------------------------------------------------------------------

    def _refuse(self, words: str) -> None:
        label = named(QLabel(f"{words}\n\nThe history shows patient records: ask a "
                             "clinician."), "history_refused")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        self.setCentralWidget(label)
        self.refused = True

    def _build(self) -> None:
        self.refused = False
        self._shown_once = False
        theme = self.theme
        self.browse = BrowsePanel(theme, self.controller.clock.now().astimezone().date())
        self.rems = RemsPanel(theme, self.controller.clock.now)
        self.left_tabs = named(QTabWidget(), "history_left_tabs")
        self.left_tabs.addTab(self.browse, "Patients")
        self.left_tabs.addTab(self.rems, "REMS due")
        middle = named(QWidget(), "sessions_pane")
        mid = QVBoxLayout(middle)
        mid.setContentsMargins(0, 0, 0, 0)
        mid.addWidget(heading("Courses and sessions"))
        self.tree_model = CourseTreeModel(session_columns(theme), self)
        self.tree = named(QTreeView(), "session_tree")
        self.tree.setAccessibleName("Courses and sessions")
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.tree.setAllColumnsShowFocus(True)
        mid.addWidget(self.tree, 1)
        self.sessions_label = named(QLabel(), "session_count")
        self.sessions_label.setProperty("role", "muted")
        mid.addWidget(self.sessions_label)
        self.session_panel = SessionPanel(theme)
        self.course_panel = CoursePanel(theme)
        self.right_tabs = named(QTabWidget(), "history_right_tabs")
        self.right_tabs.addTab(self.session_panel, "Session")
        self.right_tabs.addTab(self.course_panel, "Course")
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal), "history_splitter")
        for widget in (self.left_tabs, middle, self.right_tabs):
            self.splitter.addWidget(widget)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([280, 470, 616])
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 2)
        self.setCentralWidget(self.splitter)
        self._size_tree_columns()
        self.status = named(QLabel(), "history_status_bar")
        self.statusBar().addWidget(self.status, 1)
        self._actions()

    def _size_tree_columns(self) -> None:
        """Widths from sample text, not from every row: a patient may have hundreds."""
        head = self.tree.header()
        head.setStretchLastSection(False)
        head.setMinimumSectionSize(36)
        self.tree.ensurePolished()  # the window's style sheet font, before measuring
        metrics = self.tree.fontMetrics()
        samples = ("2026-12-31 23:59", "Integration", "unsigned", "Alerts")
        for column, sample in enumerate(samples):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            head.resizeSection(column, metrics.horizontalAdvance(sample) + 20
                               + (self.tree.indentation() if column == 0 else 0))
        head.setSectionResizeMode(len(samples), QHeaderView.ResizeMode.Stretch)

    def _actions(self) -> None:
        for text, name, keys, slot in (
                ("Find patient", "find_patient", FIND_KEYS, self._focus_search),
                ("Export…", "export_session_action", "Ctrl+E",
                 self.session_panel.export_button.click),
                ("Print…", "print_session_action", "Ctrl+P",
                 self.session_panel.print_button.click),
                ("Review and sign…", "sign_session_action", "Ctrl+Shift+S",
                 self.session_panel.sign_button.click),
                ("Close history", "close_history", "Ctrl+W", self.close)):
            self.addAction(window_action(text, name, slot, shortcut=keys, parent=self))

    def _connect(self) -> None:
        c = self.controller
        self.browse.filters.changed.connect(self._on_filters_changed)
        self.browse.patient_chosen.connect(c.open_patient)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        c.patients_listed.connect(self.browse.show_patients)
        c.course_loaded.connect(self._on_controller_course_loaded)
        c.session_loaded.connect(self._on_controller_session_loaded)
        c.outcomes_changed.connect(self._on_controller_outcomes_changed)
        c.rems_listed.connect(self._on_controller_rems_listed)
        c.exported.connect(lambda words: self._say(words))
        c.failed.connect(lambda words: self._say(words, error=True))
        self.session_panel.sign_requested.connect(self.sign_session)
        self.session_panel.export_requested.connect(lambda sid: self.exporter.session(sid))
        self.session_panel.print_requested.connect(lambda sid: self.printing.session(sid))
        self.course_panel.print_requested.connect(lambda: self.printing.course())
        self.rems.export_requested.connect(self.exporter.rems)
        self.course_panel.record_outcome_requested.connect(self.record_outcome)

    # -- slots -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.refused and not self._shown_once:  # the keys start in the search
            self._shown_once = True
            self._focus_search()

    def _focus_search(self) -> None:
        self.left_tabs.setCurrentWidget(self.browse)
        self.browse.filters.search_edit.setFocus()
        self.browse.filters.search_edit.selectAll()

    def _say(self, words: str, error: bool = False) -> None:
        self.status.setText(words)
        self.session_panel.show_status(words, error)

    def _on_filters_changed(self, flt: object) -> None:
        self.controller.search(flt)  # type: ignore[arg-type]
        self._show_groups(self.controller.course, keep=True)

    def _on_controller_course_loaded(self, course: CourseReport | None) -> None:
        self.course_panel.show_course(course)
        self._show_groups(course, keep=False)

    def _show_groups(self, course: CourseReport | None, keep: bool) -> None:
        current = self.session_panel.report.session_id if (
            keep and self.session_panel.report) else None
        groups = course_groups(course, self.controller.filter) if course else ()
        self.tree.selectionModel().blockSignals(True)
        self.tree_model.set_groups(groups)
        self.tree.selectionModel().blockSignals(False)
        for row in range(len(groups)):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self.tree.expandAll()
        shown = sum(len(g.sessions) for g in groups)
        total = len(course.sessions) if course else 0
        self.sessions_label.setText(
            "" if course is None else f"{total} session(s)" if shown == total else
            f"{shown} of {total} sessions match the filters")
        target = self.tree_model.session_index(current) if current else QModelIndex()
        if not target.isValid():  # the newest dosing session (else the newest of all)
            first = next((g for g in groups if g.sessions), None)
            pick = next((s for s in first.sessions if s.kind == "dosing"),
                        first.sessions[0]) if first else None
            target = (self.tree_model.session_index(pick.session_id) if pick
                      else QModelIndex())
        if target.isValid():
            self.tree.setCurrentIndex(target)  # opens that session (currentChanged)
        else:
            self.controller.open_session(None)

    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        obj = self.tree_model.data(current, OBJECT_ROLE)
        shown = self.session_panel.report
        if isinstance(obj, SessionSummary) and (shown is None
                                                or shown.session_id != obj.session_id):
            self.controller.open_session(obj.session_id)

    def _on_controller_session_loaded(self, report: SessionReport | None) -> None:
        c = self.controller
        may_sign = self._sign is not None and c.refusal(Action.SIGN) is None
        self.session_panel.show_report(report, may_sign=may_sign,
                                       may_export=c.refusal(Action.EXPORT) is None)
        if report is not None:
            self.right_tabs.setTabText(0, f"Session {report.session_id}")

    def _on_controller_outcomes_changed(self, measures: list[OutcomeMeasure]) -> None:
        self.course_panel.show_outcomes(measures)

    def _on_controller_rems_listed(self, due: list[object]) -> None:
        self.rems.show_due(due)  # type: ignore[arg-type]
        self.left_tabs.setTabText(1, f"REMS due ({len(due)})" if due else "REMS due")

    # -- actions -----------------------------------------------------------------------

    def open_patient(self, code: str) -> bool:
        """Show this patient (clearing the search if it hides them)."""
        if self.browse.choose(code):
            return True
        self.browse.filters.search_edit.setText(code)
        self.browse.filters.apply()
        return self.browse.choose(code)

    def sign_session(self, session_id: int) -> bool:
        if self._sign is None:
            self._say("Signing is done from the main window.", error=True)
            return False
        if not self._sign(session_id):
            return False
        self.controller.reload()
        self._say(f"Session {session_id} signed.")
        return True

    def record_outcome(self) -> None:
        from kapdesk.ui.history.dialogs import OutcomeDialog

        def submit(instrument: Instrument, items: list[int | None],
                   taken: object) -> str | None:
            errors: list[str] = []
            self.controller.failed.connect(errors.append)
            try:
                saved = self.controller.record_outcome(instrument, items, taken)  # type: ignore[arg-type]
            finally:
                self.controller.failed.disconnect(errors.append)
            if saved is None:
                return errors[0] if errors else "Not saved."
            self._say(f"Saved {saved.summary}.")
            return None

        dialog = OutcomeDialog(submit, self.controller.clock.now(), self._wording, self)
        self.prompts.open_dialog(dialog)
