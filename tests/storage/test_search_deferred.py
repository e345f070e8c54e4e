"""Deferred search indexing on SQLite: the watermark, the triggers that respect it,
catching up in chunks, migration 0007, and searches that find the same documents whether
or not they are indexed yet."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, text

from annotator.storage import NewDocument, ProjectRepository, make_engine, prepare_database
from annotator.storage.errors import Busy
from annotator.storage.migrate import alembic_config, current_revision, upgrade_from_empty
from annotator.storage.search import (
    STATE_TABLE,
    fts_fold,
    has_index,
    index_some,
    pending_count,
)

# Emoji, CJK, accents and cases that only Unicode folding matches, LIKE and FTS5 syntax.
TEXTS = [
    ("Lagarde in FRANKFURT", "Christine Lagarde spoke about inflation at 100% of target."),
    ("Trade talks", "Officials from 北京市 met in London; ZOË took notes 😀😀 here."),
    ("Oil prices", 'Brent rose; the under_score, back\\slash and "quoted" words stayed.'),
    ("ΣΟΦΊΑ news", "Straße, ÉCOLE, İstanbul, ǅemal and Ꭰ (Cherokee) in one text."),
    ("It's done", "O'Brien said 50%_off was a typo; [brackets] and *stars* too."),
]
NEEDLES = [
    "garde",
    "frankfurt",
    "FrAnKfUrT",
    "zoë",
    "ZOË",
    "Zoë",
    "北京市",
    "京市 m",
    "😀😀",
    "😀 h",
    "100%",
    "0% o",
    "%_o",
    "under_score",
    "r_s",
    "k\\sl",
    "\\",
    '"quoted"',
    'd" w',
    "o'b",
    "It's",
    "'s d",
    "σοφία",
    "ΣΟΦΊΑ",
    "strasse",
    "straße",
    "STRASSE",
    "école",
    "istanbul",
    "i̇stanbul",
    "ǆemal",
    "ꭰ (c",
    "[brackets]",
    "*stars*",
    "nowhere",
    "abc",
    "t's",
]


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[ProjectRepository]:
    engine = make_engine(tmp_path / "p.annotator")
    assert prepare_database(engine) == "created"
    repository = ProjectRepository(engine)
    yield repository
    repository.dispose()


def add_all(repo: ProjectRepository, tail: str = "") -> list[str]:
    return [repo.add_document(NewDocument(title=t, text=x + tail))[0] for t, x in TEXTS]


def found(repo: ProjectRepository, needle: str) -> list[str]:
    return [s.id for s in repo.list_documents(search=needle)]


def watermark(conn: Connection) -> int:
    return int(conn.scalar(text(f"SELECT indexed_upto FROM {STATE_TABLE}")))


def catch_up(repo: ProjectRepository, budget: int = 262_144) -> int:
    total = 0
    while indexed := repo.index_search_chunk(budget):
        total += indexed
    return total


def assert_consistent(conn: Connection) -> None:
    """The index passes FTS5's own check and holds exactly the documents at or below the
    watermark (fts5vocab lists the rows that have trigrams in the index)."""
    conn.execute(text("INSERT INTO documents_search(documents_search) VALUES ('integrity-check')"))
    vocab = "fts5vocab(main, documents_search, 'instance')"
    conn.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING {vocab}"))
    in_index = set(conn.scalars(text("SELECT DISTINCT doc FROM temp.v")))
    expected = set(
        conn.scalars(
            text(
                "SELECT ordinal FROM documents WHERE ordinal <= :wm "
                "AND length(title) + length(text) >= 3"
            ),
            {"wm": watermark(conn)},
        )
    )
    assert in_index == expected
    if pending_count(conn) == 0:  # all indexed: also consistent with the content table
        conn.execute(
            text(
                "INSERT INTO documents_search(documents_search, rank) VALUES ('integrity-check', 1)"
            )
        )


def test_a_new_project_starts_with_an_empty_watermark(repo: ProjectRepository) -> None:
    with repo.engine.connect() as conn:
        assert has_index(conn) and watermark(conn) == 0 and pending_count(conn) == 0


def test_new_documents_wait_and_are_found_all_the_same(repo: ProjectRepository) -> None:
    ids = add_all(repo)
    assert repo.search_pending() == len(ids)
    before = {needle: found(repo, needle) for needle in NEEDLES}
    assert catch_up(repo, budget=1) == len(ids)  # one document per chunk
    assert repo.search_pending() == 0
    after = {needle: found(repo, needle) for needle in NEEDLES}
    assert after == before
    assert before["FrAnKfUrT"] == [ids[0]] and before["zoë"] == [ids[1]]
    assert before["σοφία"] == [ids[3]] and before["%_o"] == [ids[4]]
    assert before["nowhere"] == []
    with repo.engine.connect() as conn:
        assert_consistent(conn)


def test_half_indexed_searches_match_both_halves(repo: ProjectRepository) -> None:
    ids = add_all(repo) + add_all(repo, " Again.")
    everything = {needle: found(repo, needle) for needle in NEEDLES}
    while repo.search_pending() > 5:
        repo.index_search_chunk(1)
    assert {needle: found(repo, needle) for needle in NEEDLES} == everything
    assert everything["garde"] == [ids[0], ids[5]]


def test_folding_matches_the_index_for_every_character() -> None:
    probe = sqlite3.connect(":memory:")
    probe.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    probe.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    points = [p for p in range(0x20, 0x30000) if not 0xD800 <= p < 0xE000]
    probe.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", [(p, chr(p) + "ab") for p in points])
    folded = dict(probe.execute("SELECT doc, substr(term, 1, 1) FROM v WHERE offset = 0"))
    probe.close()
    wrong = [hex(p) for p in points if fts_fold(chr(p)) != folded[p]]
    assert wrong == []


def test_triggers_keep_the_index_consistent_above_and_below(repo: ProjectRepository) -> None:
    a, b, c, d, e = add_all(repo)
    repo.index_search_chunk(1)
    repo.index_search_chunk(1)  # a and b indexed; c, d, e wait
    with repo.engine.begin() as conn:
        assert watermark(conn) == 2
        assert_consistent(conn)
    edits = [
        ("UPDATE documents SET title = 'Renamed talks' WHERE id = :i", b),  # below
        ("UPDATE documents SET text = 'Brent fell.' WHERE id = :i", c),  # above
        ("UPDATE documents SET ordinal = 99 WHERE id = :i", a),  # from below to above
        ("UPDATE documents SET ordinal = 1 WHERE id = :i", d),  # from above to below
        ("DELETE FROM documents WHERE id = :i", e),  # above: never indexed, no 'delete'
        ("DELETE FROM documents WHERE id = :i", b),  # below
    ]
    for statement, doc_id in edits:
        with repo.engine.begin() as conn:
            conn.execute(text(statement), {"i": doc_id})
            assert_consistent(conn)
    repo.add_document(NewDocument(title="Again", text="Lagarde returned."))
    assert found(repo, "Renamed") == [] and found(repo, "Brent fell") == [c]
    assert found(repo, "Lagarde") == [a, found(repo, "returned")[0]]
    assert found(repo, "ÉCOLE") == [d]
    catch_up(repo)
    with repo.engine.begin() as conn:
        assert_consistent(conn)
    assert found(repo, "Lagarde") == [a, found(repo, "returned")[0]]


def test_a_document_below_the_watermark_is_indexed_as_it_is_written(
    repo: ProjectRepository,
) -> None:
    add_all(repo)
    catch_up(repo)
    with repo.engine.begin() as conn:  # the last document removed, its ordinal reused
        conn.execute(text("DELETE FROM documents WHERE ordinal = 5"))
        conn.execute(text("UPDATE documents_search_state SET indexed_upto = 6"))
    doc_id, _ = repo.add_document(NewDocument(title="Late", text="A lone penguin."))
    with repo.engine.connect() as conn:
        assert_consistent(conn)
    assert found(repo, "penguin") == [doc_id]


def test_chunks_follow_the_budget_and_always_make_progress(repo: ProjectRepository) -> None:
    for i in range(10):
        repo.add_document(NewDocument(title=f"d{i}", text=f"{i}" * 998))  # 1,000 characters
    assert repo.index_search_chunk(2_500) == 3  # the one that reaches the budget included
    assert repo.index_search_chunk(0) == 1
    assert repo.index_search_chunk(1_000_000) == 6
    assert repo.index_search_chunk() == 0


def test_a_three_megabyte_article_is_indexed_in_one_chunk(repo: ProjectRepository) -> None:
    big = ("Lagarde speaks; " * 200_000)[:3_000_000] + " needle-in-haystack"
    doc_id, _ = repo.add_document(NewDocument(title="Huge", text=big))
    repo.add_document(NewDocument(title="Small", text="small text"))
    assert found(repo, "needle-in-haystack") == [doc_id]
    assert repo.index_search_chunk(1_000) == 1
    assert repo.search_pending() == 1
    assert found(repo, "needle-in-haystack") == [doc_id]
    assert catch_up(repo) == 1
    with repo.engine.connect() as conn:
        assert_consistent(conn)


def test_a_held_write_lock_waits_then_gives_the_projects_own_error(
    repo: ProjectRepository,
) -> None:
    add_all(repo)
    path = repo.engine.url.database
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process importing
    holder.execute("DELETE FROM project_meta WHERE key = 'nothing'")
    engine = make_engine(path)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA busy_timeout = 200")
        started = time.monotonic()
        with pytest.raises(Busy, match="busy"):
            index_some(conn)
        assert time.monotonic() - started >= 0.15  # it waited for the lock first
    engine.dispose()
    assert repo.search_pending() == len(TEXTS)
    release = threading.Timer(0.3, lambda: holder.execute("ROLLBACK"))
    release.start()
    engine = make_engine(path)  # the usual busy timeout (10 s): waits, then indexes
    with engine.connect() as conn:
        assert index_some(conn, budget_chars=1) == 1
        assert_consistent(conn)
    release.join()
    holder.close()
    engine.dispose()
    assert catch_up(repo) == len(TEXTS) - 1


def test_an_import_meanwhile_is_not_lost_between_watermark_and_insert(
    repo: ProjectRepository,
) -> None:
    """Two writers race: one indexes, another appends documents; the watermark read and
    the insert share one write transaction, so no appended row is skipped or doubled."""
    add_all(repo)
    stop = threading.Event()

    def appender() -> None:
        other = ProjectRepository(make_engine(repo.engine.url.database))
        for i in range(60):
            other.add_document(NewDocument(title=f"late {i}", text=f"Appended text number {i}."))
        other.dispose()
        stop.set()

    thread = threading.Thread(target=appender)
    thread.start()
    while not stop.is_set():
        repo.index_search_chunk(40)
    thread.join()
    catch_up(repo)
    with repo.engine.connect() as conn:
        assert_consistent(conn)
    assert len(found(repo, "Appended text")) == 60


def test_migration_0007_upgrades_a_populated_project_and_downgrades(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "old.annotator")
    upgrade_from_empty(engine)
    with engine.begin() as conn:  # the index as 0004 to 0006 keep it
        command.downgrade(alembic_config(conn), "0006")
    repo = ProjectRepository(engine)
    ids = add_all(repo)  # indexed as they are stored, by the unconditional trigger
    with engine.connect() as conn:
        assert (
            conn.scalar(text(f"SELECT 1 FROM sqlite_master WHERE name = '{STATE_TABLE}'")) is None
        )
    repo.dispose()

    engine = make_engine(tmp_path / "old.annotator")
    assert prepare_database(engine) == "upgraded"
    repo = ProjectRepository(engine)
    with engine.connect() as conn:
        assert watermark(conn) == 5 and pending_count(conn) == 0
        assert_consistent(conn)
    assert found(repo, "garde") == [ids[0]]
    new, _ = repo.add_document(NewDocument(title="After", text="Lagarde again"))
    assert repo.search_pending() == 1 and found(repo, "garde") == [ids[0], new]
    repo.dispose()

    engine = make_engine(tmp_path / "old.annotator")
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0006")
    assert current_revision(engine) == "0006"
    with engine.begin() as conn:
        assert (
            conn.scalar(text(f"SELECT 1 FROM sqlite_master WHERE name = '{STATE_TABLE}'")) is None
        )
        conn.execute(  # rebuilt: every document in the index again
            text(
                "INSERT INTO documents_search(documents_search, rank) VALUES ('integrity-check', 1)"
            )
        )
        conn.execute(text("DELETE FROM documents WHERE id = :i"), {"i": ids[1]})  # old trigger
        conn.execute(
            text(
                "INSERT INTO documents_search(documents_search, rank) VALUES ('integrity-check', 1)"
            )
        )
    repo = ProjectRepository(engine)
    assert found(repo, "garde") == [ids[0], new]
    repo.dispose()


def test_migration_0007_without_fts5_does_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.storage import search

    monkeypatch.setattr(search, "_fts5_available", lambda conn: False)
    engine = make_engine(tmp_path / "nofts.annotator")
    upgrade_from_empty(engine)
    with engine.connect() as conn:
        assert not has_index(conn) and pending_count(conn) == 0
        assert index_some(conn) == 0
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0006")
    engine.dispose()
