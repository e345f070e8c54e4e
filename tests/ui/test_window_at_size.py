"""The real window on the 3 MB / 20,000-span article: views update by row, not by rebuild.

These check behaviour (which model signals an edit causes, what memory a left document
keeps), never time; the timings live in bench/bench_window.py.
"""

from __future__ import annotations

import gc
import random
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt

from annotator.core.ids import new_id
from annotator.core.model import EntitySpan
from annotator.services.project import Project, open_project
from annotator.storage import NewDocument

CHARS = 3_000_000
SPANS = 20_000
WORDS = "the talks trade tariffs officials minister said on Tuesday economy markets".split()
LABELS = ["PERSON", "ORG", "GPE", "LOC"]


def long_article(chars: int = CHARS, seed: int = 7) -> str:
    rng = random.Random(seed)
    paragraphs, total = [], 0
    while total < chars:
        paragraph = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 200))) + "."
        paragraphs.append(paragraph.capitalize())
        total += len(paragraph) + 1
    return "\n".join(paragraphs)[:chars]


def spans_of(text: str, count: int, seed: int = 11) -> list[EntitySpan]:
    """One-word spans at `count` distinct word starts (every other word stays free)."""
    rng = random.Random(seed)
    starts = [i + 1 for i, ch in enumerate(text) if ch == " "][::2]
    spans = []
    for start in sorted(rng.sample(starts, count)):
        end = text.find(" ", start)
        if end > start and "\n" not in text[start:end]:
            spans.append(EntitySpan(new_id(), start, end, rng.choice(LABELS), "bench"))
    return spans


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project file with a short article and the long one (built once per module)."""
    path = tmp_path_factory.mktemp("big") / "big.annotator"
    with open_project(path, "tester", backup=False) as project:
        text = long_article()
        project.repo.add_document(NewDocument("A short article", "Short text about Geneva."))
        doc_id, _ = project.repo.add_document(NewDocument("The long article", text))
        project.repo.editor(doc_id, "bench").add_many(spans_of(text, SPANS))
        project.repo.add_document(NewDocument("A last article", "Short text about Bern."))
    return path


@pytest.fixture
def big_window(qtbot, big_project: Path, open_window) -> Iterator[Callable[[], object]]:
    def open_long():  # type: ignore[no-untyped-def]
        project: Project = open_project(big_project, "tester", backup=False)
        window = open_window(project)
        window.open_document(window.documents.visible_ids()[1])
        assert len(window.model.session.annotations.entities) >= SPANS * 0.9
        return window

    yield open_long


def _short(window) -> str:  # type: ignore[no-untyped-def]
    return window.documents.visible_ids()[0]


def _last(window) -> str:  # type: ignore[no-untyped-def]
    return window.documents.visible_ids()[2]


def count_signals(model: QAbstractItemModel) -> Counter[str]:
    seen: Counter[str] = Counter()
    for name in ("rowsInserted", "rowsRemoved", "modelReset", "layoutChanged", "dataChanged"):
        getattr(model, name).connect(lambda *_a, n=name: seen.update([n]))
    return seen


def free_word(window) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """A word on screen that no span covers."""
    session = window.model.session
    text = session.text
    covered = {(e.start, e.end) for e in session.annotations.entities.values()}
    starts = {s for s, _ in covered}
    i = text.find(" ", window.view.top_offset()) + 1
    while True:
        end = text.find(" ", i)
        if i not in starts and "\n" not in text[i:end] and end - i > 2:
            return i, end
        i = end + 1


def test_an_edit_inserts_one_row_and_undo_removes_it(qtbot, big_window):
    window = big_window()
    rows = window.annotations.rows
    before = rows.rowCount()
    seen = count_signals(rows)
    start, end = free_word(window)
    window.view.select_span(start, end)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # PERSON
    assert rows.rowCount() == before + 1
    assert seen["rowsInserted"] == 1 and seen["modelReset"] == 0 and seen["layoutChanged"] == 0
    row = rows.row_of(*window.model.selection)
    first = next(lab.name for lab in window.model.schema.entity_labels if lab.hotkey == "1")
    assert rows.cell_text(row, 0) == first  # PERSON, unless a rename test ran first
    assert rows.cell_text(row, 1) == window.model.text[start:end]
    # the list shows (and selects) the new row
    assert window.annotations.table.currentIndex().row() == row

    seen.clear()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows.rowCount() == before
    assert seen["rowsRemoved"] == 1 and seen["modelReset"] == 0 and seen["rowsInserted"] == 0


def test_a_relabel_updates_its_row_in_place(qtbot, big_window):
    window = big_window()
    rows = window.annotations.rows
    entity = next(iter(window.model.session.annotations.entities.values()))
    window.model.select("entity", entity.id)
    seen = count_signals(rows)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # ORG, or back from ORG to ... ORG is a no-op
    if entity.label == "ORG":
        qtbot.keyClick(window.view, Qt.Key.Key_3)
    assert seen["dataChanged"] >= 1
    assert seen["rowsInserted"] == seen["rowsRemoved"] == seen["modelReset"] == 0


def test_a_reload_from_storage_arrives_as_one_reset(qtbot, big_window, big_project):
    window = big_window()
    doc_id = window.model.document_id
    rows = window.annotations.rows
    before = rows.rowCount()
    text = window.model.text
    taken = {e.start for e in window.model.session.annotations.entities.values()}
    words = [i + 1 for i, ch in enumerate(text[:20_000]) if ch == " " and i + 1 not in taken]
    fresh = []
    for start in words[:20]:
        end = text.find(" ", start)
        fresh.append(EntitySpan(new_id(), start, end, "ORG", "colleague"))
    with open_project(big_project, "colleague", create=False, lock=False) as other:
        other.repo.editor(doc_id, "colleague").add_many(fresh)
    seen = count_signals(rows)
    resets: list[int] = []
    window.model.annotationsReset.connect(lambda: resets.append(1))
    assert window.model.reload_current()
    assert rows.rowCount() == before + 20
    assert resets == [1] and seen["modelReset"] == 1
    assert seen["rowsInserted"] == 0 and seen["rowsRemoved"] == 0
    assert all(window.view.index.get("entity", e.id) is not None for e in fresh)


def test_a_colleague_burst_read_on_a_worker_is_applied_without_the_database(
    qtbot, big_window, big_project
):
    """100 colleague edits re-read off the GUI thread (as LiveUpdates does): one reset of
    every view, no single-change signal, and no statement on the GUI thread applying it."""
    import threading

    from sqlalchemy import event

    window = big_window()
    model = window.model
    doc_id, session = model.document_id, model.session
    text = model.text
    taken = {e.start for e in session.annotations.entities.values()}
    words = [i + 1 for i, ch in enumerate(text[:60_000]) if ch == " " and i + 1 not in taken]
    burst = [EntitySpan(new_id(), s, text.find(" ", s), "ORG", "colleague") for s in words[:100]]
    with open_project(big_project, "colleague", create=False, lock=False) as other:
        editor = other.repo.editor(doc_id, "colleague")
        for span in burst:  # 100 commits, each an edit of its own
            editor.put_entity(span)
    read: list[object] = []
    worker = threading.Thread(target=lambda: read.append(session.read_fresh()))
    worker.start()
    worker.join()
    (fresh,) = read
    assert fresh.changes is not None and len(fresh.changes) == 100  # worked out there
    signals: Counter[str] = Counter()
    model.annotationsReset.connect(lambda: signals.update(["reset"]))
    model.annotationChanged.connect(lambda *_: signals.update(["single"]))
    rows = count_signals(window.annotations.rows)
    statements: list[str] = []
    engine = window.project.repo.engine
    record = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert model.apply_fresh(session, fresh)
        qtbot.wait(10)  # the repaint
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements == []
    assert signals == Counter(reset=1)
    assert rows["modelReset"] == 1 and rows["rowsInserted"] == 0
    assert all(window.view.index.get("entity", span.id) is not None for span in burst)
    shown = session.annotations
    assert window.annotations.rows.rowCount() == len(shown.entities) + len(shown.claims)


def test_a_schema_rename_arrives_as_one_reset(qtbot, big_window):
    window = big_window()
    rows = window.annotations.rows
    seen = count_signals(rows)
    schema = window.model.schema.with_label_renamed("PERSON", "PER")
    assert window.model.set_schema(schema, {"PERSON": "PER"})
    assert seen["modelReset"] == 1 and seen["rowsInserted"] == seen["rowsRemoved"] == 0
    labels = {rows.cell_text(i, 0) for i in range(200)}
    assert "PERSON" not in labels and "PER" in labels


def test_the_speaker_choices_follow_edits_by_row(qtbot, big_window):
    window = big_window()
    session = window.model.session
    start, end = free_word(window)
    claim = session.new_claim(start, end)
    assert window.model.push(claim)
    window.model.select("claim", claim.claim.id)
    choices = window.claims.choices
    assert choices.rowCount() == len(session.annotations.entities) + 1
    seen = count_signals(choices)
    other = free_word(window)
    command = session.new_entity(other[0], other[1], "ORG")
    assert window.model.push(command)
    assert seen["rowsInserted"] == 1 and seen["modelReset"] == 0
    row = choices.row_of(command.span.id)
    assert choices.index(row, 0).data(Qt.ItemDataRole.UserRole) == command.span.id


def test_leaving_a_document_releases_its_session_and_annotations(qtbot, big_window):
    window = big_window()
    session = window.model.session
    start, end = free_word(window)
    command = session.new_entity(start, end, "ORG")
    assert window.model.push(command)  # the left document keeps one undo step
    gone = weakref.ref(session)
    del session, command
    window.open_document(_last(window))  # forward: the article left is not read ahead
    window.model.wait()
    qtbot.wait(20)  # deliver a read-ahead that finished meanwhile (and is dropped)
    gc.collect()
    assert gone() is None, gc.get_referrers(gone())
    alive = sum(1 for o in gc.get_objects() if type(o) is EntitySpan)
    assert alive < 50  # the undo stack keeps its one command's span, not 20,000
    assert next(window.view.index.marks(), None) is None
    assert window.annotations.rows.rowCount() == 0

    # back again: read from storage, and the kept undo step still undoes the right span
    window.open_document(window.documents.visible_ids()[1])
    entities = window.model.session.annotations.entities
    added = [e for e in entities.values() if (e.start, e.end) == (start, end)]
    assert len(added) == 1
    assert window.model.undo()
    assert added[0].id not in window.model.session.annotations.entities


def test_the_next_document_is_read_ahead_off_the_gui_thread(qtbot, big_window, monkeypatch):
    import threading

    from annotator.ui import document_model

    window = big_window()
    window.open_document(_short(window))  # its next one is the long article
    reads: list[str] = []
    real = document_model.DocumentSession

    def recorded(project, doc_id):  # type: ignore[no-untyped-def]
        reads.append(threading.current_thread().name)
        return real(project, doc_id)

    monkeypatch.setattr(document_model, "DocumentSession", recorded)
    window.open_document(window.documents.visible_ids()[1])  # the long article
    window.open_document(_short(window))
    qtbot.waitUntil(
        lambda: window.documents.visible_ids()[1] in window.model._ready, timeout=10_000
    )
    reads.clear()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert window.model.document_id == window.documents.visible_ids()[1]
    assert len(window.model.session.annotations.entities) >= SPANS * 0.9
    assert threading.main_thread().name not in reads  # no storage read on the GUI thread


def test_what_was_read_ahead_is_dropped_when_a_colleague_changes_documents(
    qtbot, big_window, big_project
):
    window = big_window()
    window.open_document(_short(window))
    long_id = window.documents.visible_ids()[1]
    qtbot.waitUntil(lambda: long_id in window.model._ready, timeout=10_000)
    with open_project(big_project, "colleague", create=False, lock=False) as other:
        other.repo.editor(long_id, "colleague").put_entity(
            EntitySpan("e-colleague", 0, 3, "ORG", "colleague")
        )
    # what the change feed reports for a colleague's edit (this SQLite project is held under
    # the app's lock, so the feed itself does not watch it)
    window.workbench.documents_changed_elsewhere([long_id])
    assert long_id not in window.model._ready
    window.open_document(long_id)
    assert "e-colleague" in window.model.session.annotations.entities
