"""The history window's look: the room's dark theme, denser for an office screen
(kapdesk.ui.theme.office_stylesheet), with the history's own trees, tabs and date fields."""

from __future__ import annotations

from kapdesk.ui.theme import Theme, office_stylesheet


def history_stylesheet(t: Theme) -> str:
    return office_stylesheet(t, f"""
    QPushButton, QToolButton {{ padding: 5px 12px; }}
    QTreeView {{ background: {t.panel}; border: 1px solid {t.border}; border-radius: 6px;
        selection-background-color: {t.due}; selection-color: {t.text}; outline: 0; }}
    QTreeView::item {{ padding: 2px 4px; }}
    QTableView#session_entries::item {{ padding: 0px; }}
    QTreeView::branch {{ background: {t.panel}; }}
    QTabWidget::pane {{ border: 1px solid {t.border}; border-radius: 6px; top: -1px;
        padding: 6px; }}
    QTabBar::tab {{ padding: 6px 14px; }}
    QDateEdit, QSpinBox {{ background: {t.panel};
        border: 1px solid {t.border}; border-radius: 6px; padding: 3px 6px; }}
    QDateEdit:disabled {{ color: {t.muted}; }}
    QCheckBox {{ spacing: 6px; }}
    QCheckBox::indicator {{ width: 14px; height: 14px; border: 1px solid {t.muted};
        border-radius: 3px; background: {t.panel}; }}
    QCheckBox::indicator:checked {{ background: {t.accent}; border-color: {t.accent}; }}
    QCheckBox::indicator:focus {{ border-color: {t.accent}; }}
    QSplitter::handle:hover {{ background: {t.border}; }}
    QScrollArea {{ border: none; }}
    QLabel#session_header {{ font-size: 14px; }}
    QLabel#history_refused {{ font-size: 18px; color: {t.muted}; }}
    """)
