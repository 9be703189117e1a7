"""A patient's course at a glance: doses and their spacing, outcome measures as trends,
dissociation and side effects across sessions, and the integration notes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.course_report import CourseReport
from kapdesk.core.outcomes import SPECS, OutcomeMeasure, score, trend
from kapdesk.core.text_rules import shown_note
from kapdesk.ui.history.charts import TrendChart
from kapdesk.ui.history.columns import (
    day,
    dose_columns,
    effect_columns,
    moment,
    outcome_columns,
)
from kapdesk.ui.history.models import ObjectTableModel
from kapdesk.ui.history.session_panel import CHOOSE_PATIENT, table
from kapdesk.ui.naming import named
from kapdesk.ui.theme import Theme


def heading(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setProperty("role", "heading")
    return label


def _fixed(view: QTableView, rows: int) -> QTableView:
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setMinimumHeight(28 + 24 * rows)
    view.setMaximumHeight(28 + 24 * rows)
    return view


class CoursePanel(QScrollArea):
    record_outcome_requested = Signal()
    print_requested = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("course_panel")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = named(QWidget(), "course_body")
        layout = QVBoxLayout(body)
        self.summary = named(QLabel(CHOOSE_PATIENT), "course_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        layout.addWidget(heading("Outcome measures"))
        charts = QHBoxLayout()
        self.charts = {i: TrendChart(spec) for i, spec in SPECS.items()}
        for chart in self.charts.values():
            charts.addWidget(chart)
        layout.addLayout(charts)
        row = QHBoxLayout()
        self.outcome_note = named(QLabel(""), "outcome_latest")
        self.outcome_note.setWordWrap(True)
        self.outcome_note.setProperty("role", "muted")
        self.record_button = named(QPushButton("Record outcome measure…"), "record_outcome")
        self.record_button.setAccessibleName("Record an outcome measure")
        self.record_button.clicked.connect(self.record_outcome_requested.emit)
        self.print_button = named(QPushButton("Print course summary…"), "print_course")
        self.print_button.setAccessibleName("Print the course summary")
        self.print_button.clicked.connect(self.print_requested.emit)
        row.addWidget(self.outcome_note, 1)
        row.addWidget(self.record_button)
        row.addWidget(self.print_button)
        layout.addLayout(row)
        self.outcomes_model = ObjectTableModel(outcome_columns(), self)
        self.outcomes_view = _fixed(table("outcome_list", "Outcome measures"), 4)
        self.outcomes_view.setModel(self.outcomes_model)
        layout.addWidget(self.outcomes_view)

        layout.addWidget(heading("Doses and spacing"))
        self.doses_model = ObjectTableModel(dose_columns(theme), self)
        self.doses_view = _fixed(table("dose_history", "Dose history and spacing"), 6)
        self.doses_view.setModel(self.doses_model)
        layout.addWidget(self.doses_view)

        layout.addWidget(heading("Dissociation and side effects across sessions"))
        self.effects_model = ObjectTableModel(effect_columns(theme), self)
        self.effects_view = _fixed(table("course_effects", "Dissociation and side effects"),
                                   6)
        self.effects_view.setModel(self.effects_model)
        layout.addWidget(self.effects_view)

        layout.addWidget(heading("Integration notes"))
        self.notes_view = named(QPlainTextEdit(), "integration_notes")
        self.notes_view.setAccessibleName("Integration notes")
        self.notes_view.setReadOnly(True)
        self.notes_view.setMinimumHeight(140)
        layout.addWidget(self.notes_view)
        layout.addStretch(1)
        self.setWidget(body)
        self.show_course(None)

    def show_course(self, course: CourseReport | None) -> None:
        self.record_button.setEnabled(course is not None)
        self.print_button.setEnabled(course is not None)
        if course is None:
            self.summary.setText(CHOOSE_PATIENT)
            for model in (self.doses_model, self.effects_model, self.outcomes_model):
                model.set_rows([])
            self.notes_view.setPlainText("")
            self.show_outcomes([])
            return
        p = course.patient
        dosing = course.dosing
        total = sum(c.planned_sessions for c in course.courses)
        self.summary.setText(
            f"{p.code} {p.name} · {len(course.courses)} course(s) · {len(dosing)} dose(s) "
            f"given of {total} planned · {len(course.integration)} integration session(s)"
            + (f" · last dose {day(dosing[-1].when)}" if dosing else ""))
        doses = course.doses
        self.doses_model.set_rows(list(reversed(doses)))
        self.effects_model.set_rows(list(reversed(dosing)))
        talks = [s for s in reversed(course.integration) if s.note.strip()]
        self.notes_view.setPlainText("\n\n".join(
            f"{moment(s.when)}\n{shown_note(s.note.strip())}" for s in talks)
            or "(no integration notes)")

    def show_outcomes(self, measures: Sequence[OutcomeMeasure]) -> None:
        for instrument, chart in self.charts.items():
            chart.set_points(trend(measures, instrument))
        self.outcomes_model.set_rows(list(reversed(measures)))
        latest = [trend(measures, i)[-1] for i in SPECS if trend(measures, i)]
        prompts = [f"Latest {m.spec.name} ({day(m.taken_at)}): {flag}" for m in latest
                   for flag in score(m.instrument, m.items).flags if "diagnosis" not in flag]
        self.outcome_note.setText(" ".join(prompts) if prompts else (
            "Totals over time on their bands; a band describes a score, not a diagnosis."
            if latest else "No outcome measures recorded yet."))
        self.outcome_note.setProperty("role", "alert" if prompts else "muted")
        self.outcome_note.style().unpolish(self.outcome_note)
        self.outcome_note.style().polish(self.outcome_note)
