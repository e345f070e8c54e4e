"""BackgroundQueries: reads run on the worker, the latest request of a key wins, results
and errors arrive on the GUI thread."""

from __future__ import annotations

import logging
import threading
import time

from annotator.ui.workers import BackgroundQueries


def test_the_latest_request_wins_and_results_arrive_on_the_gui_thread(qtbot) -> None:
    queries = BackgroundQueries()
    ran_on: list[threading.Thread] = []
    got: list[tuple[str, object]] = []
    gate = threading.Event()

    def slow(value: int):  # type: ignore[no-untyped-def]
        def query(partial, stale):  # type: ignore[no-untyped-def]
            ran_on.append(threading.current_thread())
            gate.wait(5)
            partial(value * 10)
            return value

        return query

    def on_result(value: object) -> None:
        got.append(("result", value, threading.current_thread() is threading.main_thread()))

    for value in (1, 2, 3):
        queries.submit(
            "list", slow(value), on_result, on_partial=lambda v: got.append(("partial", v))
        )
    assert queries.busy("list")
    gate.set()
    qtbot.waitUntil(lambda: not queries.busy())
    assert got == [("partial", 30), ("result", 3, True)]  # 1 was stale, 2 never ran
    assert ran_on and threading.main_thread() not in ran_on
    queries.stop()


def test_errors_are_reported_and_logged(qtbot, caplog) -> None:
    queries = BackgroundQueries()
    errors: list[str] = []

    def broken(_partial, _stale):  # type: ignore[no-untyped-def]
        raise ValueError("the server went away")

    with caplog.at_level(logging.ERROR, logger="annotator.ui.workers"):
        queries.submit("stats", broken, lambda _v: None, errors.append)
        qtbot.waitUntil(lambda: not queries.busy())
    assert errors == ["the server went away"]
    assert "Traceback" in caplog.text and "ValueError" in caplog.text
    queries.stop()


def test_a_stale_query_can_stop_early(qtbot) -> None:
    queries = BackgroundQueries()
    steps: list[int] = []

    def long(_partial, stale):  # type: ignore[no-untyped-def]
        for i in range(200):
            if stale():
                return None
            steps.append(i)
            time.sleep(0.005)
        return "finished"

    results: list[object] = []
    queries.submit("search", long, results.append)
    qtbot.waitUntil(lambda: len(steps) > 2)
    queries.submit("search", lambda _p, _s: "newer", results.append)
    qtbot.waitUntil(lambda: not queries.busy())
    assert results == ["newer"] and len(steps) < 200
    queries.stop()


def test_workers_make_the_interpreter_hand_its_lock_over_within_a_millisecond(qapp) -> None:
    import sys

    from annotator.ui.workers import SWITCH_INTERVAL_S, BackgroundQueries

    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        queries = BackgroundQueries()
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S
        queries.stop()
    finally:
        sys.setswitchinterval(before)
