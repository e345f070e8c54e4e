"""GUI entry point: the application object, theme, error handling and the first window."""

from __future__ import annotations

import functools
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TextIO


def run_gui(
    project: str | None = None, annotator: str | None = None, argv: Sequence[str] | None = None
) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator.services.project import (
        Project,
        ProjectCorrupt,
        ProjectError,
        ProjectLocked,
        open_default_project,
        open_project,
    )
    from annotator.ui.app_icon import app_icon
    from annotator.ui.file_open_events import FileOpenRequests
    from annotator.ui.main_window import MainWindow, close_all_windows, current_window
    from annotator.ui.opening import choose_instead_of_locked, open_with_recovery
    from annotator.ui.settings import AppSettings
    from annotator.ui.theme import apply_theme

    if QApplication.instance() is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    assert isinstance(app, QApplication)
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    app.setApplicationDisplayName("Annotator")
    QApplication.setWindowIcon(app_icon())
    settings = AppSettings()
    apply_theme(app, settings.theme())
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda _scheme: apply_theme(app, settings.theme())
    )
    sys.excepthook = _report_unexpected

    def open_it(location: str | None) -> Project:  # the on-open backup runs after show()
        if location:
            return open_project(location, annotator, backup=False)
        last = settings.last_project()
        if last:
            try:
                return open_project(last, annotator, create=False, backup=False)
            except (ProjectLocked, ProjectCorrupt):
                raise  # the user must hear about these, not silently get another project
            except ProjectError:
                settings.remove_recent_project(last)
        return open_default_project(annotator, backup=False)

    location = project
    while True:
        try:  # a damaged file offers its latest good backup
            opened = open_with_recovery(functools.partial(open_it, location))
        except ProjectLocked as exc:  # open in another instance: offer another project
            location = choose_instead_of_locked(exc)
            if location is None:
                return 2
            continue
        except ProjectError as exc:  # too new, unreadable...
            box = QMessageBox(QMessageBox.Icon.Critical, "Annotator", "")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setText(str(exc))
            box.exec()
            return 2
        break
    if opened is None:  # damaged, and the user chose not to restore a backup
        return 2
    window = MainWindow(opened, settings)
    window.show()
    requests = FileOpenRequests(app)  # macOS: a project double-clicked in Finder

    def open_requested(path: str) -> None:
        target = current_window()
        if target is not None:
            target.open_paths([path])

    requests.requested.connect(open_requested)
    QTimer.singleShot(0, window.backups.check)  # back up on open, off the GUI thread
    try:
        return app.exec()
    finally:
        app.removeEventFilter(requests)
        close_all_windows()  # stops backups and live updates, releases the project locks
        opened.close()  # idempotent; normally closeEvent already released the lock


def _report_unexpected(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """An unexpected error in an event handler: tell the user, keep the app running."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator.services.errors import StorageError

    logging.getLogger(__name__).error("unexpected error", exc_info=(kind, value, tb))
    traceback.print_exception(kind, value, tb, file=sys.stderr)
    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "Annotator", "")
    box.setTextFormat(Qt.TextFormat.PlainText)
    if isinstance(value, StorageError):  # the database refused or is out of reach: say so
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(f"{value}\n\nYour annotations up to the last edit are saved.")
    else:
        box.setText(
            f"Something went wrong: {value or kind.__name__}\n\n"
            "Your annotations up to the last edit are saved."
        )
    box.exec()


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
