"""The document list of a 50,000-document project in the real MainWindow.

    python bench/bench_list.py [--quick]

Drives: a refresh of the list (same filter: a colleague's import, say), switching the
status filter, and typing a search (the debounced query). Measures the longest GUI-thread
stall while each runs (a 1 ms heartbeat timer on the GUI thread; target one frame, 16 ms)
and, for searches, the time until the first results are shown (target 150 ms). The
project is built with the repository's batch insert (~600-character articles).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import article, median, percentile, row
from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations
from annotator.services.project import open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import AppSettings

STALL_TARGET_MS = 16.0
SEARCH_TARGET_MS = 150.0


class StallMeter:
    """The longest gap between ticks of a 1 ms timer on the GUI thread."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer(interval=1)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self._last = 0.0

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        self.longest = 0.0
        self.clock.start()
        self._last = 0.0
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest


class GcMeter:
    """Passes of Python's cyclic collector (gc.callbacks): the longest one and how many
    were full passes (generation 2). A pass holds the interpreter lock, so one on the
    worker stalls the GUI thread as much as one on the GUI thread itself."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.full = 0
        self.where = ""
        self._started: dict[int, float] = {}
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        now = time.perf_counter()
        key = threading.get_ident()
        if phase == "start":
            self._started[key] = now
            return
        started = self._started.pop(key, None)
        if started is not None:
            took = (now - started) * 1000
            if took > self.longest:
                self.longest = took
                thread = threading.current_thread().name
                self.where = f"generation {info.get('generation')} on {thread}"
            self.full += info.get("generation") == 2

    def reset(self) -> None:
        self.longest, self.full, self.where = 0.0, 0, ""

    def close(self) -> None:
        gc.callbacks.remove(self._callback)


def app() -> QApplication:
    instance = QApplication.instance()
    return instance if isinstance(instance, QApplication) else QApplication(sys.argv[:1])


def wait(qapp: QApplication, done: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        qapp.processEvents()
        time.sleep(0.0005)
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not catch up")


def build(path: Path, n: int) -> None:
    with open_project(path, "bench", backup=False) as project:
        for start in range(0, n, 2000):
            batch = [
                AnnotatedDocument(
                    Document(id="", title=f"Article {i}", text=f"{article(600, i)} (no. {i})"),
                    DocumentAnnotations(),
                )
                for i in range(start, min(n, start + 2000))
            ]
            project.repo.add_annotated_batch(batch, "bench")
        project.repo.set_status(project.repo.document_ids()[0], _done())


def _done() -> Any:
    from annotator.core.model import Status

    return Status.DONE


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 10_000 if quick else 50_000
    repeats = 3 if quick else 7
    qapp = app()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.annotator"
        started = time.perf_counter()
        build(path, n)
        built = time.perf_counter() - started
        settings = AppSettings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(open_project(path, "bench", backup=False), settings)
        window.show()
        panel = window.documents
        wait(qapp, lambda: not panel.pending() and panel.table_model.rowCount() == n)
        meter = StallMeter()
        collector = GcMeter()
        gc_longest: list[float] = []
        gc_full: list[int] = []
        gc_where: list[str] = []

        def stall(action: Any, done: Any) -> float:
            collector.reset()
            meter.start()
            action()
            wait(qapp, done)
            gc_longest.append(collector.longest)
            gc_full.append(collector.full)
            gc_where.append(collector.where)
            return meter.stop()

        idle = []  # the machine's own noise: the heartbeat while nothing happens
        for _ in range(repeats):
            started_idle = time.monotonic()
            idle.append(stall(lambda: None, lambda s=started_idle: time.monotonic() - s > 0.3))
        del gc_longest[:], gc_full[:], gc_where[:]
        refresh = [stall(panel.reload, lambda: not panel.pending()) for _ in range(repeats)]
        refresh_gc, refresh_full = list(gc_longest), sum(gc_full)
        refresh_where = gc_where[gc_longest.index(max(gc_longest))]
        filters: list[float] = []
        for _ in range(repeats):
            filters.append(
                stall(lambda: panel.status_filter.setCurrentIndex(3), lambda: not panel.pending())
            )
            filters.append(
                stall(lambda: panel.status_filter.setCurrentIndex(0), lambda: not panel.pending())
            )
        first: list[float] = []
        search_stalls: list[float] = []
        for i in range(repeats):
            for needle in ("inflation", f"(no. {n // 2 + i})", "zzzz"):
                shown = [0.0]
                clock = time.perf_counter()

                def reset(c: float = clock, out: list[float] = shown) -> None:
                    out[0] = out[0] or time.perf_counter() - c

                panel.table_model.modelReset.connect(reset)
                panel.search.setText(needle)
                meter.start()
                panel.reload()  # what the debounce timer calls
                wait(qapp, lambda: not panel.pending())
                search_stalls.append(meter.stop())
                panel.table_model.modelReset.disconnect(reset)
                first.append((shown[0] or time.perf_counter() - clock) * 1000)
            panel.search.setText("")
            panel.reload()
            wait(qapp, lambda: not panel.pending())
        window.close()
        collector.close()
    load = os.getloadavg()[0]
    notes = f"{n} documents (built in {built:.0f} s), load {load:.1f}"

    def figure(name: str, samples: list[float], target: float) -> dict[str, Any]:
        p95 = percentile(samples, 95)
        out = row(
            name, median(samples), "ms", target, f"{notes}; p95 {p95:.1f} ms", p95=round(p95, 2)
        )
        out["pass"] = bool(p95 <= target)
        return out

    return [
        figure("idle window, longest GUI stall (machine noise)", idle, STALL_TARGET_MS),
        figure("list refresh, longest GUI stall", refresh, STALL_TARGET_MS),
        {
            **figure("list refresh, longest collector pass (any thread)", refresh_gc, 16.0),
            "notes": f"{notes}; gc.callbacks; {refresh_full} full (generation 2) passes in "
            f"{repeats} refreshes, the longest {refresh_where}; a pass holds the "
            "interpreter lock",
        },
        figure("status filter, longest GUI stall", filters, STALL_TARGET_MS),
        figure("search, longest GUI stall", search_stalls, STALL_TARGET_MS),
        figure("search, first results shown", first, SEARCH_TARGET_MS),
    ]


if __name__ == "__main__":
    for figure_row in run(quick="--quick" in sys.argv):
        print(figure_row)
