"""Document search through the database's text index, and stored lengths (both back ends)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import event, text

from annotator.core.model import Status, utc_now
from annotator.core.text import content_hash
from annotator.storage import NewDocument, ProjectRepository, make_engine, prepare_database
from annotator.storage.migrate import alembic_config, upgrade_from_empty
from annotator.storage.search import has_index, install_search

TEXTS = [
    ("Lagarde in Frankfurt", "Christine Lagarde spoke about inflation at 100% of target."),
    ("Trade talks", "Officials from 北京市 met in London; Zoë took notes."),
    ("Oil prices", 'Brent rose; the under_score and "quoted" words stayed.'),
]


@pytest.fixture
def repo(project_location: str) -> Iterator[ProjectRepository]:
    engine = make_engine(project_location)
    assert prepare_database(engine) == "created"
    repository = ProjectRepository(engine)
    yield repository
    repository.dispose()


def add_all(repo: ProjectRepository) -> list[str]:
    return [repo.add_document(NewDocument(title=t, text=x))[0] for t, x in TEXTS]


def found(repo: ProjectRepository, needle: str) -> list[str]:
    return [s.id for s in repo.list_documents(search=needle)]


def test_new_projects_have_the_index(repo: ProjectRepository) -> None:
    with repo.engine.connect() as conn:
        assert has_index(conn)


def test_search_matches_substrings_of_title_and_text(repo: ProjectRepository) -> None:
    a, b, c = add_all(repo)
    assert found(repo, "garde") == [a]  # inside a word, which word search would miss
    assert found(repo, "FRANKFURT") == [a]  # title, any case
    assert found(repo, "ZOË") == [b]  # non-ASCII case folding
    assert found(repo, "北京") == [b]  # two characters: below the trigram size
    assert found(repo, "100%") == [a]
    assert found(repo, "0%") == [a]
    assert found(repo, "%") == [a]  # LIKE wildcards are plain characters
    assert found(repo, "x_y") == []
    assert found(repo, "under_score") == [c]
    assert found(repo, '"quoted"') == [c]  # FTS5 query syntax is plain characters
    assert found(repo, "the") == [c]
    assert found(repo, "nowhere at all") == []
    assert [s.id for s in repo.list_documents(status=Status.TODO, search="o")] == [a, b, c]


def test_index_follows_inserts_and_deletes(repo: ProjectRepository) -> None:
    a, b, _ = add_all(repo)
    repo.delete_document(a)
    assert found(repo, "Lagarde") == []
    again, _ = repo.add_document(NewDocument(title="Again", text="Lagarde returned."))
    assert found(repo, "Lagarde") == [again]
    with repo.engine.begin() as conn:  # a title edited by hand (e.g. a fix-up script)
        conn.execute(text("UPDATE documents SET title = 'Renamed talks' WHERE id = :i"), {"i": b})
    assert found(repo, "Renamed") == [b]
    assert found(repo, "Trade talks") == []


def test_results_stream_in_pages_in_import_order(repo: ProjectRepository) -> None:
    ids = [repo.add_document(NewDocument(title=f"Doc {i}", text=f"text {i}"))[0] for i in range(25)]
    pages = list(repo.iter_document_list(search="text", first=4, batch=10))
    assert [len(p) for p in pages] == [4, 10, 10, 1]
    assert [s.id for p in pages for s in p] == ids
    assert [len(p) for p in repo.iter_document_list(first=5, batch=20)] == [5, 20]


def test_lengths_are_stored_in_code_points(repo: ProjectRepository) -> None:
    doc_id, _ = repo.add_document(NewDocument(title="t", text="😀 Zoë 北京"))
    [summary] = repo.list_documents()
    assert summary.length == len("😀 Zoë 北京") == 8
    assert repo.document_summaries([doc_id, "missing"])[doc_id] == summary


def test_the_list_never_reads_texts(repo: ProjectRepository) -> None:
    add_all(repo)
    statements: list[str] = []
    event.listen(repo.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    repo.list_documents()
    repo.list_documents(search="Lagarde")
    listed = [s for s in statements if "documents.title" in s]
    assert listed and not any("documents.text" in s.split("WHERE")[0] for s in listed)


def test_upgrade_fills_lengths_and_the_index(project_location: str) -> None:
    engine = make_engine(project_location)
    upgrade_from_empty(engine, "0002")
    insert = text(
        "INSERT INTO documents (id, ordinal, title, source, text, meta, status, content_hash, "
        "version, created_at, updated_at) VALUES (:id, :o, :t, '', :x, '{}', 'todo', :h, 1, "
        ":now, :now)"
    )
    with engine.begin() as conn:  # as an older version stored them: no length column
        for i, body in enumerate(["Zoë spoke 😀", "Lagarde spoke"]):
            row = {"id": f"d{i}", "o": i + 1, "t": f"t{i}", "x": body, "h": content_hash(body)}
            conn.execute(insert, {**row, "now": utc_now()})
        command.upgrade(alembic_config(conn), "head")
    repo = ProjectRepository(engine)
    assert {s.id: s.length for s in repo.list_documents()} == {"d0": 11, "d1": 13}
    assert found(repo, "Lagarde") == ["d1"]
    with engine.connect() as conn:
        assert has_index(conn)
    repo.dispose()


def test_install_is_idempotent(repo: ProjectRepository) -> None:
    add_all(repo)
    with repo.engine.begin() as conn:
        install_search(conn)
    assert len(found(repo, "spoke")) == 1


def test_without_fts5_search_falls_back_with_a_warning(
    tmp_path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from annotator.storage import search

    monkeypatch.setattr(search, "_fts5_available", lambda conn: False)
    engine = make_engine(tmp_path / "nofts.annotator")
    prepare_database(engine)
    repo = ProjectRepository(engine)
    add_all(repo)
    with caplog.at_level(logging.WARNING, logger="annotator.storage.search"):
        assert found(repo, "garde") != []
    assert "scans every text" in caplog.text
    repo.dispose()
