"""The editor's look: the room's dark theme, denser for an office screen (1366x768;
kapdesk.ui.theme.office_stylesheet), with the editor's own group boxes, grid and fields."""

from __future__ import annotations

from kapdesk.ui.theme import Theme, office_stylesheet

WARNING_TEXT = "#c4a25a"  # a warning in the check list: calm amber, not the alert colour


def editor_stylesheet(t: Theme) -> str:
    return office_stylesheet(t, f"""
    QToolButton, QPushButton {{ padding: 4px 10px; }}
    QToolBar QToolButton {{ padding: 5px 12px; }}
    QGroupBox {{ border: 1px solid {t.border}; border-radius: 8px; margin-top: 16px;
        padding: 6px 4px 4px 4px; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px;
        color: {t.muted}; }}
    QTableView {{ gridline-color: {t.border}; }}
    QHeaderView {{ background: {t.panel}; }}
    QHeaderView::section:vertical {{ border-bottom: none; padding: 0 6px; }}
    QTableCornerButton::section {{ background: {t.window}; border: none; }}
    QTabWidget::pane {{ border: none; top: 0; }}
    QDoubleSpinBox, QPlainTextEdit {{ background: {t.panel};
        border: 1px solid {t.border}; border-radius: 6px; padding: 3px 6px; }}
    QLineEdit:focus, QComboBox:focus, QDoubleSpinBox:focus, QPlainTextEdit:focus {{
        border-color: {t.accent}; }}
    QDoubleSpinBox::up-button, QDoubleSpinBox::down-button {{ width: 0; border: none; }}
    QComboBox QAbstractItemView {{ background: {t.panel}; selection-background-color: {t.due}; }}
    QListWidget#check_results {{ font-size: 13px; }}
    QListWidget#check_results::item {{ padding: 2px 6px; }}
    QLabel#phase_total {{ font-size: 15px; }}
    QLabel#phase_total[short="true"] {{ color: {t.alert}; }}
    QLabel#track_title {{ font-size: 15px; }}
    """)
