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
        ProjectError,
        open_default_project,
        open_project,
    )
    from annotator.ui.main_window import MainWindow
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

    opened: Project | None = None
    try:
        if project:
            opened = open_project(project, annotator)
        else:
            last = settings.last_project()
            if last:
                try:
                    opened = open_project(last, annotator, create=False)
                except ProjectError:
                    settings.remove_recent_project(last)
            if opened is None:
                opened = open_default_project(annotator)
    except ProjectError as exc:
        QMessageBox.critical(None, "Annotator", str(exc))
        return 2
    window = MainWindow(opened, settings)
    window.show()
    return app.exec()


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
