"""GUI entry point."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def run_gui(
    project: str | None = None, annotator: str | None = None, argv: Sequence[str] | None = None
) -> int:
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
    from annotator.ui.recovery_dialog import RecoveryDialog

    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")

    def open_it() -> Project:
        return open_project(project, annotator) if project else open_default_project(annotator)

    try:
        try:
            opened = open_it()
        except ProjectCorrupt as exc:  # offer the latest good backup, never a traceback
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
