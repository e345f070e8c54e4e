"""What the app remembers between runs: window layout, recent projects, last document."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8


class AppSettings:
    """Typed access to QSettings.

    ANNOTATOR_SETTINGS (an .ini path) overrides the location; with ANNOTATOR_HOME set, the
    settings live in settings.ini there.
    """

    def __init__(self, settings: QSettings | None = None) -> None:
        if settings is None:
            override = os.environ.get("ANNOTATOR_SETTINGS")
            if not override and os.environ.get("ANNOTATOR_HOME"):  # a self-contained data dir
                override = str(Path(os.environ["ANNOTATOR_HOME"]) / "settings.ini")
            settings = QSettings(override, QSettings.Format.IniFormat) if override else QSettings()
        self.qsettings = settings

    # -- window --------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self.qsettings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)

    def theme(self) -> str:
        return str(self.qsettings.value("window/theme", "system"))

    def set_theme(self, theme: str) -> None:
        self.qsettings.setValue("window/theme", theme)

    # -- projects --------------------------------------------------------------------------
    def recent_projects(self) -> list[str]:
        value = self.qsettings.value("projects/recent", [])
        if isinstance(value, str):
            return [value] if value else []
        if isinstance(value, list):
            return [str(v) for v in value if v]
        return []

    def add_recent_project(self, location: str) -> None:
        location = _normal(location)
        recent = [p for p in self.recent_projects() if p != location]
        self.qsettings.setValue("projects/recent", [location, *recent][:MAX_RECENT])

    def remove_recent_project(self, location: str) -> None:
        recent = [p for p in self.recent_projects() if p != _normal(location)]
        self.qsettings.setValue("projects/recent", recent)

    def clear_recent_projects(self) -> None:
        self.qsettings.setValue("projects/recent", [])

    def last_project(self) -> str | None:
        value = self.qsettings.value("projects/last")
        return str(value) if value else None

    def set_last_project(self, location: str) -> None:
        self.qsettings.setValue("projects/last", _normal(location))

    def last_document(self, location: str) -> str | None:
        value = self.qsettings.value(f"documents/{_key(location)}")
        return str(value) if value else None

    def set_last_document(self, location: str, doc_id: str | None) -> None:
        self.qsettings.setValue(f"documents/{_key(location)}", doc_id or "")

    def sync(self) -> None:
        self.qsettings.sync()


def _normal(location: str) -> str:
    if "://" in location:
        return location
    return str(Path(location).expanduser().resolve())


def _key(location: str) -> str:
    """A settings key for a project location (slashes would make nested groups)."""
    import hashlib

    return hashlib.sha1(_normal(location).encode("utf-8")).hexdigest()[:16]
