"""Projects, recent projects, remembered window state and themes."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from annotator.services.project import open_project
from annotator.ui import main_window
from annotator.ui.main_window import MainWindow
from annotator.ui.recovery_dialog import RecoveryDialog
from annotator.ui.theme import apply_theme, is_dark


def test_new_project_replaces_the_window_and_is_remembered(
    qtbot, make_project, open_window, tmp_path, settings
):
    window = open_window(make_project("First project article."))
    first_location = window.project.location
    created = tmp_path / "second.annotator"
    window.files.open_location(str(created), create=True)
    assert not window.isVisible()
    (new_window,) = [w for w in main_window._open_windows if w is not window]
    qtbot.addWidget(new_window)
    assert new_window.project.path == created
    assert new_window.model.document_id is None
    assert new_window.documents.visible_ids() == []
    assert settings.recent_projects()[:2] == [str(created.resolve()), first_location]
    assert settings.last_project() == str(created.resolve())
    # the recent projects menu lists both
    new_window.commands.recent_menu.aboutToShow.emit()
    texts = [a.text() for a in new_window.commands.recent_menu.actions()]
    assert str(created.resolve()) in texts and first_location in texts
    new_window.close()


def test_a_damaged_project_offers_recovery_and_keeps_the_window(
    qtbot, make_project, open_window, tmp_path
):
    window = open_window(make_project("An article."))
    bogus = tmp_path / "notes.annotator"
    bogus.write_text("not a database", encoding="utf-8")
    shown: list[str] = []

    def decline() -> None:
        # The modal dialog now shown, whatever earlier tests left behind; rejected even if
        # the check fails, so that a failure can never leave the test waiting forever.
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, decline)
            return
        shown.append(dialog.windowTitle() if isinstance(dialog, RecoveryDialog) else "other")
        dialog.reject()

    QTimer.singleShot(0, decline)
    window.files.open_location(str(bogus))
    assert shown == ["Project cannot be opened — Annotator"]
    assert window.isVisible() and window.project.path == tmp_path / "work.annotator"


def test_a_project_open_elsewhere_is_refused_clearly(qtbot, make_project, open_window, tmp_path):
    window = open_window(make_project("An article."))
    with open_project(tmp_path / "busy.annotator", "colleague"):
        window.files.open_location(str(tmp_path / "busy.annotator"))
    assert window.isVisible()
    assert "already open" in window.last_error.text()
    window.last_error.close()


def test_geometry_and_last_document_are_restored(qtbot, make_project, project_path, settings):
    project = make_project("One.", "Two.", "Three.")
    window = MainWindow(project, settings)
    qtbot.addWidget(window)
    window.show()
    window.resize(760, 700)  # the offscreen screen is 800x800
    size = (window.width(), window.height())
    qtbot.waitUntil(lambda: len(window.documents.visible_ids()) == 3)  # read on a worker
    ids = window.documents.visible_ids()
    window.open_document(ids[2])
    window.docks["sentiment"].hide()
    window.close()

    again = MainWindow(open_project(project_path, "tester"), settings)
    qtbot.addWidget(again)
    again.show()
    assert again.model.document_id == ids[2]
    assert (again.width(), again.height()) == size
    assert not again.docks["sentiment"].isVisible()
    again.close()


def test_themes_switch_between_light_and_dark(qtbot, make_project, open_window, settings):
    window = open_window(make_project("Text."))
    app = QApplication.instance()
    window.commands.themes["dark"].trigger()
    assert is_dark(app) and settings.theme() == "dark"
    window.commands.themes["light"].trigger()
    assert not is_dark(app) and settings.theme() == "light"
    apply_theme(app, "system")
