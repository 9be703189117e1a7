"""The timeline chart's palettes: light for paper, dark for the room screen."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor


@dataclass(frozen=True)
class TimelinePalette:
    background: str
    text: str
    muted: str
    grid: str
    phases: tuple[str, str]  # alternate phase shading
    systolic: str
    diastolic: str
    heart_rate: str
    spo2: str
    moaas: str
    dissociation: tuple[str, str, str, str]  # none, mild, moderate, severe
    side_effect: str
    medication: str
    dose: str
    cue: str
    lights: str
    music: str
    alert: str

    def color(self, name: str) -> QColor:
        return QColor(getattr(self, name))


LIGHT = TimelinePalette(
    background="#ffffff", text="#1b1f24", muted="#6b7280", grid="#d9dde3",
    phases=("#f3f5f8", "#e8ecf2"),
    systolic="#b42318", diastolic="#1d4ed8", heart_rate="#047857", spo2="#7c3aed",
    moaas="#374151", dissociation=("#e5e7eb", "#c7d2fe", "#818cf8", "#4338ca"),
    side_effect="#c2410c", medication="#0e7490", dose="#111827", cue="#6b7280",
    lights="#b45309", music="#dbeafe", alert="#dc2626",
)

# Dim and warm for a dark treatment room: nothing bright, nothing saturated.
DARK = TimelinePalette(
    background="#121417", text="#c9cdd3", muted="#7d848e", grid="#2a2f36",
    phases=("#171a1f", "#1d2127"),
    systolic="#d9776c", diastolic="#7f9fd9", heart_rate="#6fb59a", spo2="#a58fd6",
    moaas="#b9bec6", dissociation=("#2c3038", "#3d4470", "#5560a8", "#7480d0"),
    side_effect="#d39a6a", medication="#6fb3c2", dose="#e3e5e8", cue="#7d848e",
    lights="#c9a15a", music="#1f2b3d", alert="#e0685f",
)
