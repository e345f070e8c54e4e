"""Opening a project whose imported documents wait for the search index indexes them in
the background; the document list's search finds the same documents before and after."""

from __future__ import annotations

import threading
from pathlib import Path

from annotator.services.project import open_project
from annotator.services.search_index import build_search_index, search_index_pending
from annotator.ui import search_indexer

TEXTS = [f"Report {i}: the ECB in Zürich met officials from 北京 😀." for i in range(300)] + [
    "An article about Lagarde.",
    "Oil prices and 100% tariffs.",
]


def search(qtbot, window, needle: str) -> list[str]:
    window.documents.search.setText(needle)
    qtbot.wait(200)  # the search box's debounce (150 ms), then the query on its worker
    qtbot.waitUntil(lambda: not window.documents.pending())
    return window.documents.visible_ids()


def test_opening_indexes_in_the_background_and_search_stays_right(
    qtbot, make_project, open_window, monkeypatch
) -> None:
    monkeypatch.setattr(search_indexer, "START_DELAY_MS", 60_000)  # held back until asked
    project = make_project(*TEXTS)
    assert search_index_pending(project) == len(TEXTS)
    threads: list[str] = []
    real = search_indexer.build_search_index

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(search_indexer, "build_search_index", spy)
    window = open_window(project)
    ids = window.documents.visible_ids()
    needles = ["zürich", "LAGARDE", "100%", "北京 😀", "Report 7:", "nowhere"]
    before = {needle: search(qtbot, window, needle) for needle in needles}
    assert before["LAGARDE"] == [ids[300]] and before["100%"] == [ids[301]]
    assert len(before["zürich"]) == 300 and before["nowhere"] == []

    window.workbench.search_index.start(0)
    qtbot.waitUntil(lambda: search_index_pending(project) == 0, timeout=20_000)
    qtbot.waitUntil(lambda: not window.workbench.search_index.busy())
    assert threads and threading.main_thread().name not in threads
    assert not window.workbench.search_index.label.isVisible()
    assert {needle: search(qtbot, window, needle) for needle in needles} == before


def test_an_import_in_the_app_is_indexed_after_it_finishes(
    qtbot, make_project, open_window, tmp_path: Path
) -> None:
    window = open_window(make_project("First article."))
    qtbot.waitUntil(lambda: search_index_pending(window.project) == 0, timeout=20_000)
    (first,) = window.documents.visible_ids()
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "a.txt").write_text("A later article about Lagarde.", encoding="utf-8")
    assert window.workbench.files.import_paths([str(folder)]) is not None
    qtbot.waitUntil(lambda: len(window.documents.visible_ids()) == 2, timeout=20_000)
    (later,) = set(window.documents.visible_ids()) - {first}
    qtbot.waitUntil(lambda: search_index_pending(window.project) == 0, timeout=20_000)
    assert search(qtbot, window, "lagarde") == [later]


def test_closing_the_window_stops_indexing(
    qtbot, make_project, open_window, project_path: Path
) -> None:
    window = open_window(make_project(*TEXTS))
    window.workbench.search_index.start(0)
    qtbot.waitUntil(window.workbench.search_index.busy)
    window.close()  # stops the indexer after its chunk, then closes the project
    assert not window.workbench.search_index.busy()
    with open_project(project_path, "tester") as project:  # what is left, left intact
        left = search_index_pending(project)
        assert build_search_index(project) == left
        assert search_index_pending(project) == 0
        assert len(project.repo.list_documents(search="zürich")) == 300
