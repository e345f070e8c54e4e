"""What the app remembers between runs: window layout, recent projects, last document."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from annotator.services.credentials import without_password

MAX_RECENT = 8
MAX_SCROLL = 200  # documents whose scroll position is remembered, per project


@dataclass(frozen=True)
class ExportSettings:
    """The export dialog's last choices for one project ("" means "all")."""

    format: str = "jsonl"
    status: str = ""
    annotator: str = ""
    layer: str = "all"  # all or gold (an annotator's own layer: `annotator`)
    unchecked_labels: tuple[str, ...] = ()  # new labels start checked
    selected_only: bool = False
    offsets: str = "codepoint"
    manifest: bool = True
    folder: str = ""


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
        self._scrub_passwords()

    def _scrub_passwords(self) -> None:
        """Remove passwords an older version saved inside project URLs (recent, last)."""
        recent = self.recent_projects()  # already without passwords
        stored = self.qsettings.value("projects/recent", [])
        if isinstance(stored, list | str) and _strings(stored) != recent:
            self.qsettings.setValue("projects/recent", recent)
        last = self.qsettings.value("projects/last")
        if last and without_password(str(last)) != str(last):
            self.qsettings.setValue("projects/last", without_password(str(last)))

    # -- window --------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self.qsettings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def window_screen(self) -> str:
        """The screen the saved layout was made for (see `window_layout.screen_key`)."""
        return str(self.qsettings.value("window/screen", "") or "")

    def save_window(self, geometry: QByteArray, state: QByteArray, screen: str = "") -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)
        self.qsettings.setValue("window/screen", screen)

    def forget_window(self) -> None:
        """Drop the saved layout (the next start uses the default one)."""
        for key in ("window/geometry", "window/state", "window/screen"):
            self.qsettings.remove(key)

    def theme(self) -> str:
        return str(self.qsettings.value("window/theme", "system"))

    def set_theme(self, theme: str) -> None:
        self.qsettings.setValue("window/theme", theme)

    def text_size(self) -> float | None:
        """The article's font size in points (None: the default)."""
        try:
            value = float(str(self.qsettings.value("view/text_size", "") or ""))
        except ValueError:
            return None
        return value if 4.0 <= value <= 72.0 else None

    def set_text_size(self, points: float) -> None:
        self.qsettings.setValue("view/text_size", points)

    def inline_tags(self) -> bool:
        return _flag(self.qsettings.value("view/inline_tags", False))

    def set_inline_tags(self, on: bool) -> None:
        self.qsettings.setValue("view/inline_tags", on)

    # -- projects --------------------------------------------------------------------------
    def recent_projects(self) -> list[str]:
        """Recent project locations, never with a password (see `without_password`)."""
        return list(
            dict.fromkeys(
                without_password(v) for v in _strings(self.qsettings.value("projects/recent", []))
            )
        )

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
        return without_password(str(value)) if value else None

    def set_last_project(self, location: str) -> None:
        self.qsettings.setValue("projects/last", _normal(location))

    def last_document(self, location: str) -> str | None:
        value = self.qsettings.value(f"documents/{_key(location)}")
        return str(value) if value else None

    def set_last_document(self, location: str, doc_id: str | None) -> None:
        self.qsettings.setValue(f"documents/{_key(location)}", doc_id or "")

    def scroll_position(self, location: str, doc_id: str) -> int:
        """The code point that was at the top of the article view (0 if none)."""
        return self._scroll_positions(location).get(doc_id, 0)

    def set_scroll_position(self, location: str, doc_id: str, offset: int) -> None:
        """Remember where `doc_id` was scrolled to (the last MAX_SCROLL documents only)."""
        positions = self._scroll_positions(location)
        positions.pop(doc_id, None)
        if offset > 0:
            positions[doc_id] = offset  # the newest last
        kept = list(positions.items())[-MAX_SCROLL:]
        self.qsettings.setValue(f"scroll/{_key(location)}", [f"{d}={o}" for d, o in kept])

    def _scroll_positions(self, location: str) -> dict[str, int]:
        positions: dict[str, int] = {}
        for item in _strings(self.qsettings.value(f"scroll/{_key(location)}", [])):
            doc_id, _, offset = item.rpartition("=")
            if doc_id and offset.isdigit():
                positions[doc_id] = int(offset)
        return positions

    def last_import_folder(self) -> str:
        return str(self.qsettings.value("import/folder", "") or "")

    def set_last_import_folder(self, folder: str) -> None:
        self.qsettings.setValue("import/folder", folder)

    # -- export ----------------------------------------------------------------------------
    def export_settings(self, location: str) -> ExportSettings:
        """The export choices last made for the project at `location` (defaults if none)."""
        group = f"export/{_key(location)}"
        value = self.qsettings.value
        default = ExportSettings()
        return ExportSettings(
            format=str(value(f"{group}/format", default.format) or default.format),
            status=str(value(f"{group}/status", "") or ""),
            annotator=str(value(f"{group}/annotator", "") or ""),
            layer=str(value(f"{group}/layer", default.layer) or default.layer),
            unchecked_labels=tuple(_strings(value(f"{group}/unchecked_labels", []))),
            selected_only=_flag(value(f"{group}/selected_only", False)),
            offsets=str(value(f"{group}/offsets", default.offsets) or default.offsets),
            manifest=_flag(value(f"{group}/manifest", True)),
            folder=str(value(f"{group}/folder", "") or ""),
        )

    def set_export_settings(self, location: str, chosen: ExportSettings) -> None:
        group = f"export/{_key(location)}"
        for name, value in (
            ("format", chosen.format),
            ("status", chosen.status),
            ("annotator", chosen.annotator),
            ("layer", chosen.layer),
            ("unchecked_labels", list(chosen.unchecked_labels)),
            ("selected_only", chosen.selected_only),
            ("offsets", chosen.offsets),
            ("manifest", chosen.manifest),
            ("folder", chosen.folder),
        ):
            self.qsettings.setValue(f"{group}/{name}", value)

    def sync(self) -> None:
        self.qsettings.sync()


def _normal(location: str) -> str:
    """The stored form of a location: a resolved path, or a URL without its password."""
    if "://" in location:
        return without_password(location)
    return str(Path(location).expanduser().resolve())


def _strings(value: object) -> list[str]:
    """A stored list (an .ini file gives back a bare string for one item, None for none)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return []


def _flag(value: object) -> bool:
    """A stored boolean (an .ini file gives back "true"/"false")."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _key(location: str) -> str:
    """A settings key for a project location (slashes would make nested groups)."""
    import hashlib

    return hashlib.sha1(_normal(location).encode("utf-8")).hexdigest()[:16]
