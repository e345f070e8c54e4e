"""The document table model changes row by row: an import appends, a changed row emits
dataChanged, a removed row beginRemoveRows; only a new filter resets it."""

from __future__ import annotations

from dataclasses import replace

from annotator.core.model import DocumentSummary, Status
from annotator.ui.document_list import DocumentTableModel, merge_plan


def rows(n: int, start: int = 0) -> list[DocumentSummary]:
    return [DocumentSummary(f"d{i}", f"Doc {i}", Status.TODO, 0, 0, 10) for i in range(start, n)]


class Recorder:
    def __init__(self, model: DocumentTableModel) -> None:
        self.events: list[tuple] = []
        model.modelReset.connect(lambda: self.events.append(("reset",)))
        model.rowsInserted.connect(lambda _p, a, b: self.events.append(("insert", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.events.append(("remove", a, b)))
        model.dataChanged.connect(
            lambda a, b, *_: self.events.append(("changed", a.row(), b.row()))
        )


def test_an_import_appends_and_a_change_updates_its_row(qapp) -> None:
    model = DocumentTableModel()
    model.set_rows(rows(1000))
    seen = Recorder(model)
    fresh = rows(1003)
    fresh[500] = replace(fresh[500], entity_count=3)
    assert model.merge_rows(fresh)
    assert seen.events == [("changed", 500, 500), ("insert", 1000, 1002)]
    assert model.rows == fresh and model.row_of("d1002") == 1002


def test_removed_rows_go_in_runs_and_inserted_rows_land_in_place(qapp) -> None:
    model = DocumentTableModel()
    model.set_rows(rows(10))
    seen = Recorder(model)
    fresh = [r for r in rows(10) if r.id not in ("d2", "d3", "d7")]
    fresh.insert(1, DocumentSummary("new", "New", Status.DONE, 1, 0, 5))
    assert model.merge_rows(fresh)
    assert seen.events == [("remove", 7, 7), ("remove", 2, 3), ("insert", 1, 1)]
    assert model.rows == fresh
    assert [model.row_of(r.id) for r in fresh] == list(range(len(fresh)))


def test_a_different_order_needs_a_reset(qapp) -> None:
    model = DocumentTableModel()
    model.set_rows(rows(3))
    assert merge_plan(model.rows, list(reversed(rows(3)))) is None
    assert not model.merge_rows(list(reversed(rows(3))))
    assert model.rows == rows(3)


def test_nothing_changed_means_no_signal(qapp) -> None:
    model = DocumentTableModel()
    model.set_rows(rows(50))
    seen = Recorder(model)
    assert model.merge_rows(rows(50))
    assert seen.events == []
