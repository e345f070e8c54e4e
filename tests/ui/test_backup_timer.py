"""Backups while the app is open: the timer backs up off the GUI thread when one is due."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.services import backups
from annotator.services.backups import list_backups
from annotator.services.project import open_project
from annotator.ui.backup_timer import CHECK_EVERY_MS, BackupTimer

pytestmark = pytest.mark.gui


def test_timer_backs_up_when_due_and_reports(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with open_project(path, "alice", backup=False) as project:
        timer = BackupTimer(project)
        assert timer.timer.isActive() and timer.timer.interval() == CHECK_EVERY_MS
        with qtbot.waitSignal(timer.backedUp, timeout=10_000) as signal:
            timer.check()
        assert signal.args == [str(list_backups(path)[0].path)]
        timer.check()  # not due again: nothing happens
        timer.wait(10)
        assert len(list_backups(path)) == 1
        timer.timer.stop()


def test_timer_reports_failure(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.annotator"

    def broken(*_args: object, **_kwargs: object) -> None:
        raise backups.BackupFailed("disk full")

    monkeypatch.setattr("annotator.ui.backup_timer.backup_if_due", broken)
    with open_project(path, "alice", backup=False) as project:
        timer = BackupTimer(project)
        with qtbot.waitSignal(timer.failed, timeout=10_000) as signal:
            timer.check()
        assert signal.args == ["disk full"]
        timer.timer.stop()


def test_a_check_queued_before_shut_down_does_nothing(qtbot, tmp_path: Path) -> None:
    with open_project(tmp_path / "p.annotator", "alice", backup=False) as project:
        timer = BackupTimer(project)
        timer.timer.stop()  # what the window does when it shuts down
        timer.check()
        assert timer._running is None
