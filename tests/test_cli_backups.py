"""`annotator backup` and `annotator restore`: manual backups and recovery without the GUI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.services.backups import list_backups
from annotator.services.project import ProjectCorrupt, open_project


def _damage(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(100)
        handle.write(os.urandom(4096))


def test_backup_list_and_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.annotator"
    article = tmp_path / "a.txt"
    article.write_text("Angela Merkel spoke in Berlin.", encoding="utf-8")
    assert main(["--project", str(path), "import", str(article)]) == 0
    assert main(["--project", str(path), "backup"]) == 0
    assert "Backed up p.annotator" in capsys.readouterr().err
    assert [b.reason for b in list_backups(path)] == ["manual"]  # a new project: no auto yet
    assert main(["--project", str(path), "backup", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "manual" in listed and str(list_backups(path)[0].path) in listed

    _damage(path)
    with pytest.raises(ProjectCorrupt):
        open_project(path)
    assert main(["--project", str(path), "stats"]) == 2
    assert "cannot be opened" in capsys.readouterr().err
    assert main(["--project", str(path), "restore"]) == 0
    assert "Restored p.annotator" in capsys.readouterr().err
    with open_project(path, backup=False) as project:
        assert project.repo.count_documents() == 1


def test_restore_without_backups_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.annotator"
    path.write_bytes(b"not a database at all, just text" * 10)
    assert main(["--project", str(path), "restore"]) == 2
    assert "no good backup of p.annotator" in capsys.readouterr().err


def test_backup_refused_while_the_app_has_the_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.annotator"
    with open_project(path, "alice"):
        assert main(["--project", str(path), "backup"]) == 2
    assert "already open in Annotator by alice" in capsys.readouterr().err


def test_import_into_an_empty_project_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.annotator"
    article = tmp_path / "a.txt"
    article.write_text("Angela Merkel spoke in Berlin.", encoding="utf-8")
    assert main(["--project", str(path), "import", str(article)]) == 0
    assert main(["--project", str(path), "backup"]) == 0
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    path.write_bytes(b"")  # a sync tool's crash
    capsys.readouterr()
    assert main(["--project", str(path), "import", str(article)]) == 2
    assert "empty (0 bytes)" in capsys.readouterr().err
    assert path.stat().st_size == 0
    assert main(["--project", str(path), "restore"]) == 0
    with open_project(path, backup=False) as project:
        assert project.repo.count_documents() == 1
