"""Review and sign a session: the record as it stands, then one signature."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.core.observations import describe
from kapdesk.core.session import Session
from kapdesk.core.text_rules import shown_note
from kapdesk.services.record_ops import SIGN_MEANING, RecordOps
from kapdesk.ui.dialog_fit import FittedDialog, prepare_list
from kapdesk.ui.naming import named


class SignDialog(FittedDialog):
    """The record as it stands, the password or PIN, and the signature; a refused password
    shows inside it, in words, and it grows to hold the message."""

    def __init__(self, session: Session, records: RecordOps, signer: str,
                 parent: QWidget | None = None) -> None:
        super().__init__("sign_error", parent)
        self.setWindowTitle(f"Review and sign session {session.id}")
        self.setObjectName("sign_dialog")
        layout = QVBoxLayout(self)
        heading = QLabel(f"Patient {session.patient_code}  ·  {session.protocol.name}  ·  "
                         f"{session.planned_at.astimezone():%Y-%m-%d}")
        layout.addWidget(heading)
        entries = named(QListWidget(), "sign_entries")
        entries.setAccessibleName("Entries to review")
        prepare_list(entries)  # a long entry wraps; never cut off at the side
        for o in records.current(session.id):
            mark = "  (corrected)" if o.corrects else ""
            entries.addItem(f"{o.observed_at.astimezone():%H:%M}  "
                            f"{describe(o.kind, o.values)}{mark}")
        layout.addWidget(entries, 2)
        note = named(QPlainTextEdit(shown_note(records.note(session.id)) or "(no note)"),
                     "sign_note")
        note.setAccessibleName("Session note")
        note.setReadOnly(True)  # a long note scrolls within it; the dialog stays on screen
        note.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes from the entries to the
        # password, as before
        note.setMinimumHeight(note.fontMetrics().lineSpacing() * 3 + 12)
        layout.addWidget(note, 1)
        alerts = records.alerts(session.id)
        if alerts:
            layout.addWidget(QLabel(f"{len(alerts)} alert(s) were raised during the session."))
        self.sign_button = named(QPushButton(f"Sign as {signer}: {SIGN_MEANING}"), "confirm_sign")
        self.sign_button.setAccessibleName("Sign the session")
        self.sign_button.setMinimumHeight(46)
        self.sign_button.clicked.connect(self.accept)
        cancel = named(QPushButton("Not now"), "cancel_sign")
        cancel.setAccessibleName("Do not sign now")
        cancel.clicked.connect(self.reject)
        locked = QLabel("Once signed, the session is locked: later changes are amendments "
                        "with a reason, beside the original.")
        locked.setWordWrap(True)
        layout.addWidget(locked)
        self.secret_edit = named(QLineEdit(), "sign_secret")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setAccessibleName("Your password or PIN")
        self.secret_edit.setPlaceholderText("Your password, or today's PIN, to sign")
        layout.addWidget(self.secret_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.sign_button)
        layout.addWidget(cancel)
