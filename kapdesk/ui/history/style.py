"""The history window's look: the room's dark theme, denser for an office screen."""

from __future__ import annotations

from kapdesk.ui.theme import Theme, stylesheet


def history_stylesheet(t: Theme) -> str:
    return stylesheet(t) + f"""
    QWidget {{ font-size: 13px; }}
    QPushButton, QToolButton {{ padding: 5px 12px; }}
    QTableView, QTreeView {{ background: {t.panel}; border: 1px solid {t.border};
        border-radius: 6px; selection-background-color: {t.due}; selection-color: {t.text};
        outline: 0; }}
    QTreeView::item {{ padding: 2px 4px; }}
    QTableView::item {{ padding: 0px 6px; }}
    QTableView#session_entries::item {{ padding: 0px; }}
    QTreeView::branch {{ background: {t.panel}; }}
    QHeaderView::section {{ background: {t.window}; color: {t.muted}; border: none;
        border-bottom: 1px solid {t.border}; padding: 4px 6px; font-size: 12px; }}
    QTabWidget::pane {{ border: 1px solid {t.border}; border-radius: 6px; top: -1px;
        padding: 6px; }}
    QTabBar::tab {{ background: {t.window}; color: {t.muted}; padding: 6px 14px;
        border: 1px solid {t.border}; border-bottom: none; border-top-left-radius: 6px;
        border-top-right-radius: 6px; margin-right: 2px; }}
    QTabBar::tab:selected {{ background: {t.panel}; color: {t.text};
        border-color: {t.accent}; }}
    QDateEdit, QSpinBox, QComboBox, QLineEdit {{ background: {t.panel};
        border: 1px solid {t.border}; border-radius: 6px; padding: 3px 6px; }}
    QDateEdit:disabled {{ color: {t.muted}; }}
    QCheckBox {{ spacing: 6px; }}
    QCheckBox::indicator {{ width: 14px; height: 14px; border: 1px solid {t.muted};
        border-radius: 3px; background: {t.panel}; }}
    QCheckBox::indicator:checked {{ background: {t.accent}; border-color: {t.accent}; }}
    QCheckBox::indicator:focus {{ border-color: {t.accent}; }}
    QSplitter::handle {{ background: {t.window}; }}
    QSplitter::handle:hover {{ background: {t.border}; }}
    QScrollArea {{ border: none; }}
    QLabel[role="alert"] {{ color: {t.alert}; }}
    QLabel#session_header {{ font-size: 14px; }}
    QLabel#history_refused {{ font-size: 18px; color: {t.muted}; }}
    QScrollBar:horizontal {{ background: {t.panel}; height: 10px; margin: 0; }}
    QScrollBar::handle:horizontal {{ background: {t.border}; border-radius: 4px;
        min-width: 24px; }}
    """
