"""The room's dark theme, and a dimmer night level. Nothing bright, nothing flashing."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    panel: str
    text: str
    muted: str
    accent: str
    due: str  # a cue waiting: calm
    escalated: str  # waited too long: stronger, still steady
    border: str
    alert: str


DARK = Theme("dark", window="#0e1113", panel="#171b1e", text="#c8ccd0", muted="#7d858c",
             accent="#4f9a92", due="#1f3b38", escalated="#5a4016", border="#2a3034",
             alert="#b0704a")
NIGHT = Theme("night", window="#000000", panel="#0a0a0a", text="#8c7a6a", muted="#5a4e44",
              accent="#6b5a3f", due="#1d1a12", escalated="#3b2810", border="#1a1816",
              alert="#7a4a30")
THEMES = {"dark": DARK, "night": NIGHT}


def clock_style(height: int) -> str:
    """The room clock's size for a view `height` px tall: digits readable from across a dim
    room (at least 96 px type) that still leave the rest of the room on a laptop screen."""
    return f"font-size: {max(96, min(220, int(height * 0.22)))}px;"


def stylesheet(t: Theme) -> str:
    return f"""
    QWidget {{ background: {t.window}; color: {t.text}; font-size: 15px; }}
    QToolBar {{ background: {t.panel}; border: none; border-bottom: 1px solid {t.border};
               spacing: 6px; padding: 4px; }}
    QToolButton, QPushButton {{ background: {t.panel}; color: {t.text};
        border: 1px solid {t.border}; border-radius: 6px; padding: 7px 12px; }}
    QToolButton:hover, QPushButton:hover {{ border-color: {t.accent}; }}
    QToolButton:disabled, QPushButton:disabled {{ color: {t.muted}; border-color: {t.panel}; }}
    QPushButton:focus, QToolButton:focus {{ border: 2px solid {t.accent}; }}
    QListWidget, QLineEdit, QComboBox, QPlainTextEdit, QDateTimeEdit {{
        background: {t.panel}; border: 1px solid {t.border}; border-radius: 6px; }}
    QListWidget::item {{ padding: 4px 6px; }}
    QLabel#room_clock {{ color: {t.text}; font-weight: 300; }}
    QLabel#room_patient {{ font-size: 20px; }}
    QLabel#room_state {{ font-size: 18px; color: {t.muted}; }}
    QLabel#room_phase {{ font-size: 30px; }}
    QLabel#room_next_cue, QLabel#room_timers {{ font-size: 24px; }}
    QLabel#room_monitoring {{ font-size: 17px; color: {t.muted}; }}
    QLabel#empty_title {{ font-size: 34px; }}
    QLabel#cue_text {{ font-size: 30px; }}
    QLabel#cue_detail {{ font-size: 18px; }}
    QLabel[role="muted"] {{ color: {t.muted}; }}
    QLabel[role="heading"] {{ color: {t.muted}; font-size: 13px; letter-spacing: 1px; }}
    QFrame#cue_banner {{ background: {t.due}; border: 1px solid {t.accent}; border-radius: 10px; }}
    QFrame#cue_banner[escalated="true"] {{ background: {t.escalated};
                                           border: 2px solid {t.alert}; }}
    QFrame#cue_banner QLabel {{ background: transparent; }}
    QFrame#cue_banner QPushButton {{ background: {t.panel}; }}
    QPushButton#acknowledge_cue {{ border: 1px solid {t.accent}; font-size: 18px; }}
    QWidget#toolbar_spacer {{ background: transparent; }}
    QFrame#notice {{ background: {t.panel}; border: 1px solid {t.border}; border-radius: 8px; }}
    QScrollBar:vertical {{ background: {t.panel}; width: 10px; margin: 0; }}
    QScrollBar::handle:vertical {{ background: {t.border}; border-radius: 4px; min-height: 24px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
    QStatusBar {{ background: {t.panel}; color: {t.muted}; }}
    """


def apply_theme(app: QApplication, theme: Theme) -> None:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, theme.window), (QPalette.ColorRole.Base, theme.panel),
        (QPalette.ColorRole.AlternateBase, theme.window), (QPalette.ColorRole.Text, theme.text),
        (QPalette.ColorRole.WindowText, theme.text), (QPalette.ColorRole.Button, theme.panel),
        (QPalette.ColorRole.ButtonText, theme.text), (QPalette.ColorRole.Highlight, theme.accent),
        (QPalette.ColorRole.HighlightedText, theme.window),
        (QPalette.ColorRole.ToolTipBase, theme.panel), (QPalette.ColorRole.ToolTipText, theme.text),
        (QPalette.ColorRole.PlaceholderText, theme.muted),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet(theme))
