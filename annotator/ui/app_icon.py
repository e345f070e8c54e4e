"""The application icon, found in the source tree, an installed share folder or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "annotator.svg"


def icons_dir() -> Path | None:
    """The folder holding annotator.svg (resources/icons in the source tree and in builds)."""
    candidates = []
    if frozen := getattr(sys, "_MEIPASS", None):
        candidates.append(Path(frozen) / "resources" / "icons")
    candidates.append(Path(__file__).resolve().parents[2] / "resources" / "icons")
    candidates.append(Path(sys.prefix) / "share" / "annotator" / "icons")
    for folder in candidates:
        if (folder / ICON_NAME).is_file():
            return folder
    return None


def app_icon() -> QIcon:
    """The Annotator icon; falls back to the desktop theme's icon, else a null icon."""
    folder = icons_dir()
    if folder is not None:
        icon = QIcon(str(folder / ICON_NAME))
        if not icon.isNull():
            return icon
    return QIcon.fromTheme("annotator")
