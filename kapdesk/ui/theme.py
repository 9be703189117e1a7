"""The room's dark theme, and a dimmer night level. Nothing bright, nothing flashing.

Both levels keep WCAG 2.2 contrast: text 4.5:1 against what it sits on (1.4.3), and the
boundaries of controls (buttons, fields, lists, checkboxes, scrollbar handles) 3:1 against
their surroundings (1.4.11); `contrast` computes it and tests hold both levels to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

TEXT_MIN = 4.5  # WCAG 2.2, 1.4.3 (AA), normal text
CONTROL_MIN = 3.0  # WCAG 2.2, 1.4.11, the visual boundary of a control


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
    border: str  # separators that are not controls
    alert: str
    control: str = "#687076"  # the edge of a button, field, list or checkbox
    alert_bg: str = "#2a1a12"
    urgent: str = "#e8826a"
    urgent_bg: str = "#33160f"


DARK = Theme("dark", window="#0e1113", panel="#171b1e", text="#c8ccd0", muted="#7d858c",
             accent="#4f9a92", due="#1f3b38", escalated="#5a4016", border="#2a3034",
             alert="#d08a5c", control="#687076", alert_bg="#2a1a12", urgent="#e8826a",
             urgent_bg="#33160f")
NIGHT = Theme("night", window="#000000", panel="#0a0a0a", text="#9c8a78", muted="#907d6b",
              accent="#9a7f56", due="#1d1a12", escalated="#2e1f0c", border="#1a1816",
              alert="#b0704e", control="#726254", alert_bg="#140b06", urgent="#c86850",
              urgent_bg="#1a0806")
THEMES = {"dark": DARK, "night": NIGHT}


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    q = QColor(colour)
    if not q.isValid():
        raise ValueError(f"not a colour: {colour!r}")
    return 0.2126 * _linear(q.red()) + 0.7152 * _linear(q.green()) + 0.0722 * _linear(q.blue())


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def stylesheet(t: Theme) -> str:
    return f"""
    QWidget {{ background: {t.window}; color: {t.text}; font-size: 15px; }}
    QToolTip {{ background: {t.panel}; color: {t.text}; border: 1px solid {t.control}; }}
    QToolBar {{ background: {t.panel}; border: none; border-bottom: 1px solid {t.border};
               spacing: 6px; padding: 4px; }}
    QToolButton, QPushButton {{ background: {t.panel}; color: {t.text};
        border: 1px solid {t.control}; border-radius: 6px; padding: 7px 12px; }}
    QToolButton:hover, QPushButton:hover {{ border-color: {t.accent}; }}
    QToolButton:disabled, QPushButton:disabled {{ color: {t.muted}; border-color: {t.border}; }}
    QPushButton:focus, QToolButton:focus {{ border: 2px solid {t.accent}; }}
    QPushButton[role="entry"] {{ padding: 7px 6px; }}
    QMenu {{ background: {t.panel}; color: {t.text}; border: 1px solid {t.control}; }}
    QMenu::item:selected {{ background: {t.accent}; color: {t.window}; }}
    QListWidget, QListView, QTreeView, QTableView, QLineEdit, QComboBox, QPlainTextEdit,
    QTextEdit, QDateTimeEdit, QSpinBox, QDoubleSpinBox {{
        background: {t.panel}; color: {t.text}; border: 1px solid {t.control};
        border-radius: 6px; }}
    QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QSpinBox:focus,
    QDoubleSpinBox:focus, QDateTimeEdit:focus {{ border: 2px solid {t.accent}; }}
    QLineEdit {{ padding: 1px; }}
    QLineEdit:focus {{ padding: 0px; }}
    QListWidget::item {{ padding: 4px 6px; }}
    QListView::item:selected, QListWidget::item:selected {{ background: {t.accent};
        color: {t.window}; }}
    QCheckBox, QRadioButton {{ spacing: 8px; background: transparent; }}
    QCheckBox::indicator, QListView::indicator, QListWidget::indicator,
    QTreeView::indicator {{ width: 16px; height: 16px; border: 2px solid {t.control};
        border-radius: 3px; background: {t.panel}; }}
    QCheckBox::indicator:checked, QListView::indicator:checked,
    QListWidget::indicator:checked, QTreeView::indicator:checked {{
        background: {t.accent}; border: 2px solid {t.text}; }}
    QRadioButton::indicator {{ width: 16px; height: 16px; border: 2px solid {t.control};
        border-radius: 10px; background: {t.panel}; }}
    QRadioButton::indicator:checked {{ background: {t.accent}; border: 2px solid {t.text}; }}
    QCheckBox::indicator:focus, QRadioButton::indicator:focus {{ border-color: {t.accent}; }}
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
    QLabel[role="alert"] {{ color: {t.alert}; }}
    QFrame#cue_banner {{ background: {t.due}; border: 1px solid {t.accent}; border-radius: 10px; }}
    QFrame#cue_banner[escalated="true"] {{ background: {t.escalated};
                                           border: 2px solid {t.alert}; }}
    QFrame#cue_banner QLabel {{ background: transparent; color: {t.text}; }}
    QFrame#cue_banner QPushButton {{ background: {t.panel}; }}
    QPushButton#acknowledge_cue {{ border: 1px solid {t.accent}; font-size: 18px; }}
    QFrame#alert_row {{ background: {t.alert_bg}; border: 1px solid {t.alert};
                        border-left: 6px solid {t.alert}; border-radius: 6px; }}
    QFrame#alert_row[severity="strong"] {{ background: {t.urgent_bg};
        border: 2px solid {t.urgent}; border-left: 8px solid {t.urgent}; }}
    QFrame#alert_row QLabel {{ background: transparent; color: {t.text}; }}
    QFrame#alert_row QLabel#alert_severity {{ color: {t.alert}; font-size: 13px;
        font-weight: bold; letter-spacing: 1px; }}
    QFrame#alert_row[severity="strong"] QLabel#alert_severity {{ color: {t.urgent}; }}
    QFrame#alert_row QPushButton {{ background: {t.panel}; padding: 3px 10px; }}
    QLabel#confirm_reading {{ color: {t.alert}; }}
    QWidget#toolbar_spacer {{ background: transparent; }}
    QFrame#notice {{ background: {t.panel}; border: 1px solid {t.border}; border-radius: 8px; }}
    QScrollBar:vertical {{ background: {t.panel}; width: 12px; margin: 0; }}
    QScrollBar:horizontal {{ background: {t.panel}; height: 12px; margin: 0; }}
    QScrollBar::handle:vertical {{ background: {t.control}; border-radius: 5px;
                                   min-height: 24px; margin: 1px; }}
    QScrollBar::handle:horizontal {{ background: {t.control}; border-radius: 5px;
                                     min-width: 24px; margin: 1px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
    QAbstractScrollArea::corner {{ background: {t.panel}; }}
    QStatusBar {{ background: {t.panel}; color: {t.muted}; }}
    QStatusBar QLabel {{ background: {t.panel}; color: {t.text}; }}
    """


def office_stylesheet(t: Theme, extra: str = "") -> str:
    """The room's theme, denser for an office screen (History, the playlist editor): the
    rules both windows share, then `extra`, each window's own (later rules win)."""
    return stylesheet(t) + f"""
    QWidget {{ font-size: 13px; }}
    QTableView {{ background: {t.panel}; border: 1px solid {t.border}; border-radius: 6px;
        selection-background-color: {t.due}; selection-color: {t.text}; outline: 0; }}
    QTableView::item {{ padding: 0px 6px; }}
    QHeaderView::section {{ background: {t.window}; color: {t.muted}; border: none;
        border-bottom: 1px solid {t.border}; padding: 4px 6px; font-size: 12px; }}
    QTabBar::tab {{ background: {t.window}; color: {t.muted}; padding: 6px 12px;
        border: 1px solid {t.border}; border-bottom: none; border-top-left-radius: 6px;
        border-top-right-radius: 6px; margin-right: 2px; }}
    QTabBar::tab:selected {{ background: {t.panel}; color: {t.text};
        border-color: {t.accent}; }}
    QLineEdit, QComboBox {{ background: {t.panel}; border: 1px solid {t.border};
        border-radius: 6px; padding: 3px 6px; }}
    QSplitter::handle {{ background: {t.window}; }}
    QScrollBar:horizontal {{ background: {t.panel}; height: 10px; margin: 0; }}
    QScrollBar::handle:horizontal {{ background: {t.border}; border-radius: 4px;
        min-width: 24px; }}
    """ + extra


COMPACT_BELOW_PX = 600  # a room (or lock screen) shorter than this takes the compact sizes
COMPACT_BUTTON_PX = 30
TIGHT_BELOW_PX = 470  # ... and shorter than this (768 lines at 150 %), the tight sizes
TIGHT_BUTTON_PX = 24


def compact_stylesheet(tight: bool = False) -> str:
    """Smaller type and padding for a short room (a small screen, or 150 % scale): set on
    the room itself, over the theme; sizes only, so both levels keep their colours. `tight`
    for the shortest rooms: the least that stays readable at arm's length."""
    if tight:
        return """
    QPushButton, QToolButton { padding: 1px 6px; font-size: 12px; }
    QPushButton[role="entry"] { padding: 1px 4px; }
    QLabel#room_patient { font-size: 14px; }
    QLabel#room_state { font-size: 13px; }
    QLabel#room_phase { font-size: 18px; }
    QLabel#room_next_cue, QLabel#room_timers { font-size: 15px; }
    QLabel#room_monitoring { font-size: 12px; }
    QLabel#cue_text { font-size: 17px; }
    QLabel#cue_detail { font-size: 12px; }
    QPushButton#acknowledge_cue { font-size: 13px; }
    QLabel, QListWidget, QPlainTextEdit { font-size: 12px; }
    QLabel#empty_title { font-size: 24px; }
    QLabel[role="heading"] { font-size: 11px; }
    QListWidget::item { padding: 1px 4px; }
    QFrame#alert_row QLabel#alert_severity { font-size: 11px; }
    QFrame#alert_row QPushButton { padding: 0px 8px; }
    """
    return """
    QPushButton, QToolButton { padding: 3px 8px; font-size: 13px; }
    QPushButton[role="entry"] { padding: 3px 5px; }
    QLabel#room_patient { font-size: 16px; }
    QLabel#room_state { font-size: 14px; }
    QLabel#room_phase { font-size: 21px; }
    QLabel#room_next_cue, QLabel#room_timers { font-size: 17px; }
    QLabel#room_monitoring { font-size: 13px; }
    QLabel#cue_text { font-size: 21px; }
    QLabel#cue_detail { font-size: 14px; }
    QPushButton#acknowledge_cue { font-size: 15px; }
    QLabel, QListWidget, QPlainTextEdit { font-size: 13px; }
    QLabel#empty_title { font-size: 28px; }
    """


def palette_colours(theme: Theme) -> dict[QPalette.ColorRole, str]:
    return {
        QPalette.ColorRole.Window: theme.window, QPalette.ColorRole.Base: theme.panel,
        QPalette.ColorRole.AlternateBase: theme.window, QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.WindowText: theme.text, QPalette.ColorRole.Button: theme.panel,
        QPalette.ColorRole.ButtonText: theme.text, QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: theme.window,
        QPalette.ColorRole.ToolTipBase: theme.panel, QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted, QPalette.ColorRole.Mid: theme.control,
        QPalette.ColorRole.Dark: theme.control, QPalette.ColorRole.Light: theme.control,
        QPalette.ColorRole.Midlight: theme.control, QPalette.ColorRole.Shadow: theme.window,
        QPalette.ColorRole.Link: theme.accent,
    }


def apply_theme(app: QApplication, theme: Theme) -> None:
    """The theme's palette and stylesheet on the whole app. A level already in force is left
    as it is: setting a stylesheet again re-polishes every widget (the room window's start
    sets the dark level before the window exists, and the window sets its level again)."""
    palette = QPalette()
    for role, colour in palette_colours(theme).items():
        palette.setColor(role, QColor(colour))
    sheet = stylesheet(theme)
    if app.palette() != palette:
        app.setPalette(palette)
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
