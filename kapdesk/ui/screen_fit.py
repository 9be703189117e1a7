"""The window's first size: the room's preferred 1366x768, or less when the screen (less its
panels and the window manager's frame) is smaller, centred on the screen."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget

PREFERRED = QSize(1366, 768)
FRAME_ALLOWANCE = QSize(16, 48)  # a title bar and borders, before the window manager says
# (device pixels: the window manager draws its frame unscaled, whatever QT_SCALE_FACTOR)


def first_geometry(available: QRect, preferred: QSize = PREFERRED,
                   frame: QSize = FRAME_ALLOWANCE) -> QRect:
    """Where the window goes on a screen whose usable part is `available`."""
    width = max(1, min(preferred.width(), available.width() - frame.width()))
    height = max(1, min(preferred.height(), available.height() - frame.height()))
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect


def fit_to_screen(window: QWidget, preferred: QSize = PREFERRED) -> None:
    screen = window.screen()
    ratio = max(1.0, screen.devicePixelRatio())
    frame = QSize(round(FRAME_ALLOWANCE.width() / ratio), round(FRAME_ALLOWANCE.height() / ratio))
    window.setGeometry(first_geometry(screen.availableGeometry(), preferred, frame))
