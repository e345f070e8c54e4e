"""A burst of 100 colleague edits arriving in the real MainWindow (PostgreSQL project).

    python bench/bench_feed.py [--quick]

Another process (the colleague) commits 100 entity edits to the document the window shows,
as fast as it can; the window hears of them through LISTEN/NOTIFY and its change feed.
Measures the longest GUI-thread stall from the first edit until the window is current (a
1 ms heartbeat timer on the GUI thread; target 50 ms) and the time from the colleague's
last commit until the article's annotations and the document list show all the edits
(target 1 s). The server is a throw-away cluster (tests/pg_cluster.py), or
ANNOTATOR_BENCH_PG_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_list import StallMeter, app, wait
from bench_render import SPANS, TEXT_CHARS, make_article, make_spans
from bench_server import _cluster, _database
from benchlib import ROOT, article, child_env, median, percentile, row
from PySide6.QtCore import QSettings

from annotator.core.model import (
    AnnotatedDocument,
    Document,
    DocumentAnnotations,
    EntitySpan,
)
from annotator.services.project import open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import AppSettings

BURST = 100
STALL_TARGET_MS = 50.0
CURRENT_TARGET_S = 1.0

COLLEAGUE = """
import sys, time
from annotator.core.model import EntitySpan
from annotator.services.project import open_project
url, burst = sys.argv[1], int(sys.argv[2])
with open_project(url, "colleague", lock=False) as project:
    for line in sys.stdin:
        doc_id, base = line.split()
        base = int(base)
        editor = project.repo.editor(doc_id, "colleague")
        for at in range(base, base + burst):
            editor.put_entity(EntitySpan(f"c{at}", at * 10, at * 10 + 6, "ORG"))
        print(time.time(), flush=True)
"""


class Clock:
    """Time spent in some methods (wrapped on their classes), on the GUI thread, and how
    many times they were called."""

    def __init__(self, *methods: tuple[type, str]) -> None:
        self.spent = 0.0
        self.calls = 0
        self.depth = 0
        for cls, name in methods:
            setattr(cls, name, self._wrap(getattr(cls, name)))

    def _wrap(self, method: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            self.depth += 1
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0:
                    self.spent += time.perf_counter() - started

        return timed


def _panels_clock() -> Clock:
    """The panels' redraws on a re-read (`annotationsReset`) and on single changes."""
    from annotator.ui.annotation_list import AnnotationRows
    from annotator.ui.article_view import ArticleView
    from annotator.ui.claim_panel import ClaimPanel, SpeakerChoices
    from annotator.ui.label_palette import LabelPalette
    from annotator.ui.sentiment_panel import SentimentPanel
    from annotator.ui.status_bar import ProgressStatus

    return Clock(
        (AnnotationRows, "reset"),
        (SpeakerChoices, "reset"),
        (ArticleView, "_reindex"),
        (ClaimPanel, "refresh"),
        (SentimentPanel, "refresh"),
        (ProgressStatus, "show_document"),
        (LabelPalette, "_show_selected"),
    )


def _per_change_clock() -> Clock:
    """Handlers of single changes (`annotationChanged`): none may run while a burst is
    applied as one re-read."""
    from annotator.ui.annotation_list import AnnotationRows
    from annotator.ui.article_view import ArticleView
    from annotator.ui.claim_panel import SpeakerChoices

    return Clock(
        (AnnotationRows, "_changed"),
        (SpeakerChoices, "_changed"),
        (ArticleView, "_on_annotation_changed"),
    )


def run(quick: bool = False) -> list[dict[str, Any]]:
    rounds = 3 if quick else 7
    panels = _panels_clock()
    per_change = _per_change_clock()
    from annotator.ui.document_list import DocumentListPanel
    from annotator.ui.live_updates import LiveUpdates

    feed = Clock((LiveUpdates, "_apply"), (DocumentListPanel, "_apply_rows"))
    admin, cluster = _cluster()
    qapp = app()
    try:
        url = _database(admin)
        text = article(40_000, 7)
        with open_project(url, "tester", backup=False) as project:
            spans = {
                f"t{i}": EntitySpan(f"t{i}", i * 97, i * 97 + 5, "PERSON", "tester")
                for i in range(300)
            }
            docs = [
                AnnotatedDocument(
                    Document(id="", title=f"Article {i}", text=text + f" ({i})"),
                    DocumentAnnotations(entities=dict(spans) if i == 0 else {}),
                )
                for i in range(200)
            ]
            [(doc_id, _), *_] = project.repo.add_annotated_batch(docs, "tester")
            long_text = make_article(TEXT_CHARS)
            long_doc = AnnotatedDocument(
                Document(id="", title="Synthetic 3 MB article", text=long_text),
                DocumentAnnotations(
                    entities={
                        s.id: s
                        for s in make_spans(
                            long_text, SPANS, list(project.schema.entity_label_names)
                        )
                    }
                ),
            )
            [(long_id, _)] = project.repo.add_annotated_batch([long_doc], "tester")
            long_spans = project.repo.document_summaries([long_id])[long_id].entity_count
        with tempfile.TemporaryDirectory() as tmp:
            settings = AppSettings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
            window = MainWindow(open_project(url, "tester", backup=False), settings, restore=False)
            window.show()
            wait(qapp, lambda: not window.documents.pending() and window.model.session is not None)
            window.open_document(doc_id)
            wait(qapp, lambda: window.live.watcher is not None)
            child = subprocess.Popen(
                [sys.executable, "-c", COLLEAGUE, url, str(BURST)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=child_env(Path(tmp)),
                cwd=ROOT,
            )
            assert child.stdin is not None and child.stdout is not None
            meter = StallMeter()
            big: dict[str, list[float]] = {"stalls": [], "lags": [], "reloads": [], "feed": []}
            stalls: list[float] = []
            lags: list[float] = []
            reloads: list[int] = []
            feed_ms: list[float] = []
            panels_ms: list[float] = []
            single_calls: list[int] = []
            model = window.documents.table_model
            scenarios = [(doc_id, 300, 0, None), (long_id, long_spans, 100_000, big)]
            for target_id, spans_before, base, out in scenarios:
                if out is not None:
                    window.open_document(target_id)
                    wait(qapp, lambda t=target_id: window.model.document_id == t)
                    qapp.processEvents()
                    time.sleep(0.5)
                for r in range(rounds if out is None else max(3, rounds // 2)):
                    expected = spans_before + BURST * (r + 1)
                    before = window.live.reloads
                    feed.spent = panels.spent = 0.0
                    per_change.calls = 0
                    meter.start()
                    child.stdin.write(f"{target_id} {base + r * BURST}\n")
                    child.stdin.flush()

                    def current(n: int = expected, shown: str = target_id) -> bool:
                        session = window.model.session
                        at = model.row_of(shown)
                        return (
                            session is not None
                            and len(session.annotations.entities) == n
                            and at >= 0
                            and model.summary(at).entity_count == n
                        )

                    line = ""
                    while not line:  # keep the event loop running while the colleague edits
                        qapp.processEvents()
                        line = _ready_line(child)
                    last_commit = float(line)
                    wait(qapp, current, timeout=30)
                    if out is not None:
                        out["lags"].append(time.time() - last_commit)
                        out["stalls"].append(meter.stop())
                        out["reloads"].append(window.live.reloads - before)
                        out["feed"].append(feed.spent * 1000)
                        qapp.processEvents()
                        time.sleep(0.3)
                        continue
                    lags.append(time.time() - last_commit)
                    stalls.append(meter.stop())
                    reloads.append(window.live.reloads - before)
                    panels_ms.append(panels.spent * 1000)
                    single_calls.append(per_change.calls)
                    feed_ms.append((feed.spent - panels.spent) * 1000)
                    qapp.processEvents()
                    time.sleep(0.3)
            child.stdin.close()
            child.wait(30)
            window.close()
    finally:
        if cluster is not None:
            cluster.destroy()
    load = os.getloadavg()[0]
    notes = (
        f"{rounds} bursts of {BURST} edits to a 40,000-character article with 300+ spans; "
        f"re-reads per burst {min(reloads)}-{max(reloads)}; load {load:.1f}"
    )

    def figure(name: str, samples: list[float], unit: str, target: float) -> dict[str, Any]:
        p95 = percentile(samples, 95)
        out = row(name, median(samples), unit, target, f"{notes}; p95 {p95:.3g}", p95=round(p95, 3))
        out["pass"] = bool(p95 <= target)
        return out

    big_notes = (
        f"{len(big['stalls'])} bursts of {BURST} edits to the 3 MB article with "
        f"{long_spans:,}+ spans (every panel showing it); re-reads per burst "
        f"{min(big['reloads']):.0f}-{max(big['reloads']):.0f}; load {load:.1f}"
    )

    def big_figure(name: str, samples: list[float], unit: str, target: float) -> dict[str, Any]:
        p95 = percentile(samples, 95)
        out = row(name, median(samples), unit, target, f"{big_notes}; p95 {p95:.3g}")
        return {**out, "p95": round(p95, 3), "pass": bool(p95 <= target)}

    return [
        big_figure(
            "colleague burst on the 20,000-span article, longest GUI stall",
            big["stalls"],
            "ms",
            STALL_TARGET_MS,
        ),
        big_figure(
            "colleague burst on the 20,000-span article, applying it on the GUI thread",
            big["feed"],
            "ms",
            STALL_TARGET_MS,
        ),
        big_figure(
            "colleague burst on the 20,000-span article, until the view is current",
            big["lags"],
            "s",
            CURRENT_TARGET_S,
        ),
        figure("colleague burst, longest GUI stall", stalls, "ms", STALL_TARGET_MS),
        figure("colleague burst, feed's own GUI-thread work (all)", feed_ms, "ms", STALL_TARGET_MS),
        {
            **figure("colleague burst, panels' redraws (all)", panels_ms, "ms", 0),
            "target": None,
            "pass": None,
        },
        {
            **row(
                "colleague burst, single-change handler calls",
                float(max(single_calls)),
                "calls",
                0.0,
                f"{notes}; AnnotationRows._changed, SpeakerChoices._changed, "
                "ArticleView._on_annotation_changed while bursts are applied (most in a burst)",
            ),
            "target": 0,
            "pass": max(single_calls) == 0,
        },
        figure(
            "colleague burst, last commit until the view is current", lags, "s", CURRENT_TARGET_S
        ),
    ]


def _ready_line(child: subprocess.Popen[str]) -> str:
    import select

    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], 0.001)
    return child.stdout.readline().strip() if ready else ""


if __name__ == "__main__":
    for figure_row in run(quick="--quick" in sys.argv):
        print(figure_row)
