"""The selected session: its timeline chart, its entries as they stand, sign and export."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.history import entry_lines
from kapdesk.core.report import SessionReport
from kapdesk.core.session import SIGNED_KINDS, signable
from kapdesk.core.text_rules import shown_note
from kapdesk.ui.history.charts import TimelineWidget
from kapdesk.ui.history.columns import entry_columns, moment
from kapdesk.ui.history.models import ObjectTableModel
from kapdesk.ui.naming import named
from kapdesk.ui.theme import Theme

FIND_KEYS = "Ctrl+F"  # the history window's key to its patient search
CHOOSE_PATIENT = (f"No patient chosen. Type a code or name in the search ({FIND_KEYS}) and "
                  "press Enter for the first match, or click a patient in the list.")


def table(name: str, accessible: str) -> QTableView:
    view = named(QTableView(), name)
    view.setAccessibleName(accessible)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(False)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def header_words(r: SessionReport) -> str:
    who = f"{r.patient.code} {r.patient.name}".strip()
    kind = "Integration session" if r.kind == "integration" else (
        f"Dosing #{r.number} · {r.protocol.name}" if r.number
        else f"Dosing · {r.protocol.name}")
    when = moment(r.t0 or r.planned_at)
    if r.signature is not None:
        at = r.signature.signed_at
        same_day = at.astimezone().date() == (r.t0 or r.planned_at).astimezone().date()
        signed = f"signed by {r.signature.name} " + (
            f"at {at.astimezone():%H:%M}" if same_day else f"on {moment(at)}")
    elif signable(r.kind, r.state, signed=False):
        signed = "NOT SIGNED"
    else:
        signed = "not signable yet" if r.kind in SIGNED_KINDS else "no signature needed"
    dose = f" · {r.total_dose_mg:g} mg" if r.doses else ""
    alerts = {0: "no alerts", 1: "1 alert"}.get(len(r.alerts), f"{len(r.alerts)} alerts")
    return (f"<b>{html.escape(who)}</b> · {kind}{dose}<br>{when} · "
            f"{r.state.label} · {html.escape(signed)} · {alerts}")


def signature_words(r: SessionReport) -> str:
    """Who signed, when, what the signature means, and whether the record still matches."""
    if r.signature is None:
        return ""
    sig = r.signature
    return (f"Signed by {sig.name} on {moment(sig.signed_at)}. Meaning: {sig.meaning}.\n"
            f"{r.signature_check}")


class SessionPanel(QWidget):
    sign_requested = Signal(int)
    export_requested = Signal(int)
    print_requested = Signal(int)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("session_panel")
        self.report: SessionReport | None = None
        self._t0: datetime | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = named(QLabel(CHOOSE_PATIENT), "session_header")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.verdict = named(QLabel(), "signature_verdict")
        self.verdict.setAccessibleName("Signature check")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.verdict)
        self.timeline = TimelineWidget()
        self.entries_model = ObjectTableModel(entry_columns(theme, lambda: self._t0), self)
        self.entries_view = table("session_entries", "Entries as they stand")
        self.entries_view.setModel(self.entries_model)
        self.entries_view.setWordWrap(True)  # a correction says what it was, in full
        self.entries_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        head = self.entries_view.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(False)
        head.resizeSection(2, 220)
        head.sectionResized.connect(lambda *_a: self._fit_rows())
        self.note_view = named(QPlainTextEdit(), "session_note")
        self.note_view.setAccessibleName("Session note")
        self.note_view.setReadOnly(True)
        self.note_view.setMaximumHeight(72)
        lower = named(QWidget(), "session_lower")
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.entries_view, 3)
        lower_layout.addWidget(self.note_view, 1)
        self.splitter = named(QSplitter(Qt.Orientation.Vertical), "session_splitter")
        self.splitter.addWidget(self.timeline)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setSizes([500, 400])  # the chart a little taller than the entries
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        row = QHBoxLayout()
        self.status_label = named(QLabel(), "history_status")
        self.status_label.setAccessibleName("Export result")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sign_button = named(QPushButton("Review and sign…"), "history_sign")
        self.sign_button.setAccessibleName("Review and sign the session")
        self.sign_button.clicked.connect(self._on_sign_clicked)
        self.export_button = named(QPushButton("Export…"), "history_export")
        self.export_button.setAccessibleName("Export the session")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.print_button = named(QPushButton("Print…"), "history_print")
        self.print_button.setAccessibleName("Print the session note or REMS form")
        self.print_button.clicked.connect(self._on_print_clicked)
        row.addWidget(self.status_label, 1)
        row.addWidget(self.sign_button)
        row.addWidget(self.export_button)
        row.addWidget(self.print_button)
        layout.addLayout(row)
        self.show_report(None)

    def show_report(self, report: SessionReport | None, *, may_sign: bool = False,
                    may_export: bool = False) -> None:
        self.report = report
        self._t0 = report.t0 if report else None
        self.timeline.set_report(report)
        self._show_verdict(report)
        if report is None:
            self.header.setText(CHOOSE_PATIENT)
            self.entries_model.set_rows([])
            self.note_view.setPlainText("")
            self.sign_button.setEnabled(False)
            self.export_button.setEnabled(False)
            self.print_button.setEnabled(False)
            return
        self.header.setText(header_words(report))
        self.entries_model.set_rows(entry_lines(report))
        self._fit_rows()
        note = report.note or "(no note)"
        self.note_view.setPlainText(f"Note: {shown_note(note)}")
        may_be_signed = signable(report.kind, report.state, report.signature is not None)
        self.sign_button.setVisible(may_be_signed)
        self.sign_button.setEnabled(may_be_signed and may_sign)
        self.export_button.setEnabled(may_export)
        self.print_button.setEnabled(may_export)

    def _show_verdict(self, report: SessionReport | None) -> None:
        words = signature_words(report) if report is not None else ""
        self.verdict.setVisible(bool(words))
        self.verdict.setText(words)
        valid = report is not None and report.signature_valid is not False
        self.verdict.setProperty("role", "muted" if valid else "alert")
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)

    def _fit_rows(self) -> None:
        """Rows with a correction, amendment or alert grow to show it in full; the rest
        keep one line (measuring every row would cost more than a session's open)."""
        for row, line in enumerate(self.entries_model.rows()):
            if line.marks:
                self.entries_view.resizeRowToContents(row)

    def show_status(self, text: str, error: bool = False) -> None:
        self.status_label.setProperty("role", "alert" if error else "muted")
        self.status_label.setText(text)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)

    def _on_sign_clicked(self) -> None:
        if self.report is not None:
            self.sign_requested.emit(self.report.session_id)

    def _on_export_clicked(self) -> None:
        if self.report is not None:
            self.export_requested.emit(self.report.session_id)

    def _on_print_clicked(self) -> None:
        if self.report is not None:
            self.print_requested.emit(self.report.session_id)
