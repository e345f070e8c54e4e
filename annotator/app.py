"""GUI entry point."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO


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
    from annotator.ui.app_icon import app_icon
    from annotator.ui.backup_timer import BackupTimer
    from annotator.ui.main_window import MainWindow
    from annotator.ui.recovery_dialog import RecoveryDialog

    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    QApplication.setWindowIcon(app_icon())

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


def needs_offscreen(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """True when Qt has no display: no platform chosen, not Windows/macOS, no X or Wayland."""
    env = os.environ if environ is None else environ
    if env.get("QT_QPA_PLATFORM") or platform in ("win32", "darwin"):
        return False
    return not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def run_smoke_test(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`annotator --smoke-test`: the Qt-free round trip, then the real main window once.

    Works without a display (switches Qt to its offscreen platform). Returns 0 on success and
    1 on any failure, with the reason on stderr: a windowed build must never stop on an error
    dialog. Output goes to stdout/stderr when the process has them (a windowed Windows build
    may not).
    """
    from annotator.services.smoke import SMOKE_ANNOTATOR, SmokeTestFailed
    from annotator.services.smoke import run_smoke_test as round_trip

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err

    def log(message: str, stream: TextIO | None = out) -> None:
        if stream is not None:
            print(f"smoke-test: {message}", file=stream, flush=True)

    if needs_offscreen():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        log("no display found: using Qt's offscreen platform")
    with tempfile.TemporaryDirectory(prefix="annotator-smoke-", ignore_cleanup_errors=True) as tmp:
        try:
            report = round_trip(Path(tmp), log=log)
            from annotator.ui.smoke_check import check_main_window

            log(check_main_window(report.project, SMOKE_ANNOTATOR))
        except SmokeTestFailed as exc:
            log(f"FAILED: {exc}", err)
            return 1
        except Exception:  # any other failure is a failed check, not a crash dialog
            log(f"FAILED with an unexpected error:\n{traceback.format_exc()}", err)
            return 1
    log("passed")
    return 0


def main() -> int:
    from annotator.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
