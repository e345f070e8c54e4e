"""Team review at scale: the agreement report and the who-said-what browser.

A project of 50,000 documents (about 1 KB each; `quick` uses 2,000) annotated by two
analysts: 10 entity spans each per document (1,000,000 spans in all; the second analyst
agrees on about 80 %), one claim each with a speaker from 300 names, a document sentiment
and a target sentiment each. Figures (medians of three runs in one process):

- agreement report (`services.agreement.project_agreement`: read every span, claim and
  sentiment, compute F1, kappa, alpha): target 10 s;
- who-said-what browser opens (`services.review.speaker_groups` plus the first 200 claims
  of the busiest speaker, what the browser shows first): target 1 s;
- the adjudication queue (every document with a disagreement, worst first; read on a
  worker): target 10 s;
- Review ▸ Adjudicate opens (the window shown, its busy bar running while the queue is
  read): target 1 s; and until the queue is listed with the worst document open: 10 s.

Run alone: ``python bench/bench_review.py [--quick]``; results also go to
``bench/results/bench_review.json``.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from benchlib import article, median, percentile, row

FULL_DOCUMENTS = 50_000
QUICK_DOCUMENTS = 2_000
SPANS_PER_ANALYST = 10
REPEATS = 3
LABELS = ["PERSON", "ORG", "GPE", "DATE", "MONEY"]
SENTIMENTS = ["negative", "neutral", "positive"]
FIRST = ["Kevin", "Zoë", "Ahmed", "Li", "Maria", "John", "Olga", "Pierre", "Aiko", "Sam"]
LAST = [f"{s}son" for s in ("Hassett", "Chen", "Okafor", "Novak", "Ibarra", "Quist")] + [
    "Lutnick",
    "Bessent",
    "Greer",
    "Lagarde",
    "Powell",
    "Yellen",
    "Li",
    "Wang",
    "Müller",
    "Dubois",
    "Rossi",
    "Silva",
    "Kim",
    "Sato",
    "Nowak",
    "Horvat",
    "Costa",
    "Jensen",
    "Berg",
    "Fischer",
]


def build_project(path: Path, n: int) -> None:
    """Bulk inserts (the import path is not what this benchmark measures)."""
    from sqlalchemy import insert

    from annotator.core.text import content_hash
    from annotator.services.project import open_project
    from annotator.storage.models import (
        ClaimRow,
        DocumentRow,
        DocumentSentimentRow,
        EntityRow,
        TargetSentimentRow,
    )

    rng = random.Random(11)
    names = [f"{f} {last}" for f in FIRST for last in LAST][:300]
    texts = [article(1000, seed=s) for s in range(50)]
    start_day = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with open_project(path, "bench") as project:
        who = [project.repo.annotator_id(a) for a in ("ana", "ben")]
        rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("d", "e", "c", "s", "t")}

        def flush() -> None:
            with project.repo.engine.begin() as conn:
                for key, table in (
                    ("d", DocumentRow),
                    ("e", EntityRow),
                    ("c", ClaimRow),
                    ("s", DocumentSentimentRow),
                    ("t", TargetSentimentRow),
                ):
                    if rows[key]:
                        conn.execute(insert(table), rows[key])
                    rows[key].clear()

        for i in range(n):
            when = start_day + timedelta(minutes=10 * i)
            text = f"{i} " + texts[i % len(texts)]
            doc_id = f"doc{i}"
            rows["d"].append(
                dict(
                    id=doc_id,
                    ordinal=i + 1,
                    title=f"Article {i}",
                    source="",
                    text=text,
                    meta={"date": when.date().isoformat()},
                    status="done",
                    content_hash=content_hash(text),
                    version=1,
                    created_at=when,
                    updated_at=when,
                )
            )
            base = []
            for k in range(SPANS_PER_ANALYST):
                s = 5 + k * 90 + rng.randint(0, 20)
                base.append((s, s + rng.randint(3, 25), rng.choice(LABELS)))
            speaker = rng.choice(names)
            for a, aid in enumerate(who):
                spans = base
                if a == 1:
                    spans = [
                        sp if rng.random() < 0.8 else (sp[0] + 1, sp[1], rng.choice(LABELS))
                        for sp in base
                    ]
                for k, (s, e, lab) in enumerate(spans):
                    rows["e"].append(
                        dict(
                            id=f"e{i}-{a}-{k}",
                            document_id=doc_id,
                            annotator_id=aid,
                            start_offset=s,
                            end_offset=e,
                            label=lab,
                            created_at=when,
                            updated_at=when,
                        )
                    )
                rows["c"].append(
                    dict(
                        id=f"c{i}-{a}",
                        document_id=doc_id,
                        annotator_id=aid,
                        start_offset=920,
                        end_offset=990,
                        speaker_entity_id=None,
                        speaker_text=speaker
                        if a == 0 or rng.random() < 0.9
                        else speaker.split()[-1],
                        attributes={"stance": rng.choice(["supportive", "neutral", "critical"])},
                        created_at=when,
                        updated_at=when,
                    )
                )
                rows["s"].append(
                    dict(
                        document_id=doc_id,
                        annotator_id=aid,
                        label=rng.choice(SENTIMENTS),
                        created_at=when,
                    )
                )
                rows["t"].append(
                    dict(
                        id=f"t{i}-{a}",
                        document_id=doc_id,
                        annotator_id=aid,
                        entity_id=f"e{i}-{a}-0",
                        label=rng.choice(SENTIMENTS),
                        created_at=when,
                    )
                )
            if len(rows["d"]) >= 2000:
                flush()
        flush()


def _timed(function: Any, cpu: list[float] | None = None) -> tuple[list[float], Any]:
    """Wall-clock times of REPEATS calls (and their CPU times into `cpu`), the last result."""
    times, result = [], None
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - t0)
        if cpu is not None:
            cpu.append(time.process_time() - c0)
    return times, result


def _adjudicate_view(project: Any) -> tuple[list[float], list[float]]:
    """Seconds until the Adjudicate window shows (busy), and until its queue is listed."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from annotator.ui.review.adjudication_view import AdjudicationView

    app = QApplication.instance() or QApplication(sys.argv[:1])
    opened, listed = [], []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        view = AdjudicationView(project)
        view.show()
        app.processEvents()
        opened.append(time.perf_counter() - t0)
        while view.session is None and view.loading.isVisible():
            app.processEvents()
            time.sleep(0.005)
        listed.append(time.perf_counter() - t0)
        view.close()
        view.deleteLater()
        app.processEvents()
    return opened, listed


def run(quick: bool = False) -> list[dict[str, Any]]:
    from annotator.services.adjudication import adjudication_queue
    from annotator.services.agreement import project_agreement
    from annotator.services.project import open_project
    from annotator.services.review import claims_of, speaker_groups

    n = QUICK_DOCUMENTS if quick else FULL_DOCUMENTS
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        db = Path(tmp) / "review.annotator"
        t0 = time.perf_counter()
        build_project(db, n)
        build_s = time.perf_counter() - t0
        with open_project(db, "bench", create=False, backup=False) as project:
            spans = project.repo.stats().entities
            agreement_cpu: list[float] = []
            agreement_times, report = _timed(lambda: project_agreement(project), agreement_cpu)

            def browser() -> int:
                groups = speaker_groups(project)
                return len(groups) + len(claims_of(project, groups[0], limit=200))

            browser_times, _ = _timed(browser)
            queue_times, queue = _timed(lambda: adjudication_queue(project))
            opened, listed = _adjudicate_view(project)
    size = f"{n:,} documents, {spans:,} spans (built in {build_s:.0f} s)"
    return [
        row(
            "agreement report",
            median(agreement_times),
            "s",
            10.0,
            f"{size}; p95 {percentile(agreement_times, 95):.2f} s; "
            f"CPU {median(agreement_cpu):.2f} s (the machine's load shows in the wall time); "
            f"micro F1 {report['entities']['micro_f1']:.3f}",
            spans=spans,
        ),
        row(
            "agreement report, CPU time",
            median(agreement_cpu),
            "s",
            10.0,
            "the same runs in process CPU time (SQLite reads in process too): what a machine "
            "to itself would take; the wall time above carries the neighbours' load",
        ),
        row(
            "who-said-what browser opens",
            median(browser_times),
            "s",
            1.0,
            f"{size}; speakers grouped + 200 claims of the busiest; "
            f"p95 {percentile(browser_times, 95):.3f} s",
        ),
        row(
            "adjudication queue",
            median(queue_times),
            "s",
            10.0,
            f"{size}; {len(queue):,} documents with disagreements; read on a worker while "
            f"the view shows a busy bar; p95 {percentile(queue_times, 95):.2f} s",
        ),
        row(
            "Review ▸ Adjudicate opens",
            median(opened),
            "s",
            1.0,
            f"{size}; the window shown with its busy bar (the queue loads on a worker); "
            f"p95 {percentile(opened, 95):.3f} s",
        ),
        row(
            "Review ▸ Adjudicate lists the queue",
            median(listed),
            "s",
            10.0,
            f"{size}; from opening until every document with a disagreement is listed and "
            f"the worst one is open; p95 {percentile(listed, 95):.2f} s",
        ),
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv[1:]):
        print(r)
