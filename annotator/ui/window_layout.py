"""The window's layout: its first-run size and dock widths, and which saved layout fits.

A layout saved by Qt (`saveGeometry`/`saveState`) measures docks in the logical pixels of
the screen it was saved on; one session at 2x scaling (QT_SCALE_FACTOR=2) would otherwise
leave every panel half as wide for good. The layout is therefore saved with the screen it
was made for (`screen_key`: device pixel ratio and logical size) and only restored on the
same kind of screen; anywhere else the window starts from the default layout.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QWidget

DEFAULT_SIZE = (1400, 860)


def screen_key(screen: QScreen | None) -> str:
    """What a saved layout depends on: "<device pixel ratio>@<logical width>x<height>"."""
    if screen is None:
        return ""
    size = screen.availableGeometry()
    return f"{screen.devicePixelRatio():g}@{size.width()}x{size.height()}"


def same_scale(saved: str, current: str) -> bool:
    """True when a layout saved for screen key `saved` fits `current`: the same device
    pixel ratio (the logical size may differ: restoreGeometry keeps the window on screen)."""
    return bool(saved) and saved.split("@", 1)[0] == current.split("@", 1)[0]


def window_screen(window: QMainWindow) -> QScreen | None:
    return window.screen() or QGuiApplication.primaryScreen()


def apply_default_layout(window: QMainWindow, docks: Mapping[str, QDockWidget]) -> None:
    """1400x860 centred (92% of a smaller screen), every panel shown at its usual width."""
    screen = window_screen(window)
    width, height = DEFAULT_SIZE
    if window.isMaximized() or window.isFullScreen():
        window.showNormal()
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, int(free.width() * 0.92))
        height = min(height, int(free.height() * 0.92))
        window.move(
            free.x() + (free.width() - width) // 2, free.y() + (free.height() - height) // 2
        )
    window.resize(width, height)
    left = Qt.DockWidgetArea.LeftDockWidgetArea
    right = Qt.DockWidgetArea.RightDockWidgetArea
    for name, dock in docks.items():
        dock.setFloating(False)
        area = left if name in ("documents", "annotations") else right
        if window.dockWidgetArea(dock) != area:
            window.addDockWidget(area, dock)
        dock.show()
    window.resizeDocks([docks["documents"], docks["labels"]], [330, 360], Qt.Orientation.Horizontal)
    window.resizeDocks(
        [docks["documents"], docks["annotations"]], [300, 500], Qt.Orientation.Vertical
    )
    # the palette needs little height; the claim form most (it scrolls when short)
    labels: QWidget | None = docks["labels"].widget()
    if isinstance(labels, QScrollArea) and labels.widget() is not None:
        labels = labels.widget()
    wanted = labels.sizeHint().height() + 34 if labels is not None else 230  # + title bar
    window.resizeDocks(
        [docks["labels"], docks["claim"], docks["sentiment"]],
        [min(max(wanted, 150), 280), 330, 260],
        Qt.Orientation.Vertical,
    )
