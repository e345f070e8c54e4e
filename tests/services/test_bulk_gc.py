"""The import's collector setting is raised for the duration and then put back."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from annotator.services.bulk_gc import BULK_THRESHOLD, fewer_collections


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    saved, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*saved)
    if enabled:
        gc.enable()


def test_threshold_is_raised_inside_and_restored_after() -> None:
    gc.set_threshold(700, 10, 10)
    with fewer_collections():
        assert gc.get_threshold() == (BULK_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_and_concurrent_users_restore_once_the_last_leaves() -> None:
    gc.set_threshold(700, 10, 10)
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with fewer_collections():
            inside.set()
            leave.wait(5)

    worker = threading.Thread(target=other)
    with fewer_collections():
        worker.start()
        assert inside.wait(5)
        with fewer_collections():
            assert gc.get_threshold()[0] == BULK_THRESHOLD
    assert gc.get_threshold()[0] == BULK_THRESHOLD  # the worker is still importing
    leave.set()
    worker.join(5)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_setting_changed_meanwhile_or_a_disabled_collector_is_left_alone() -> None:
    gc.set_threshold(0, 10, 10)  # threshold 0: collection off
    with fewer_collections():
        assert gc.get_threshold() == (0, 10, 10)
    gc.set_threshold(700, 10, 10)
    with fewer_collections():
        gc.set_threshold(5000, 10, 10)  # someone else's choice
    assert gc.get_threshold() == (5000, 10, 10)


def test_the_setting_comes_back_after_an_error() -> None:
    gc.set_threshold(700, 10, 10)
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)
