"""WCAG 2.2 contrast over the real colours of both levels: the palette the app installs and
every colour pair its stylesheet sets. Text 4.5:1 (1.4.3); the boundaries of controls and
the scrollbar handle 3:1 against what surrounds them (1.4.11). Disabled controls are exempt."""

import re
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QPalette

from kapdesk.ui.theme import (
    CONTROL_MIN,
    TEXT_MIN,
    THEMES,
    Theme,
    apply_theme,
    contrast,
    luminance,
    stylesheet,
)

HEX = re.compile(r"#[0-9a-fA-F]{6}")
CONTROLS = ("QPushButton", "QToolButton", "QLineEdit", "QComboBox", "QListWidget",
            "QListView", "QPlainTextEdit", "QDateTimeEdit", "QSpinBox", "::indicator",
            "QMenu", "QTreeView", "QTableView", "QTextEdit")


def _rules(theme: Theme) -> Iterator[tuple[str, dict[str, str]]]:
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", stylesheet(theme)):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                key, value = part.split(":", 1)
                declarations[key.strip()] = value.strip()
        yield " ".join(selector.split()), declarations


def _surroundings(selector: str, t: Theme) -> list[str]:
    """What a rule's widgets sit on, when the rule leaves the background transparent."""
    if "cue_banner" in selector:
        return [t.due, t.escalated]
    if "alert_row" in selector:
        return [t.urgent_bg] if 'severity="strong"' in selector else [t.alert_bg, t.urgent_bg]
    if "QStatusBar" in selector or "QToolBar" in selector or "QToolTip" in selector:
        return [t.panel]
    return [t.window, t.panel]


@pytest.fixture(params=sorted(THEMES))
def theme(request) -> Theme:
    return THEMES[request.param]


def test_the_installed_palette_keeps_text_at_4_5_to_1(theme, qapp):
    before = QPalette(qapp.palette())
    sheet = qapp.styleSheet()
    apply_theme(qapp, theme)
    try:
        p = qapp.palette()
        role = QPalette.ColorRole
        for fg, bg in ((role.WindowText, role.Window), (role.Text, role.Base),
                       (role.ButtonText, role.Button), (role.PlaceholderText, role.Base),
                       (role.HighlightedText, role.Highlight),
                       (role.ToolTipText, role.ToolTipBase), (role.Text, role.AlternateBase)):
            ratio = contrast(p.color(fg).name(), p.color(bg).name())
            assert ratio >= TEXT_MIN, f"{theme.name}: {fg.name} on {bg.name} is {ratio:.2f}:1"
        for edge in (role.Mid, role.Dark):  # what Qt draws frames and indicators with
            for bg in (role.Window, role.Base):
                ratio = contrast(p.color(edge).name(), p.color(bg).name())
                assert ratio >= CONTROL_MIN, f"{theme.name}: {edge.name} on {bg.name}"
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(before)


def test_every_text_colour_of_the_stylesheet_reaches_4_5_to_1(theme):
    checked = 0
    for selector, rule in _rules(theme):
        colour = rule.get("color")
        if not colour or ":disabled" in selector:
            continue
        background = rule.get("background", "transparent")
        grounds = HEX.findall(background) or _surroundings(selector, theme)
        for ground in grounds:
            ratio = contrast(colour, ground)
            assert ratio >= TEXT_MIN, \
                f"{theme.name}: {selector} text {colour} on {ground} is {ratio:.2f}:1"
            checked += 1
    assert checked >= 20  # the room, banner, alerts, menus, status bar, lists...


def test_every_control_boundary_reaches_3_to_1(theme):
    checked = 0
    for selector, rule in _rules(theme):
        if ":disabled" in selector or ":hover" in selector:
            continue
        edges = [c for key, value in rule.items() if key.startswith("border")
                 for c in HEX.findall(value)]
        if "handle" in selector:  # the scrollbar's handle against its groove
            edges = HEX.findall(rule.get("background", ""))
            grounds = [theme.panel]
        elif any(name in selector for name in CONTROLS):
            grounds = [theme.window, theme.panel]
        elif selector.startswith("QFrame#cue_banner") or "alert_row" in selector:
            grounds = [theme.window]  # a banner and an alert stand out from the room
        else:
            continue
        if not edges:  # the rule keeps the boundary an earlier rule drew
            assert not any(k.startswith("border") for k in rule) or "none" in str(rule), \
                f"{theme.name}: {selector} draws its border in no colour"
            continue
        for edge in edges:
            for ground in grounds:
                ratio = contrast(edge, ground)
                assert ratio >= CONTROL_MIN, \
                    f"{theme.name}: {selector} edge {edge} on {ground} is {ratio:.2f}:1"
                checked += 1
    assert checked >= 15


def test_contrast_is_the_wcag_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert luminance("#ffffff") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="not a colour: 'tomato-ish'"):
        luminance("tomato-ish")
