"""An error that escapes an event handler is reported in a message box; the app goes on."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.app import _report_unexpected
from annotator.storage.errors import ServerUnavailable


@pytest.fixture
def shown(qtbot, monkeypatch: pytest.MonkeyPatch) -> list[tuple[QMessageBox.Icon, str]]:
    boxes: list[tuple[QMessageBox.Icon, str]] = []

    def record(box: QMessageBox) -> int:
        boxes.append((box.icon(), box.text()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return boxes


def test_a_storage_error_is_reported_as_itself(shown, capsys) -> None:
    error = ServerUnavailable("the database server is not reachable (timeout)")
    _report_unexpected(ServerUnavailable, error, None)
    ((icon, text),) = shown
    assert icon == QMessageBox.Icon.Warning
    assert text.startswith("the database server is not reachable (timeout)")
    assert "Something went wrong" not in text
    assert "annotations up to the last edit are saved" in text
    assert "ServerUnavailable" in capsys.readouterr().err  # the traceback, for a bug report


def test_any_other_error_says_something_went_wrong(shown, capsys) -> None:
    _report_unexpected(ValueError, ValueError("zoë 👩🏽‍🚀"), None)
    ((icon, text),) = shown
    assert icon == QMessageBox.Icon.Critical
    assert text.startswith("Something went wrong: zoë 👩🏽‍🚀\n")
