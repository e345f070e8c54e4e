"""GUI entry point."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def run_gui(
    project: str | None = None, annotator: str | None = None, argv: Sequence[str] | None = None
) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from annotator.services.project import (
        Project,
        ProjectCorrupt,
        ProjectError,
        open_default_project,
        open_project,
    )
    from annotator.ui.backup_timer import BackupTimer
    from annotator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")

    def open_it() -> Project:  # the on-open backup runs in the background, below
        if project:
            return open_project(project, annotator, backup=False)
        return open_default_project(annotator, backup=False)

    try:
        try:
            opened = open_it()
        except ProjectCorrupt as exc:  # offer the latest good backup, never a traceback
            from annotator.ui.recovery_dialog import RecoveryDialog  # rarely needed: lazily

            if RecoveryDialog(exc).exec() != QDialog.DialogCode.Accepted:
                return 2
            opened = open_it()
    except ProjectError as exc:  # locked by another instance, too new, unreadable...
        QMessageBox.critical(None, "Annotator", str(exc))
        return 2
    window = MainWindow(opened)
    backups = BackupTimer(opened, window)
    backups.failed.connect(lambda message: window.statusBar().showMessage(message, 15_000))
    window.show()
    QTimer.singleShot(0, backups.check)  # back up on open, off the GUI thread
    try:
        return app.exec()
    finally:
        backups.timer.stop()
        backups.wait(60)
        opened.close()  # releases the project lock


def main() -> int:
    from annotator.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
