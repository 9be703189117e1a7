"""Denser sizes for a short room: the room (or the lock screen) takes the compact sizes when
it is shorter than COMPACT_BELOW_PX, and the tight ones below TIGHT_BELOW_PX (a 720 or 768
line screen at 150 % scale), so that a small screen still shows it whole."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QWidget

from kapdesk.ui.theme import (
    COMPACT_BELOW_PX,
    COMPACT_BUTTON_PX,
    TIGHT_BELOW_PX,
    TIGHT_BUTTON_PX,
    compact_stylesheet,
)

FULL, COMPACT, TIGHT = "", "compact", "tight"
FULL_HEIGHT = "kapdesk_full_min_height"  # a button's own least height, kept while compact


def density_for(height: int) -> str:
    if height < TIGHT_BELOW_PX:
        return TIGHT
    return COMPACT if height < COMPACT_BELOW_PX else FULL


def set_compact(widget: QWidget, height: int) -> str:
    """The sizes for `widget` at `height` px tall; returns the density (FULL, COMPACT or
    TIGHT). Changes nothing when it is already right."""
    density = density_for(height)
    if (widget.property("density") or FULL) == density:
        return density
    widget.setProperty("density", density)
    widget.setProperty("compact", density != FULL)
    widget.setStyleSheet(compact_stylesheet(density == TIGHT) if density else "")
    least = TIGHT_BUTTON_PX if density == TIGHT else COMPACT_BUTTON_PX
    for button in widget.findChildren(QAbstractButton):
        full = button.property(FULL_HEIGHT)
        if full is None:
            full = button.minimumHeight()
            button.setProperty(FULL_HEIGHT, full)
        button.setMinimumHeight(min(int(full), least) if density else int(full))
    return density
