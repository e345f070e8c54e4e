"""A password given in a project URL never reaches settings, recent lists, titles or About."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from annotator.services.credentials import forget_password
from annotator.services.project import open_project
from annotator.ui.settings import AppSettings

PASSWORD = "pa55-wörd"


def test_settings_never_store_a_password(tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    old = AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    secret = f"postgresql://ann:{quote(PASSWORD)}@db.example.org/news"
    old.qsettings.setValue("projects/recent", [secret, "/a/b.annotator"])  # an older version's
    old.qsettings.setValue("projects/last", secret)
    old.sync()
    settings = AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert settings.recent_projects() == ["postgresql://ann@db.example.org/news", "/a/b.annotator"]
    assert settings.last_project() == "postgresql://ann@db.example.org/news"
    settings.add_recent_project(secret.replace("news", "other"))
    settings.set_last_project(secret)
    settings.set_last_document(secret, "doc")
    settings.sync()
    stored = ini.read_text(encoding="utf-8")
    assert "pa55" not in stored and quote(PASSWORD) not in stored
    assert settings.last_document("postgresql://ann@db.example.org/news") == "doc"


def test_a_server_project_opened_with_a_password_shows_none(
    qtbot, pg_server, pg_database, settings, tmp_path, monkeypatch
):
    if pg_server.cluster is None:
        import pytest

        pytest.skip("needs the throw-away cluster's password rules")
    pg_server.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pw_dora') THEN "
        f"CREATE ROLE pw_dora LOGIN PASSWORD '{PASSWORD}' IN ROLE pw_users; END IF; END $$"
    )
    database = pg_database.rsplit("/", 1)[1]
    pg_server.execute(f'GRANT ALL ON DATABASE "{database}" TO pw_dora')
    pg_server.execute("GRANT CREATE ON SCHEMA public TO pw_dora", database=database)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    port = pg_server.cluster.port
    bare = f"postgresql://pw_dora@127.0.0.1:{port}/{database}?sslmode=disable"
    given = bare.replace("pw_dora@", f"pw_dora:{quote(PASSWORD)}@")
    from annotator.ui.main_window import MainWindow

    try:
        window = MainWindow(open_project(given), settings)
        qtbot.addWidget(window)
        window.show()
        window.workbench.dialogs.show_about()
        boxes = [
            b for b in window.findChildren(QMessageBox) if b.windowTitle() == "About Annotator"
        ]
        assert boxes and "pw_dora" in boxes[-1].text()
        shown = [boxes[-1].text(), window.windowTitle(), *settings.recent_projects()]
        settings.sync()
        shown.append(Path(settings.qsettings.fileName()).read_text(encoding="utf-8"))
        for text in shown:
            assert "pa55" not in text and quote(PASSWORD) not in text
        window.close()
    finally:
        forget_password(bare)
