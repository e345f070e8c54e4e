"""Backups while the app is open: a timer asks the backup service whether one is due."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.services.backups import backup_if_due
from annotator.services.project import Project, ProjectError

CHECK_EVERY_MS = 60_000


class BackupTimer(QObject):
    """Every minute, off the GUI thread, back up the project if a backup is due.

    `backup_if_due` only copies when the newest backup is old enough and the project has
    changed since, so most ticks cost a couple of `stat` calls.
    """

    backedUp = Signal(str)  # path of the new backup
    failed = Signal(str)  # message for the user

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._running: threading.Thread | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        """Start a backup check, unless one is running or the window has shut down
        (its timer stopped: a check queued earlier must not touch a closed project)."""
        if not self.timer.isActive():
            return
        if self._running is not None and self._running.is_alive():
            return
        self._running = threading.Thread(target=self._run, name="annotator-backup", daemon=True)
        self._running.start()

    def wait(self, timeout: float | None = None) -> None:
        if self._running is not None:
            self._running.join(timeout)

    def _run(self) -> None:
        try:
            made = backup_if_due(self.project)
        except ProjectError as exc:
            self.failed.emit(str(exc))
        else:
            if made is not None:
                self.backedUp.emit(str(made))
