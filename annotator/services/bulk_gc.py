"""Fewer garbage collections while bulk work allocates many short-lived objects.

An import builds a batch of documents (each a few dozen objects: spans, dicts, strings)
before storing and dropping it. Python's cyclic collector runs every 700 allocations and
walks the growing batch again each time; none of it is a cycle, so that work frees
nothing (about a tenth of an import's time). Inside `fewer_collections` the first
generation is collected every `BULK_THRESHOLD` allocations instead; memory stays bounded
(reference counting frees each batch; cycles wait at most one longer interval) and the
previous setting comes back when the last user leaves, whichever thread that is.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = 20_000

_lock = threading.Lock()
_users = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the first generation's threshold for the duration (nested and threads: ok)."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = gc.get_threshold()
            first, second, third = _saved
            if 0 < first < BULK_THRESHOLD:  # 0 means disabled by the user: left alone
                gc.set_threshold(BULK_THRESHOLD, second, third)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _saved is not None:
                if gc.get_threshold()[0] == BULK_THRESHOLD:  # nobody else changed it since
                    gc.set_threshold(*_saved)
                _saved = None
