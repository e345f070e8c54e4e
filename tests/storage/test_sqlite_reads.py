"""`sqlite_reads` (plain sqlite3) returns what the SQLAlchemy reads return, on the same file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    Document,
    DocumentAnnotations,
    EntitySpan,
    Status,
    TargetSentiment,
    utc_now,
)
from annotator.core.schema import default_schema
from annotator.core.text import content_hash
from annotator.services.project import Project, open_project
from annotator.storage import NewDocument, repository, sqlite_reads
from annotator.storage.row_screen import BadRows
from annotator.storage.sqlite_values import timestamp
from tests.conftest import TRICKY

EMOJI = "🙂 Ana García (México) told 😀 reporters: «we will sign». 🇲🇽 family 👨‍👩‍👧"
CJK = "王芳在北京说：我们会签署协议。東京でも同じ意見だった。"
ANNOTATORS = ("alice", "bob", "王芳")


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[tuple[Project, Path, datetime]]:
    """A project with several annotators' work; yields it, its file and a time between
    the first and the second round of annotations."""
    path = tmp_path / "reads.annotator"
    with open_project(path, "alice") as project:
        middle = _fill(project)
        yield project, path, middle


def _add(project: Project, title: str, text: str, **kwargs: Any) -> str:
    doc_id, created = project.repo.add_document(NewDocument(title, text, **kwargs))
    assert created
    return doc_id


def _span(project: Project, doc: str, who: str, sid: str, text: str, part: str, label: str) -> None:
    start = text.index(part)
    project.repo.editor(doc, who).put_entity(EntitySpan(sid, start, start + len(part), label))


def _fill(project: Project) -> datetime:
    repo = project.repo
    first = _add(
        project, "Trïcky 😀", TRICKY, source="Le Monde", meta={"desk": "北京 🇬🇧", "n": [1, "é"]}
    )
    second = _add(project, "Emoji", EMOJI, meta={"lang": "es"})
    third = _add(project, "中文", CJK, status=Status.DONE)
    _add(project, "Empty", "A document nobody annotated.")
    _span(project, first, "alice", "a_gpe", TRICKY, "北京市", "GPE")
    _span(project, first, "alice", "a_zoe", TRICKY, "Zoë", "PERSON")
    _span(project, first, "alice", "a_acme", TRICKY, "Acme", "ORG")
    alice = repo.editor(first, "alice")
    said = TRICKY.index("said")
    alice.put_claim(Claim("a_c1", said, said + 4, "a_zoe", "", {"type": "statement"}))
    alice.put_claim(Claim("a_c2", 0, 5, None, "the 部長 🙂", {"stance": "für", "q": "«»"}))
    alice.put_target(TargetSentiment("a_t1", "a_acme", "positive"))
    alice.set_document_sentiment("positive")
    repo.set_status(first, Status.IN_PROGRESS)
    time.sleep(0.01)
    middle = utc_now()
    time.sleep(0.01)
    _span(project, first, "bob", "b_gpe", TRICKY, "北京", "GPE")
    bob = repo.editor(first, "bob")
    bob.put_claim(Claim("b_c1", said, said + 4, "b_gpe", "", {}))
    bob.put_target(TargetSentiment("b_t1", "b_gpe", "negative"))
    bob.set_document_sentiment("negative")
    _span(project, second, "bob", "b_ana", EMOJI, "Ana García", "PERSON")
    _span(project, second, "bob", "b_mx", EMOJI, "México", "GPE")
    repo.editor(second, "bob").put_claim(Claim("b_c2", 0, 10, "b_ana", "Ana", {"type": "q"}))
    _span(project, third, "王芳", "w_name", CJK, "王芳", "PERSON")
    _span(project, third, "王芳", "w_city", CJK, "北京", "GPE")
    wang = repo.editor(third, "王芳")
    wang.put_target(TargetSentiment("w_t1", "w_city", "neutral"))
    wang.set_document_sentiment("neutral")
    return middle


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def _compare(project: Project, path: Path, name: str, *args: Any) -> Any:
    """Call `sqlite_reads.<name>` and the repository's SQLAlchemy `_<name>` with `args`;
    assert the results are equal, return them."""
    with project.repo.engine.connect() as conn:
        old = getattr(repository, f"_{name}")(conn, *args)
    raw = _raw(path)
    try:
        new = getattr(sqlite_reads, name)(raw, *args)
    finally:
        raw.close()
    assert new == old
    return new


def _annotated_both(
    project: Project, path: Path, *args: Any
) -> tuple[list[AnnotatedDocument], list[AnnotatedDocument], BadRows, BadRows]:
    """iter_annotated(*args) by both implementations, each with a BadRows of its own."""
    old_bad, new_bad = BadRows(), BadRows()
    with project.repo.engine.connect() as conn:
        old = list(repository._iter_annotated(conn, old_bad, *args))
    raw = _raw(path)
    try:
        new = list(sqlite_reads.iter_annotated(raw, *args, bad_rows=new_bad))
    finally:
        raw.close()
    return old, new, old_bad, new_bad


def _shape(items: list[AnnotatedDocument]) -> list[tuple[Any, ...]]:
    """What equality of dataclasses does not see: the order of ids."""
    return [
        (
            item.document.id,
            list(item.annotations.entities),
            list(item.annotations.claims),
            list(item.annotations.targets),
        )
        for item in items
    ]


def test_the_schema_key_is_the_repositorys() -> None:
    assert sqlite_reads.SCHEMA_KEY == repository.SCHEMA_KEY


def test_schema_and_annotator_names(filled: tuple[Project, Path, datetime]) -> None:
    project, path, _ = filled
    assert _compare(project, path, "load_schema_versioned") == (default_schema(), 0)
    schema = default_schema()
    project.repo.save_schema(schema)
    project.repo.save_schema(schema, expected_version=1)
    assert _compare(project, path, "load_schema_versioned") == (schema, 2)
    assert set(_compare(project, path, "annotator_names").values()) >= set(ANNOTATORS)


STATUSES = [None, *Status]
ID_CHOICES: list[Callable[[list[str]], list[str] | None]] = [
    lambda ids: None,
    lambda ids: [],
    lambda ids: ids[:2],
    lambda ids: [ids[2], "no such id", ids[2], ids[0]],  # repeats and unknowns
    lambda ids: [f"unknown-{i}" for i in range(1200)] + ids[1:],  # several chunks
]


@pytest.mark.parametrize("status", STATUSES)
def test_counts(filled: tuple[Project, Path, datetime], status: Status | None) -> None:
    project, path, _ = filled
    every = project.repo.document_ids()
    for choose in ID_CHOICES:
        ids = choose(every)
        _compare(project, path, "count_documents", status, ids)
        for annotator in (None, *ANNOTATORS, "nobody"):
            for labels in (None, [], ["GPE"], ["GPE", "PERSON", "GPE", "NOPE"]):
                _compare(project, path, "count_entities", status, annotator, ids, labels)
    assert _compare(project, path, "count_entities", None, None, None, None) == 8


def test_counts_over_many_chunks(tmp_path: Path) -> None:
    with open_project(tmp_path / "many.annotator", "alice") as project:
        items = [
            AnnotatedDocument(
                _doc(i), DocumentAnnotations.of([EntitySpan(f"e{i}", 0, 4, ("A", "B")[i % 2])])
            )
            for i in range(1300)
        ]
        project.repo.add_annotated_batch(items, "alice")
        path = tmp_path / "many.annotator"
        ids = project.repo.document_ids()[::2] + project.repo.document_ids()[:700]
        labels = ["A", *(f"L{i}" for i in range(600))]
        assert _compare(project, path, "count_documents", None, ids) == 1000
        assert _compare(project, path, "count_entities", None, "alice", ids, labels) == 650
        old, new, _, _ = _annotated_both(project, path, None, "alice", ids, 300)
        assert new == old and _shape(new) == _shape(old) and len(new) == 1000


def _doc(i: int) -> Document:
    text = f"Text number {i} 😀"
    return Document("", f"d{i}", text, content_hash=content_hash(text))


def test_stats(filled: tuple[Project, Path, datetime]) -> None:
    project, path, middle = filled
    whole = _compare(project, path, "stats", None)
    assert whole.entities == 8 and whole.claims == 4 and whole.annotations_today == 0
    assert whole.annotators == {"alice": 5, "bob": 5, "王芳": 2}
    local = middle.astimezone(timezone(timedelta(hours=9)))  # its fields are compared as such
    naive = middle.replace(tzinfo=None)
    for since in (middle, naive, local, middle - timedelta(days=1), middle + timedelta(days=1)):
        _compare(project, path, "stats", since)
    assert _compare(project, path, "stats", middle).annotations_today == 7
    assert _compare(project, path, "stats", middle - timedelta(days=1)).annotations_today == 12


@pytest.mark.parametrize("status", STATUSES)
def test_iter_annotated(filled: tuple[Project, Path, datetime], status: Status | None) -> None:
    project, path, _ = filled
    every = project.repo.document_ids()
    for choose in ID_CHOICES:
        for annotator in (None, *ANNOTATORS, "nobody"):
            for batch_size in (1, 3, 500):
                args = (status, annotator, choose(every), batch_size)
                old, new, old_bad, new_bad = _annotated_both(project, path, *args)
                assert new == old
                assert _shape(new) == _shape(old)
                assert old_bad.count == new_bad.count == 0


def test_iter_annotated_reads_everything_as_stored(
    filled: tuple[Project, Path, datetime],
) -> None:
    project, path, _ = filled
    items = {item.document.title: item for item in project.repo.iter_annotated()}
    assert list(items) == ["Trïcky 😀", "Emoji", "中文", "Empty"]
    first = items["Trïcky 😀"]
    assert first.document.meta == {"desk": "北京 🇬🇧", "n": [1, "é"]}
    assert first.document.status is Status.IN_PROGRESS
    created = first.document.created_at
    assert isinstance(created, datetime) and created.tzinfo is None  # as SQLAlchemy reads it
    assert first.annotations.claims["a_c2"].speaker_text == "the 部長 🙂"
    assert first.annotations.claims["a_c2"].attributes == {"stance": "für", "q": "«»"}
    assert first.annotations.claims["a_c1"].speaker_id == "a_zoe"
    assert first.annotations.document_sentiment == "positive"  # alice's: first by name
    assert first.annotator is None  # several annotators
    assert items["中文"].annotator == "王芳"
    assert items["Empty"].annotations.is_empty()
    _, new, _, _ = _annotated_both(project, path, None, None, None, 500)
    assert new == list(items.values())


def _without_triggers(path: Path, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
    """Run `statements` with the rules' triggers dropped (rows as an old revision let in)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        for sql, params in statements:
            conn.execute(sql, params)
        for _name, sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_bad_rows_are_skipped_and_counted_alike(filled: tuple[Project, Path, datetime]) -> None:
    project, path, _ = filled
    first, second, third = project.repo.document_ids()[:3]
    alice = project.repo.annotator_id("alice")
    now = "2026-12-01 10:00:00.000000"
    span = (
        "INSERT INTO entity_spans (id, document_id, annotator_id, start_offset, end_offset, "
        "label, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    claim = (
        "INSERT INTO claims (id, document_id, annotator_id, start_offset, end_offset, "
        "speaker_entity_id, speaker_text, attributes, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    target = (
        "INSERT INTO target_sentiments (id, document_id, annotator_id, entity_id, label, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)"
    )
    _without_triggers(
        path,
        [
            ("UPDATE documents SET meta = '[1, 2]', status = 'pwned' WHERE id = ?", (second,)),
            ("UPDATE documents SET meta = '\"a string\"' WHERE id = ?", (third,)),
            (span, ("negative", first, alice, -5, 1, "PERSON", now, now)),
            (span, ("reversed", first, alice, 9, 4, "PERSON", now, now)),
            (span, ("past", first, alice, 0, len(TRICKY) + 3, "PERSON", now, now)),
            (span, ("texty", first, alice, "x", 4, "PERSON", now, now)),
            (claim, ("c_list", first, alice, 0, 5, None, "", "[1, 2]", now, now)),
            (claim, ("c_ints", first, alice, 0, 5, None, "", '{"type": 1}', now, now)),
            (claim, ("c_past", first, alice, 0, 10**6, None, "", "{}", now, now)),
            (claim, ("c_orphan", first, alice, 0, 5, "past", "", "{}", now, now)),
            (target, ("t_orphan", first, alice, "negative", "positive", now)),
        ],
    )
    for status in STATUSES:
        for annotator in (None, "alice", "bob"):
            old, new, old_bad, new_bad = _annotated_both(project, path, status, annotator, None, 2)
            assert new == old and _shape(new) == _shape(old)
            assert new_bad.messages == old_bad.messages
            assert new_bad.count == old_bad.count
    old, new, old_bad, new_bad = _annotated_both(project, path, None, None, None, 500)
    assert old_bad.count == new_bad.count == 11
    got = {item.document.id: item for item in new}
    assert got[second].document.meta == {} and got[second].document.status is Status.TODO
    assert set(got[first].annotations.entities) == {"a_gpe", "a_zoe", "a_acme", "b_gpe"}
    assert got[first].annotations.claims["c_orphan"].speaker_id is None
    assert "t_orphan" not in got[first].annotations.targets
    before = project.repo.bad_rows.count
    assert list(project.repo.iter_annotated()) == new  # the repository reads them so too
    assert project.repo.bad_rows.count == before + 11
    _compare(project, path, "stats", None)  # counts are of stored rows, bad or not
    _compare(project, path, "count_entities", Status.IN_PROGRESS, "alice", None, None)


def test_metadata_that_is_not_json_fails_alike(filled: tuple[Project, Path, datetime]) -> None:
    project, path, _ = filled
    conn = sqlite3.connect(path)
    conn.execute("UPDATE documents SET meta = 'not json'")
    conn.commit()
    conn.close()
    with pytest.raises(json.JSONDecodeError):
        _annotated_both(project, path, None, None, None, 500)
    raw = _raw(path)
    with pytest.raises(json.JSONDecodeError):
        list(sqlite_reads.iter_annotated(raw))
    assert not raw.in_transaction
    raw.close()


def test_closing_early_ends_the_read_transaction(filled: tuple[Project, Path, datetime]) -> None:
    project, path, _ = filled
    project.repo.dispose()
    reader = sqlite3.connect(path)
    reader.execute("PRAGMA journal_mode = DELETE")  # so that a reader holds writers off
    writer = sqlite3.connect(path, timeout=0)
    try:
        reading = sqlite_reads.iter_annotated(reader, batch_size=1)
        next(reading)
        assert reader.in_transaction
        writer.execute("UPDATE documents SET title = 'changed'")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.commit()  # the snapshot is still being read
        writer.rollback()
        reading.close()
        assert not reader.in_transaction
        writer.execute("UPDATE documents SET title = 'changed'")
        writer.commit()
    finally:
        writer.close()
        reader.close()


def test_inside_a_transaction_it_only_reads(filled: tuple[Project, Path, datetime]) -> None:
    _, path, _ = filled
    raw = _raw(path)
    raw.execute("BEGIN")
    assert len(list(sqlite_reads.iter_annotated(raw))) == 4
    assert raw.in_transaction
    raw.rollback()
    raw.close()


def test_the_repository_delegates_on_sqlite(
    filled: tuple[Project, Path, datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _, _ = filled
    calls: list[str] = []
    for name in (
        "load_schema_versioned",
        "annotator_names",
        "count_documents",
        "count_entities",
        "stats",
        "iter_annotated",
    ):
        real = getattr(sqlite_reads, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            assert isinstance(args[0], sqlite3.Connection)
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(sqlite_reads, name, spy)
    repo = project.repo
    repo.load_schema_versioned()
    repo.annotator_names()
    repo.count_documents()
    repo.count_entities()
    repo.stats()
    pool: Any = repo.engine.pool
    held = pool.checkedout()  # the edit connection's, say
    reading = repo.iter_annotated()
    next(reading)
    assert pool.checkedout() == held + 1
    reading.close()
    assert pool.checkedout() == held  # given back when the stream is closed
    assert calls == [
        "load_schema_versioned",
        "annotator_names",
        "count_documents",
        "count_entities",
        "stats",
        "iter_annotated",
        "annotator_names",  # by iter_annotated itself
    ]


IMPORT_CHECK = (
    "import sys\n"
    "{prelude}"
    "import annotator.storage.sqlite_reads\n"
    "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))\n"
)
# The package's __init__ itself, stood in for: the module and what it imports.
STUB_PACKAGE = (
    "import types, annotator\n"
    "from pathlib import Path\n"
    "package = types.ModuleType('annotator.storage')\n"
    "package.__path__ = [str(Path(annotator.__file__).parent / 'storage')]\n"
    "sys.modules['annotator.storage'] = package\n"
)


def _modules_loaded(prelude: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK.format(prelude=prelude)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"'))
    return loaded


def test_sqlite_reads_and_what_it_imports_need_no_sqlalchemy() -> None:
    assert _modules_loaded(STUB_PACKAGE) == []


def test_importing_sqlite_reads_loads_no_sqlalchemy() -> None:
    assert _modules_loaded("") == []


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 12, 2, 18, 40, 1, 123456),
        datetime(2026, 12, 2, 0, 0, 0),  # no microseconds: still written
        datetime(2026, 12, 2, 18, 40, 1, 5, tzinfo=timezone.utc),
        datetime(2026, 12, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-7))),  # not converted
        datetime(999, 1, 2, 3, 4, 5),
    ],
)
def test_timestamps_bind_as_sqlalchemy_binds_them(value: datetime) -> None:
    from sqlalchemy import DateTime
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    bind = DateTime(timezone=True).dialect_impl(dialect).bind_processor(dialect)
    assert bind is not None
    assert timestamp(value) == bind(value)


@pytest.mark.parametrize(
    "stored",
    [
        "2026-12-02 18:40:01.123456",
        "2026-12-02 18:40:01",
        "2026-12-02 18:40:01.5",
        "2026-12-02",
        "2026-12-02T18:40:01+02:00",
        None,
    ],
)
def test_timestamps_read_as_sqlalchemy_reads_them(stored: str | None) -> None:
    from sqlalchemy import DateTime
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    result = DateTime(timezone=True).dialect_impl(dialect).result_processor(dialect, None)
    assert result is not None
    assert sqlite_reads._timestamp(stored) == result(stored)
