"""Rendering benchmark for the article view: a 3 MB article with 20,000 entity spans.

Two strategies are measured on the same synthetic article in one run:

- "paint" (what `annotator.ui.article_view.ArticleView` does): the document is never
  reformatted; spans are bucketed by paragraph and painted in `paintEvent` for the visible
  paragraphs only.
- "highlighter": a QSyntaxHighlighter that formats each paragraph (block) from the same
  paragraph index, the classic approach. Qt runs it over every block when it is attached,
  and an added span re-highlights (and re-lays out) its paragraphs.

Figures (medians of repeated runs, milliseconds):
- open: load the document (storage included for "paint"), build the index, set the text,
  paint the first screen (target 300 ms);
- jump to end: scroll to the last page and paint it (target 50 ms per frame);
- page scroll: scroll one page and paint, through the article (target 50 ms per frame);
- add span / undo: push one AddEntity through the document model (one SQLite commit) and
  repaint, and undo it (target: p95 under 16 ms, one frame at 60 Hz).

Measured on the 2-core build machine (25 Nov 2026, shared with other jobs, load average
about 3-4; wall-clock medians, CPU medians of this process in brackets):

    figure                         paint (used)          highlighter
    open, storage excluded         125 ms (93 ms CPU)    479 ms (379 ms CPU)
    jump to end + paint              7 ms (4 ms CPU)      12 ms (11 ms CPU)
    add span + repaint              12 ms (6 ms CPU)*      9 ms (8 ms CPU, no commit)

    * includes the SQLite commit (6 ms wall, 2 ms CPU on its own: an fsync per edit);
      the view's own share is about 4 ms CPU against the highlighter's 8 ms.

The paint strategy wins on opening (3.8x) and scrolling, costs half the CPU per added
span, draws overlaps (blended fills, stacked underlines) that character formats cannot,
and never touches the document's layout. Opening with storage included (~340 ms wall)
is now split about evenly between loading 20,000 spans into a DocumentSession and the
view.

`run(quick)` returns rows for bench/run.py; `python bench/bench_render.py [--quick]
[--json FILE]` prints them as a table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QScrollBar

from annotator.core.ids import new_id
from annotator.core.model import EntitySpan
from annotator.core.offsets import OffsetMap
from annotator.core.schema import default_schema
from annotator.services.project import Project, open_project
from annotator.services.session import DocumentSession
from annotator.storage import NewDocument
from annotator.ui.article_view import ArticleView
from annotator.ui.document_model import DocumentModel
from annotator.ui.span_layers import ENTITY, SpanIndex

TEXT_CHARS = 3_000_000
SPANS = 20_000
WIDTH, HEIGHT = 900, 700
_VOCABULARY = (
    "the talks trade tariffs officials minister said on Tuesday economy markets China "
    "United States London Geneva export controls rare earths agreement negotiations "
    "Commerce Secretary president analysts expected growth percent billion dollars week"
)
WORDS = tuple(word for word in _VOCABULARY.split(" ") if word)
EMOJI = ["😀", "🇬🇧", "👨‍👩‍👧", "北京", "café"]


# -- synthetic data ----------------------------------------------------------------------
def make_article(chars: int, seed: int = 7) -> str:
    """Paragraphs of 200-1,200 characters; every 40th holds emoji/CJK (non-trivial offsets)."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < chars:
        words: list[str] = []
        size = rng.randint(200, 1200)
        length = 0
        while length < size:
            word = rng.choice(WORDS)
            words.append(word)
            length += len(word) + 1
        if len(paragraphs) % 40 == 0:
            words.insert(rng.randrange(len(words)), rng.choice(EMOJI))
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        total += len(paragraph) + 1
    return "\n".join(paragraphs)


def make_spans(text: str, count: int, labels: list[str], seed: int = 11) -> list[EntitySpan]:
    """Word-aligned spans of 1-3 words; every 10th also gets a nested one-word span."""
    rng = random.Random(seed)
    starts = [i + 1 for i, ch in enumerate(text) if ch == " "]
    chosen = sorted(rng.sample(starts, count))
    spans: list[EntitySpan] = []
    for start in chosen:
        if len(spans) >= count:
            break
        end = start
        for _ in range(rng.randint(1, 3)):
            nxt = text.find(" ", end + 1)
            if nxt < 0 or "\n" in text[end:nxt]:
                break
            end = nxt
        if end <= start:
            continue
        spans.append(EntitySpan(new_id(), start, end, rng.choice(labels), "bench"))
        if len(spans) % 10 == 0 and len(spans) < count:
            first = text.find(" ", start)
            if start < first < end:
                spans.append(EntitySpan(new_id(), start, first, rng.choice(labels), "bench"))
    return spans[:count]


@contextmanager
def bench_project(chars: int, spans: int) -> Iterator[tuple[Project, str, str, list[EntitySpan]]]:
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as folder:
        project = open_project(Path(folder) / "bench.annotator", "bench", backup=False)
        try:
            text = make_article(chars)
            doc_id, _ = project.repo.add_document(NewDocument("Synthetic 3 MB article", text))
            labels = list(project.schema.entity_label_names)
            items = make_spans(text, spans, labels)
            project.repo.editor(doc_id, "bench").add_many(items)
            yield project, doc_id, text, items
        finally:
            project.close()


# -- timing helpers ----------------------------------------------------------------------
class Samples:
    """Wall-clock and CPU milliseconds of repeated runs of one figure.

    Wall time is what the analyst feels and what targets judge; CPU time (this process
    only) is reported beside it because these machines are shared and busy.
    """

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def append(self, pair: tuple[float, float]) -> None:
        self.wall.append(pair[0])
        self.cpu.append(pair[1])

    def __len__(self) -> int:
        return len(self.wall)


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - wall) * 1000.0, (time.process_time() - cpu) * 1000.0


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def row(
    name: str, samples: Samples, target: float, notes: str, *, use_p95: bool = False
) -> dict[str, Any]:
    median = statistics.median(samples.wall)
    tail = p95(samples.wall)
    cpu_median = statistics.median(samples.cpu)
    cpu_tail = p95(samples.cpu)
    judged = tail if use_p95 else median
    extra = f"p95 {tail:.2f} ms" + (" (the target applies to p95)" if use_p95 else "")
    extra += f"; CPU median {cpu_median:.2f} ms, p95 {cpu_tail:.2f} ms"
    return {
        "name": name,
        "median": round(median, 3),
        "unit": "ms",
        "target": target,
        "pass": judged < target,
        "notes": f"{extra}; n={len(samples)}; {notes}",
        "p95": round(tail, 3),
        "cpu_median": round(cpu_median, 3),
        "cpu_p95": round(cpu_tail, 3),
    }


def app() -> QApplication:
    instance = QApplication.instance()
    return instance if isinstance(instance, QApplication) else QApplication(sys.argv[:1])


def settle(qapp: QApplication) -> None:
    qapp.processEvents()
    qapp.processEvents()


# -- strategy "paint": the real ArticleView ---------------------------------------------
def scroll_and_paint(bar: QScrollBar, widget: QPlainTextEdit, value: int) -> None:
    bar.setValue(value)
    widget.viewport().repaint()


def new_view(qapp: QApplication, project: Project) -> tuple[DocumentModel, ArticleView]:
    model = DocumentModel(project)
    view = ArticleView(model)
    view.resize(WIDTH, HEIGHT)
    view.show()
    settle(qapp)
    return model, view


def drop(qapp: QApplication, widget: QPlainTextEdit) -> None:
    widget.close()
    widget.deleteLater()
    settle(qapp)


def bench_paint(
    qapp: QApplication, project: Project, doc_id: str, text: str, repeats: int, frames: int
) -> list[dict[str, Any]]:
    open_ms = Samples()
    session_ms = Samples()
    view_open_ms = Samples()
    end_ms = Samples()
    for _ in range(repeats):
        session_ms.append(timed(lambda: DocumentSession(project, doc_id)))
        model, view = new_view(qapp, project)
        open_ms.append(timed(lambda m=model, v=view: (m.load(doc_id), v.viewport().repaint())))
        view_open_ms.append(timed(lambda v=view: (v.reload(), v.viewport().repaint())))
        bar = view.verticalScrollBar()
        end_ms.append(timed(lambda b=bar, v=view: scroll_and_paint(b, v, b.maximum())))
        drop(qapp, view)

    model, view = new_view(qapp, project)
    model.load(doc_id)
    settle(qapp)
    bar = view.verticalScrollBar()
    page_ms = Samples()
    step = max(1, bar.maximum() // max(frames, 1))
    for i in range(1, frames + 1):
        value = min(bar.maximum(), i * step)
        page_ms.append(timed(lambda value=value: scroll_and_paint(bar, view, value)))
    on_screen = len(view.placed_spans())

    # Add one span on screen and undo it: the commit plus the repaint it schedules.
    bar.setValue(bar.maximum() // 2)
    view.viewport().repaint()
    session = model.session
    stack = model.undo_stack
    assert session is not None and stack is not None
    base = view.to_codepoint(view.firstVisibleBlock().position())
    add_ms = Samples()
    undo_ms = Samples()
    for i in range(frames):
        start = base + 5 + (i % 40)
        command = session.new_entity(start, start + 4, "ORG")
        add_ms.append(timed(lambda c=command: (model.push(c), qapp.processEvents())))
        undo_ms.append(timed(lambda: (stack.undo(), qapp.processEvents())))
    spans = len(session.annotations.entities)
    drop(qapp, view)

    # The storage share of an edit: the same commit without any view.
    plain = DocumentSession(project, doc_id)
    commit_ms = Samples()
    for i in range(frames):
        entity = plain.new_entity(base + 5 + (i % 40), base + 9 + (i % 40), "ORG").span
        commit_ms.append(timed(lambda e=entity: plain.put_entity(e)))
        plain.delete_entity(entity.id)

    where = f"{len(text) / 1e6:.1f} MB, {spans} spans, {WIDTH}x{HEIGHT} viewport"
    paint = "strategy paint (used)"
    return [
        row(
            "render: open document + first paint",
            open_ms,
            300,
            f"{paint}; {where}; includes loading the session from storage "
            f"(DocumentSession alone: median {statistics.median(session_ms.wall):.0f} ms)",
        ),
        row(
            "render: view open (index, setPlainText, paint)",
            view_open_ms,
            300,
            f"{paint}; the view's share of opening, storage excluded",
        ),
        row("render: jump to end + paint", end_ms, 50, f"{paint}; {where}"),
        row(
            "render: page scroll + paint",
            page_ms,
            50,
            f"{paint}; {frames} pages through the article; {on_screen} spans on the last screen",
        ),
        row(
            "render: add span + repaint",
            add_ms,
            16,
            f"{paint}; DocumentModel.push(AddEntity): one SQLite commit, index update, "
            "repaint of the span's paragraph",
            use_p95=True,
        ),
        row(
            "render: undo span + repaint",
            undo_ms,
            16,
            f"{paint}; QUndoStack.undo: one SQLite commit + repaint",
            use_p95=True,
        ),
        row(
            "storage: commit one span (reference)",
            commit_ms,
            16,
            "DocumentSession.put_entity without a view (synchronous=FULL): the storage share "
            "of the two rows above",
            use_p95=True,
        ),
    ]


# -- strategy "highlighter": QSyntaxHighlighter over paragraph buckets ------------------
class SpanHighlighter(QSyntaxHighlighter):
    """Formats each block from a SpanIndex: label background plus underline."""

    def __init__(
        self, document: QTextDocument, index: SpanIndex, offsets: OffsetMap, labels: dict[str, str]
    ) -> None:
        self.index = index
        self.offsets = offsets
        self.labels = labels
        schema = default_schema()
        self.formats: dict[str, QTextCharFormat] = {}
        for label in schema.entity_labels:
            fmt = QTextCharFormat()
            colour = QColor(label.color)
            fmt.setUnderlineColor(colour.darker(135))
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            colour.setAlpha(80)
            fmt.setBackground(colour)
            self.formats[label.name] = fmt
        super().__init__(document)

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        number = block.blockNumber()
        position = block.position()
        length = block.length() - 1
        for mark in self.index.in_blocks(number, number):
            a = self.offsets.to_utf16(mark.start) - position
            b = self.offsets.to_utf16(mark.end) - position
            a, b = max(a, 0), min(b, length)
            if a < b:
                self.setFormat(a, b - a, self.formats[self.labels[mark.id]])


def bench_highlighter(
    qapp: QApplication, text: str, spans: list[EntitySpan], repeats: int, frames: int
) -> list[dict[str, Any]]:
    labels = {s.id: s.label for s in spans}
    open_ms = Samples()
    end_ms = Samples()
    for _ in range(repeats):
        editor = QPlainTextEdit()
        editor.setReadOnly(True)
        editor.resize(WIDTH, HEIGHT)
        editor.show()
        settle(qapp)
        holder: list[SpanHighlighter] = []

        def open_document(
            editor: QPlainTextEdit = editor, holder: list[SpanHighlighter] = holder
        ) -> None:
            offsets = OffsetMap(text)
            index = SpanIndex(text)
            index.put_many(ENTITY, ((s.id, s.start, s.end) for s in spans))
            editor.setPlainText(text)
            holder.append(SpanHighlighter(editor.document(), index, offsets, labels))
            qapp.processEvents()  # the highlighter runs over every block here
            editor.viewport().repaint()

        open_ms.append(timed(open_document))
        bar = editor.verticalScrollBar()
        end_ms.append(
            timed(
                lambda bar=bar, editor=editor: (
                    bar.setValue(bar.maximum()),
                    editor.viewport().repaint(),
                )
            )
        )
        if repeats > 1 and len(open_ms) < repeats:
            editor.close()
            editor.deleteLater()
            settle(qapp)

    highlighter = holder[0]
    bar = editor.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    editor.viewport().repaint()
    block = editor.firstVisibleBlock()
    add_ms = Samples()
    for i in range(frames):
        start = highlighter.offsets.to_codepoint(block.position()) + 5 + (i % 40)
        mark_id = f"bench-{i}"
        labels[mark_id] = "ORG"

        def add(mark_id: str = mark_id, start: int = start) -> None:
            highlighter.index.put(ENTITY, mark_id, start, start + 4)
            highlighter.rehighlightBlock(block)
            qapp.processEvents()

        add_ms.append(timed(add))
    editor.close()
    editor.deleteLater()
    settle(qapp)
    note = "strategy highlighter (measured for comparison, not used)"
    return [
        row(
            "render[highlighter]: open + first paint",
            open_ms,
            300,
            f"{note}; no storage load; overlaps cannot blend or stack",
        ),
        row("render[highlighter]: jump to end + paint", end_ms, 50, note),
        row(
            "render[highlighter]: add span + repaint",
            add_ms,
            16,
            f"{note}; index + rehighlightBlock + repaint, no storage commit",
            use_p95=True,
        ),
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    """All rendering figures; quick mode repeats less but keeps the full 3 MB / 20,000 spans."""
    qapp = app()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    repeats, frames = (3, 15) if quick else (7, 60)
    with bench_project(TEXT_CHARS, SPANS) as (project, doc_id, text, spans):
        rows = bench_paint(qapp, project, doc_id, text, repeats, frames)
        rows += bench_highlighter(qapp, text, spans, max(2, repeats // 2), frames)
    for result in rows:
        result["notes"] += f"; load average {load:.1f} on {os.cpu_count()} CPUs at start"
    return rows


def _print_table(rows: list[dict[str, Any]]) -> None:
    width = max(len(r["name"]) for r in rows)
    print(f"{'figure':<{width}}  {'median':>9}  {'target':>7}  result")
    for r in rows:
        verdict = "pass" if r["pass"] else "FAIL"
        figures = f"{r['median']:>7.2f}{r['unit']}  {r['target']:>5g}{r['unit']}"
        print(f"{r['name']:<{width}}  {figures}  {verdict}")
        print(f"{'':<{width}}  {r['notes']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    rows = run(quick=args.quick)
    _print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["pass"] for r in rows if "[" not in r["name"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
