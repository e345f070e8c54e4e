"""Catching up the search index after an import, and what stops it quietly."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from annotator.services.errors import NotPermitted, StorageError
from annotator.services.importing import import_paths
from annotator.services.project import Project, open_project
from annotator.services.search_index import (
    build_search_index,
    pending_note,
    search_index_pending,
)
from annotator.storage import ProjectRepository, make_engine
from annotator.storage.errors import Busy


def write_jsonl(path: Path, n: int) -> Path:
    lines = [
        json.dumps({"title": f"Article {i}", "text": f"Story {i}: Lagarde spoke in Zürich. " * 80})
        for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def searched(project: Project, needle: str) -> list[str]:
    return [s.id for s in project.repo.list_documents(search=needle)]


def test_an_import_leaves_documents_to_index_and_the_catch_up_indexes_them(
    project_location: str, tmp_path: Path
) -> None:
    with open_project(project_location) as project:
        import_paths(project, [write_jsonl(tmp_path / "a.jsonl", 120)])
        sqlite = project.path is not None
        assert search_index_pending(project) == (120 if sqlite else 0)  # PostgreSQL: none
        before = searched(project, "ZÜRICH")
        assert len(before) == 120 and searched(project, "Story 7:") != []
        steps: list[tuple[int, int]] = []
        assert build_search_index(project, progress=lambda d, t: steps.append((d, t))) == (
            120 if sqlite else 0
        )
        assert search_index_pending(project) == 0 and pending_note(project) is None
        assert searched(project, "ZÜRICH") == before
        if sqlite:
            assert len(steps) > 1 and steps[-1] == (120, 120)  # several chunks


def test_should_stop_ends_the_run_between_chunks(project: Project, tmp_path: Path) -> None:
    import_paths(project, [write_jsonl(tmp_path / "a.jsonl", 300)])
    calls = iter([False, True])
    assert 0 < build_search_index(project, should_stop=lambda: next(calls)) < 300
    left = search_index_pending(project)
    assert 0 < left < 300
    note = pending_note(project)
    assert note is not None and f"{left} documents will be indexed" in note
    assert build_search_index(project) == left


@pytest.mark.parametrize("error", [Busy("the project is busy"), NotPermitted("read-only")])
def test_a_locked_or_refused_write_is_logged_not_raised(
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: StorageError,
) -> None:
    import_paths(project, [write_jsonl(tmp_path / "a.jsonl", 3)])

    def refuse(budget_chars: int = 0) -> int:
        raise error

    monkeypatch.setattr(project.repo, "index_search_chunk", refuse)
    with caplog.at_level(logging.INFO, logger="annotator.services.search_index"):
        assert build_search_index(project) == 0
    assert str(error) in caplog.text
    assert search_index_pending(project) == 3


def test_a_read_only_connection_gives_up_quietly(tmp_path: Path) -> None:
    with open_project(tmp_path / "p.annotator") as project:
        import_paths(project, [write_jsonl(tmp_path / "a.jsonl", 3)])
    engine = make_engine(f"sqlite:///file:{tmp_path / 'p.annotator'}?mode=ro&uri=true")
    reader = Project(str(tmp_path / "p.annotator"), ProjectRepository(engine), "reader")
    assert search_index_pending(reader) == 3
    assert build_search_index(reader) == 0  # "attempt to write a readonly database"
    assert search_index_pending(reader) == 3
    reader.close()


def test_a_read_only_file_is_skipped(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(project, [write_jsonl(tmp_path / "a.jsonl", 3)])
    monkeypatch.setattr("annotator.services.search_index.os.access", lambda *_a: False)
    assert build_search_index(project) == 0
    assert search_index_pending(project) == 3


def test_the_import_note_counts_in_the_lean_store_and_gives_way_to_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "p.annotator"
    with open_project(path, "ann") as project:
        pass
    with open_project(path, "ann", lean=True) as project:
        import_paths(project, [write_jsonl(tmp_path / "a.jsonl", 4)])
        assert type(project.bulk).__name__ == "SqliteStore"  # plain sqlite3, no SQLAlchemy
        note = pending_note(project)
        assert note is not None and "4 documents will be indexed" in note

        def broken() -> int:
            raise StorageError("disk I/O error")

        monkeypatch.setattr(project.bulk, "search_pending", broken)
        with caplog.at_level(logging.WARNING):
            assert pending_note(project) is None
        assert "disk I/O error" in caplog.text
