"""Help ▸ Open log folder shows the application log's folder in the file manager."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from annotator.services.logs import log_dir

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def test_the_help_menu_opens_the_log_folder(
    make_project, open_window, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    window = open_window(make_project("Angela Merkel spoke."))
    [help_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    [action] = [a for a in help_menu.actions() if a.text() == "Open &log folder"]
    action.trigger()
    assert opened == [str(log_dir())]
    assert Path(opened[0]).is_dir()
