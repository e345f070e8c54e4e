"""GUI entry point: the application object, theme, error handling and the first window."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from types import TracebackType


def run_gui(
    project: str | None = None, annotator: str | None = None, argv: Sequence[str] | None = None
) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator.services.project import (
        Project,
        ProjectCorrupt,
        ProjectError,
        open_default_project,
        open_project,
    )
    from annotator.ui.main_window import MainWindow, close_all_windows
    from annotator.ui.opening import open_with_recovery
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
    settings = AppSettings()
    apply_theme(app, settings.theme())
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda _scheme: apply_theme(app, settings.theme())
    )
    sys.excepthook = _report_unexpected

    def open_it() -> Project:
        if project:
            return open_project(project, annotator)
        last = settings.last_project()
        if last:
            try:
                return open_project(last, annotator, create=False)
            except ProjectCorrupt:
                raise  # offer its backups
            except ProjectError:  # moved or deleted since: fall back to the default project
                settings.remove_recent_project(last)
        return open_default_project(annotator)

    try:
        opened = open_with_recovery(open_it)
    except ProjectError as exc:  # locked by another instance, too new, unreadable...
        QMessageBox.critical(None, "Annotator", str(exc))
        return 2
    if opened is None:
        return 2
    window = MainWindow(opened, settings)
    window.show()
    try:
        return app.exec()
    finally:
        close_all_windows()  # stops backups, releases the project locks


def _report_unexpected(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """An unexpected error in an event handler: tell the user, keep the app running."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    traceback.print_exception(kind, value, tb, file=sys.stderr)
    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "Annotator", "")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        f"Something went wrong: {value or kind.__name__}\n\n"
        "Your annotations up to the last edit are saved."
    )
    box.exec()


def main() -> int:
    from annotator.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
