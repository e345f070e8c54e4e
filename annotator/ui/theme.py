"""Light and dark themes that follow the system colour scheme, plus colour helpers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")


def is_dark(app: QGuiApplication | None = None) -> bool:
    """True when the application currently uses a dark palette."""
    current = app or QGuiApplication.instance()
    if not isinstance(current, QGuiApplication):
        return False
    window = current.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str = "system") -> None:
    """Use the Fusion style with a light or dark palette (`theme`: system, light or dark)."""
    app.setStyle("Fusion")
    dark = system_prefers_dark() if theme == "system" else theme == "dark"
    app.setPalette(dark_palette() if dark else light_palette())


def light_palette() -> QPalette:
    roles = {
        QPalette.ColorRole.Window: "#f3f4f6",
        QPalette.ColorRole.WindowText: "#1f2328",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f6f8fa",
        QPalette.ColorRole.Text: "#1f2328",
        QPalette.ColorRole.Button: "#e9ebee",
        QPalette.ColorRole.ButtonText: "#1f2328",
        QPalette.ColorRole.Highlight: "#2f6fde",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#ffffe8",
        QPalette.ColorRole.ToolTipText: "#1f2328",
        QPalette.ColorRole.PlaceholderText: "#6e7781",
        QPalette.ColorRole.Link: "#0969da",
        QPalette.ColorRole.Mid: "#c8ccd1",
    }
    return _palette(roles, disabled="#8c959f")


def dark_palette() -> QPalette:
    roles = {
        QPalette.ColorRole.Window: "#22262c",
        QPalette.ColorRole.WindowText: "#e6e8eb",
        QPalette.ColorRole.Base: "#16191d",
        QPalette.ColorRole.AlternateBase: "#1c2025",
        QPalette.ColorRole.Text: "#e6e8eb",
        QPalette.ColorRole.Button: "#2d3239",
        QPalette.ColorRole.ButtonText: "#e6e8eb",
        QPalette.ColorRole.Highlight: "#3d7be0",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2d3239",
        QPalette.ColorRole.ToolTipText: "#e6e8eb",
        QPalette.ColorRole.PlaceholderText: "#8b949e",
        QPalette.ColorRole.Link: "#58a6ff",
        QPalette.ColorRole.Mid: "#3b4149",
    }
    return _palette(roles, disabled="#6e7681")


def _palette(roles: dict[QPalette.ColorRole, str], disabled: str) -> QPalette:
    """A palette from role colours, with `disabled` for disabled text and button text."""
    p = QPalette()
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return p


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (#RRGGBB)."""
    c = QColor(background)
    luminance = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()
    return "#111111" if luminance > 0.5 else "#ffffff"


def swatch_style(colour: str) -> str:
    """Style sheet for a button filled with a label colour."""
    fg = text_colour_on(colour)
    return (
        f"QPushButton {{ background: {colour}; color: {fg}; border: 1px solid rgba(0,0,0,60);"
        " border-radius: 4px; padding: 4px 8px; text-align: left; }"
        f" QPushButton:checked {{ border: 2px solid palette(highlight); }}"
        f" QPushButton:focus {{ border: 2px solid palette(highlight); }}"
        # disabled: no fill, a dashed border in the colour, greyed text (both themes)
        f" QPushButton:disabled {{ background: transparent; color: palette(placeholder-text);"
        f" border: 1px dashed {colour}; }}"
    )
