"""Compact sizes for a short room: the room (or the lock screen) switches them on when it is
shorter than COMPACT_BELOW_PX, so that a small screen or a 150 % scale still shows it whole."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QWidget

from kapdesk.ui.theme import COMPACT_BELOW_PX, COMPACT_BUTTON_PX, compact_stylesheet

FULL_HEIGHT = "kapdesk_full_min_height"  # a button's own least height, kept while compact


def set_compact(widget: QWidget, height: int) -> bool:
    """Compact sizes on `widget` when it is `height` px tall; returns whether it is compact.
    Changes nothing when the state is already right."""
    compact = height < COMPACT_BELOW_PX
    if bool(widget.property("compact")) == compact:
        return compact
    widget.setProperty("compact", compact)
    widget.setStyleSheet(compact_stylesheet() if compact else "")
    for button in widget.findChildren(QAbstractButton):
        full = button.property(FULL_HEIGHT)
        if full is None:
            full = button.minimumHeight()
            button.setProperty(FULL_HEIGHT, full)
        button.setMinimumHeight(min(int(full), COMPACT_BUTTON_PX) if compact else int(full))
    return compact
