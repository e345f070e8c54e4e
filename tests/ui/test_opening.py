"""A project open in another Annotator: the app offers to open another project instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from annotator import app as app_module
from annotator.services.project import open_project
from annotator.ui.main_window import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def test_a_locked_project_offers_another_one_and_opens_it(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy = tmp_path / "busy.annotator"
    other = tmp_path / "other.annotator"
    open_project(other, "bob", backup=False).close()
    offered: list[str] = []
    opened: list[str] = []

    def choose_other(box: QMessageBox) -> int:
        offered.append(box.text())
        [button] = [b for b in box.buttons() if b.text().startswith("Open another project")]
        button.click()
        return 0

    def pick_file(*_args: object, **_kwargs: object) -> tuple[str, str]:
        return str(other), ""

    def run_event_loop(_app: QApplication) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        opened.extend(str(w.project.location) for w in windows if w.isVisible())
        for window in windows:
            window.close()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", pick_file)
    monkeypatch.setattr(QApplication, "exec", run_event_loop)
    with open_project(busy, "alice"):
        assert app_module.run_gui(str(busy), "bob") == 0
    assert len(offered) == 1 and "already open in Annotator by alice" in offered[0]
    assert opened == [str(other)]


def test_quitting_at_the_locked_message_exits(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy = tmp_path / "busy.annotator"

    def quit_box(box: QMessageBox) -> int:
        [button] = [b for b in box.buttons() if b.text() == "Quit"]
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", quit_box)
    with open_project(busy, "alice"):
        assert app_module.run_gui(str(busy), "bob") == 2
