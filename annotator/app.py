"""GUI entry point."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def run_gui(
    project: str | None = None, annotator: str | None = None, argv: Sequence[str] | None = None
) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator.services.project import ProjectError, open_default_project, open_project
    from annotator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    try:
        opened = open_project(project, annotator) if project else open_default_project(annotator)
    except ProjectError as exc:
        QMessageBox.critical(None, "Annotator", str(exc))
        return 2
    window = MainWindow(opened)
    window.show()
    return app.exec()


def main() -> int:
    from annotator.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
