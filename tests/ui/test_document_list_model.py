"""The document table model changes row by row: an import appends, a changed row emits
dataChanged, a removed row beginRemoveRows; only a new filter resets it."""

from __future__ import annotations

import gc

from annotator.core.model import DocumentSummary, Status
from annotator.ui.document_list import (
    DocumentTableModel,
    Record,
    merge_plan,
    record_of,
    records_of,
)


def rows(n: int, start: int = 0) -> list[Record]:
    return records_of(
        DocumentSummary(f"d{i}", f"Doc {i}", Status.TODO, 0, 0, 10) for i in range(start, n)
    )


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
    fresh[500] = record_of(DocumentSummary("d500", "Doc 500", Status.TODO, 3, 0, 10))
    assert model.merge_rows(fresh)
    assert seen.events == [("changed", 500, 500), ("insert", 1000, 1002)]
    assert model.rows == fresh and model.row_of("d1002") == 1002


def test_removed_rows_go_in_runs_and_inserted_rows_land_in_place(qapp) -> None:
    model = DocumentTableModel()
    model.set_rows(rows(10))
    seen = Recorder(model)
    fresh = [r for r in rows(10) if r[0] not in ("d2", "d3", "d7")]
    fresh.insert(1, record_of(DocumentSummary("new", "New", Status.DONE, 1, 0, 5)))
    assert model.merge_rows(fresh)
    assert seen.events == [("remove", 7, 7), ("remove", 2, 3), ("insert", 1, 1)]
    assert model.rows == fresh
    assert [model.row_of(r[0]) for r in fresh] == list(range(len(fresh)))


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


def test_rows_read_back_as_summaries_and_leave_the_garbage_collector_alone(qapp) -> None:
    summaries = [DocumentSummary(f"d{i}", f"Doc {i}", Status.DONE, i, 1, 9) for i in range(50_000)]
    model = DocumentTableModel()
    model.set_rows(records_of(summaries))
    assert model.summaries() == summaries and model.summary(7) == summaries[7]
    gc.collect()  # a first pass stops tracking tuples of str and int
    assert not any(gc.is_tracked(row) for row in model.rows)
    assert model.data(model.index(3, 1)) == "Done" and model.data(model.index(3, 2)) == 3
