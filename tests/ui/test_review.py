"""Review menu: adjudication driven by real key presses, who-said-what, agreement, charts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from annotator.services.merge import merge_projects
from annotator.services.project import Project, open_project
from annotator.storage.gold import GOLD_ANNOTATOR, adjudicated_documents
from annotator.ui.review.adjudication_view import AdjudicationView
from annotator.ui.review.agreement_dialog import AgreementDialog
from annotator.ui.review.statistics_dialog import StatisticsDialog
from annotator.ui.review.who_said_what import WhoSaidWhat
from tests.services.review_corpus import ENTITIES, TEXTS, analyst_project

pytestmark = pytest.mark.qt_log_ignore("does not support raise")
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def team(tmp_path: Path):  # type: ignore[no-untyped-def]
    sources = [analyst_project(tmp_path / f"{who}.annotator", who) for who in ENTITIES]
    merge_projects(sources, tmp_path / "team.annotator")
    project = open_project(tmp_path / "team.annotator", "rita")
    yield project
    project.close()


def _doc(project: Project, index: int) -> str:
    return next(
        i for i in project.repo.document_ids() if project.repo.get_document(i).text == TEXTS[index]
    )


def _open(qtbot, window, key: str):  # type: ignore[no-untyped-def]
    review = window.workbench.review
    review.actions[key].trigger()
    dialog = review.windows[key]
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_adjudicate_with_the_keyboard(qtbot, open_window, team: Project) -> None:  # type: ignore[no-untyped-def]
    window = open_window(team)
    assert window.workbench.review.actions["adjudicate"].isEnabled()  # a project file: anyone
    view: AdjudicationView = _open(qtbot, window, "adjudicate")
    qtbot.waitUntil(lambda: view.session is not None, timeout=10_000)
    assert view.loading.isHidden()  # the busy bar shows only while the queue is read
    assert view.queue.count() == len(view.queue_entries) > 0
    assert view.session is not None and view.session.doc_id == _doc(team, 0)  # worst first
    assert view.progress.text() == "0 of 2 disagreements settled"
    assert view.unit is not None and view.unit.kind == "sentiment"
    view.article.setFocus()
    qtbot.keyClick(view.article, Qt.Key.Key_1)  # alice: positive
    assert view.progress.text() == "1 of 2 disagreements settled"
    assert view.unit.key == "entity:48-54"
    assert [o.analysts for o in view.unit.options] == [("alice",), ("bob",)]
    qtbot.keyClick(view.article, Qt.Key.Key_2)  # bob's LOC
    assert view.progress.text() == "2 of 2 disagreements settled"
    assert view.queue.item(0).text().startswith("✓ ")
    doc = _doc(team, 0)
    assert doc in adjudicated_documents(team.repo.engine)
    gold = team.repo.load_annotations(doc, GOLD_ANNOTATOR)
    assert (48, 54, "LOC") in {(e.start, e.end, e.label) for e in gold.entities.values()}

    qtbot.keyClick(view.article, Qt.Key.Key_Z, CTRL)  # undo: saved at once as well
    assert view.progress.text() == "1 of 2 disagreements settled"
    gold = team.repo.load_annotations(doc, GOLD_ANNOTATOR)
    assert all(e.start != 48 for e in gold.entities.values())
    assert doc not in adjudicated_documents(team.repo.engine)
    qtbot.keyClick(view.article, Qt.Key.Key_Z, CTRL | SHIFT)  # redo
    assert view.progress.text() == "2 of 2 disagreements settled"

    qtbot.keyClick(view.article, Qt.Key.Key_N)  # next document
    assert view.session.doc_id == _doc(team, 1)
    assert view.progress.text() == "0 of 2 disagreements settled"
    qtbot.keyClick(view.article, Qt.Key.Key_J)
    assert view.unit.key == "entity:57-61"
    qtbot.keyClick(view.article, Qt.Key.Key_K)
    assert view.unit.key == "entity:45-53"
    qtbot.keyClick(view.article, Qt.Key.Key_0)  # none of them
    qtbot.keyClick(view.article, Qt.Key.Key_0)
    assert view.progress.text() == "2 of 2 disagreements settled"
    assert sorted(e.start for e in view.session.gold.annotations.entities.values()) == [0]
    qtbot.keyClick(view.article, Qt.Key.Key_9)  # no ninth version: nothing happens
    assert view.progress.text() == "2 of 2 disagreements settled"
    qtbot.keyClick(view.article, Qt.Key.Key_P)
    assert view.session.doc_id == _doc(team, 0)
    assert view.progress.text() == "2 of 2 disagreements settled"  # read back from storage


def test_who_said_what_merges_filters_and_jumps(qtbot, open_window, team: Project) -> None:  # type: ignore[no-untyped-def]
    window = open_window(team)
    browser: WhoSaidWhat = _open(qtbot, window, "who")
    qtbot.waitUntil(lambda: browser.speakers.count() == 3, timeout=10_000)
    assert browser.suggest_list.count() == 1
    assert browser.suggest_list.item(0).text() == "Hassett → Kevin Hassett"
    qtbot.mouseClick(browser.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: browser.speakers.count() == 2, timeout=10_000)
    assert browser.groups[0].canonical == "Kevin Hassett" and browser.groups[0].claims == 2
    qtbot.waitUntil(lambda: browser.table.rowCount() == 2, timeout=10_000)
    assert browser.chart.series == {"positive": [4.0]}

    browser.sentiment_box.setCurrentText("neutral")  # bob's document sentiment
    qtbot.waitUntil(lambda: browser.table.rowCount() == 1, timeout=10_000)
    browser.sentiment_box.setCurrentText("any")
    qtbot.waitUntil(lambda: browser.table.rowCount() == 2, timeout=10_000)
    browser.date_from.setFocus()
    qtbot.keyClicks(browser.date_from, "2025-06-11")
    qtbot.keyClick(browser.date_from, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: browser.table.rowCount() == 1, timeout=10_000)
    assert browser.table.item(0, 5).text() == "alice, carol"

    browser.table.setFocus()
    browser.table.setCurrentCell(0, 5)
    claim = browser.claims[0]
    qtbot.keyClick(browser.table, Qt.Key.Key_Return)
    assert window.model.document_id == claim.document_id
    assert window.view.selected_span() == (claim.start, claim.end)

    browser.tabs.setCurrentIndex(1)
    browser.search_box.setFocus()
    qtbot.keyClicks(browser.search_box, "Acme")
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: browser.results.rowCount() > 0, timeout=10_000)
    entity = next(i for i, h in enumerate(browser.hits) if h.kind == "entity")
    browser.results.setFocus()
    browser.results.setCurrentCell(entity, 0)
    qtbot.keyClick(browser.results, Qt.Key.Key_Return)
    hit = browser.hits[entity]
    assert window.view.selected_span() == (hit.start, hit.end)
    assert TEXTS[1][hit.start : hit.end] == "Acme"


def test_merge_selected_speakers(qtbot, open_window, team: Project) -> None:  # type: ignore[no-untyped-def]
    window = open_window(team)
    browser: WhoSaidWhat = _open(qtbot, window, "who")
    qtbot.waitUntil(lambda: browser.speakers.count() == 3, timeout=10_000)
    rows = {browser.groups[i].canonical: i for i in range(3)}
    selection = browser.speakers.selectionModel()
    selection.clearSelection()
    for name in ("Trump", "Hassett"):
        index = browser.speakers.model().index(rows[name], 0)
        selection.select(index, QItemSelectionModel.SelectionFlag.Select)
    qtbot.mouseClick(browser.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: browser.speakers.count() == 2, timeout=10_000)
    merged = {g.canonical: g.claims for g in browser.groups}
    first = min(rows["Trump"], rows["Hassett"])
    canonical = next(n for n, r in rows.items() if r == first)
    assert merged[canonical] == 2


def test_agreement_and_statistics_windows(qtbot, open_window, team: Project) -> None:  # type: ignore[no-untyped-def]
    window = open_window(team)
    agreement: AgreementDialog = _open(qtbot, window, "agreement")
    qtbot.waitUntil(lambda: agreement.report is not None, timeout=10_000)
    labels = [agreement.per_label.item(r, 0).text() for r in range(agreement.per_label.rowCount())]
    assert "PERSON" in labels
    assert agreement.pairs.rowCount() == 3
    assert "Krippendorff's alpha" in agreement.summary.text()
    stats: StatisticsDialog = _open(qtbot, window, "statistics")
    qtbot.waitUntil(lambda: stats.data is not None, timeout=10_000)
    assert dict(stats.labels.values)["PERSON"] == 7
    assert set(stats.throughput.series) == {"alice", "bob", "carol"}
    assert stats.agreement.maximum == 1.0
    assert stats.done_chart.series == {"done": [1.0]}
    window.workbench.review.actions["statistics"].trigger()  # asked again: the same window
    assert window.workbench.review.windows["statistics"] is stats


def _select(view: AdjudicationView, start: int, end: int) -> None:
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(view.article.document())
    cursor.setPosition(view.offsets.to_utf16(start))
    cursor.setPosition(view.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
    view.article.setTextCursor(cursor)


def test_edit_into_gold_with_label_keys_and_delete(qtbot, open_window, team: Project) -> None:  # type: ignore[no-untyped-def]
    window = open_window(team)
    view: AdjudicationView = _open(qtbot, window, "adjudicate")
    qtbot.waitUntil(lambda: view.session is not None, timeout=10_000)
    assert view.session is not None
    view.article.setFocus()
    london = TEXTS[0].index("London")
    _select(view, london - 1, london + len("London") + 1)  # spaces around are trimmed
    qtbot.keyClick(view.article, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # GPE
    gold = {(e.start, e.end, e.label) for e in view.session.gold.annotations.entities.values()}
    assert (london, london + 6, "GPE") in gold
    assert "entity:48-54" in view.session.settled  # the edit settled that disagreement
    assert view.progress.text() == "1 of 2 disagreements settled"
    qtbot.keyClick(view.article, Qt.Key.Key_Z, CTRL)
    assert "entity:48-54" not in view.session.settled
    assert len(view.session.gold.annotations.entities) == 1

    _select(view, 3, 3)  # the caret inside gold "Kevin Hassett"
    qtbot.keyClick(view.article, Qt.Key.Key_Delete)
    assert view.session.gold.annotations.entities == {}
    stored = team.repo.load_annotations(view.session.doc_id, GOLD_ANNOTATOR)
    assert stored.entities == {}
    qtbot.keyClick(view.article, Qt.Key.Key_Z, CTRL)
    assert len(team.repo.load_annotations(view.session.doc_id, GOLD_ANNOTATOR).entities) == 1
