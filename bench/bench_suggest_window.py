"""Adding a span in the real window while 5,000 suggestions are shown on the 20,000-span
article: the suggestion overlay must keep add-span p95 within one frame (16 ms).

    python bench/bench_suggest_window.py [--quick]
"""

from __future__ import annotations

import random
import sys
from typing import Any

from bench_window import Bench, app, drain, figure, idle, window_project
from PySide6.QtCore import Qt

from annotator.core.ids import new_id
from annotator.core.suggestions import GAZETTEER_SOURCE, Suggestion, SuggestionKind
from annotator.services.suggesting import suggestion_store

SUGGESTIONS = 5_000


def _suggestions(doc_id: str, text: str, labels: list[str]) -> list[Suggestion]:
    rng = random.Random(5)
    out, seen = [], set()
    while len(out) < SUGGESTIONS:
        start = rng.randrange(0, len(text) - 20)
        start = text.find(" ", start) + 1
        end = text.find(" ", start)
        if end - start < 3 or (start, end) in seen or "\n" in text[start:end]:
            continue
        seen.add((start, end))
        label = rng.choice(labels)
        out.append(
            Suggestion(new_id(), doc_id, SuggestionKind.ENTITY, start, end, label, GAZETTEER_SOURCE)
        )
    return out


def run(quick: bool = False) -> list[dict[str, Any]]:
    qapp = app()
    edits = 12 if quick else 40
    with window_project(*(_sizes())) as (project, _short_id, long_id, folder):
        text = project.repo.get_document(long_id).text
        labels = list(project.schema.entity_label_names)
        stored = suggestion_store(project).add(_suggestions(long_id, text, labels))
        bench = Bench(qapp, project, folder)
        window = bench.window
        bench.open_long(long_id)
        tools = window.workbench.suggestions
        assert len(tools.pending()) == stored == SUGGESTIONS
        bar = bench.view.verticalScrollBar()
        bar.setValue(bar.maximum() // 2)
        drain(qapp)
        on_screen = len(tools.overlay.placed())
        words = bench.free_words(edits)
        add_ms: list[float] = []
        cpu: list[float] = []
        for start, end in words:
            bench.view.select_span(start, end)
            drain(qapp)
            add_ms.append(bench.key(Qt.Key.Key_1))
            cpu.append(bench.cpu[-1])
            idle(qapp, 0.3)
            bench.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
            idle(qapp, 0.3)
        window.close()
        drain(qapp)
    return [
        figure(
            f"window: add span with {SUGGESTIONS:,} suggestions shown",
            add_ms,
            16,
            f"20,000-span article, {on_screen} suggestions on screen; one SQLite commit included",
            use_p95=True,
            cpu=cpu,
        )
    ]


def _sizes() -> tuple[int, int]:
    from bench_render import SPANS, TEXT_CHARS

    return TEXT_CHARS, SPANS


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
