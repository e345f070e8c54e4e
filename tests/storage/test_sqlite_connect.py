"""Project connections: the bulk page cache is lent for a batch and given back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.storage.sqlite_connect import BULK_CACHE_KIB, bulk_cache, connect


def _cache(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA cache_size").fetchone()[0])


def test_bulk_cache_is_set_for_the_batch_and_restored(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    conn.execute("PRAGMA cache_size = -2000")
    with bulk_cache(conn):
        assert _cache(conn) == -BULK_CACHE_KIB
    assert _cache(conn) == -2000
    with pytest.raises(ValueError), bulk_cache(conn):
        raise ValueError("a refused batch")
    assert _cache(conn) == -2000
    conn.close()


def test_bulk_connections_keep_their_large_cache(tmp_path: Path) -> None:
    conn = connect(tmp_path / "p.db")
    assert _cache(conn) == -BULK_CACHE_KIB
    with bulk_cache(conn):
        pass
    assert _cache(conn) == -BULK_CACHE_KIB
    conn.close()


def test_repository_batches_use_the_bulk_cache_and_give_it_back(tmp_path: Path) -> None:
    from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations
    from annotator.services.project import open_project

    seen: list[int] = []
    with open_project(tmp_path / "p.annotator", "ana", backup=False) as project:
        repo = project.repo
        with repo.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            before = _cache(raw)
            raw.set_trace_callback(lambda sql: seen.append(1) if "cache_size" in sql else None)
        item = AnnotatedDocument(Document("d1", "T", "Acme hired Jane."), DocumentAnnotations())
        repo.add_annotated_batch([item], "ana")
        with repo.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            assert _cache(raw) == before
    assert seen  # the batch did set and restore the cache on the pooled connection


def test_reading_a_project_through_uses_the_small_cache_and_gives_the_large_back(
    tmp_path: Path,
) -> None:
    from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations
    from annotator.services.project import open_project
    from annotator.storage import sqlite_reads
    from annotator.storage.sqlite_connect import STREAMING_CACHE_KIB

    path = tmp_path / "p.annotator"
    with open_project(path, "ann") as project:
        items = [
            AnnotatedDocument(Document(f"d{i}", "t", f"text {i}"), DocumentAnnotations())
            for i in range(3)
        ]
        project.bulk.add_annotated_batch(items, "ann")
    conn = connect(path)
    seen = []
    for item in sqlite_reads.iter_annotated(conn):
        seen.append((item.document.id, _cache(conn)))
    assert seen == [(f"d{i}", -STREAMING_CACHE_KIB) for i in range(3)]
    assert _cache(conn) == -BULK_CACHE_KIB and not conn.in_transaction
    stream = sqlite_reads.iter_annotated(conn)
    next(stream)
    stream.close()  # an export cancelled half way
    assert _cache(conn) == -BULK_CACHE_KIB and not conn.in_transaction
    conn.execute("BEGIN IMMEDIATE")  # inside a caller's (writing) transaction: untouched
    assert [_cache(conn) for _item in sqlite_reads.iter_annotated(conn)] == [-BULK_CACHE_KIB] * 3
    assert conn.in_transaction
    conn.rollback()
    conn.close()
