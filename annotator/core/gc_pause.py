"""Pausing Python's cyclic garbage collector around bulk allocations.

Loading a document with 20,000 spans allocates tens of thousands of small objects; each
few hundred trigger a collector pass over everything alive, which costs a third of the
time. None of these objects form cycles, so the passes find nothing.

A full pass (generation 2) traverses every tracked object alive, the window's hundreds of
thousands of start-up objects and the open document's spans included: 30-50 ms with the
interpreter lock held, on whichever thread happened to allocate, so a pass on a worker
stalls the GUI thread as much. `freeze_start_up` moves what is alive once the first
document is open (modules, classes, the window) to the collector's permanent generation,
so later passes traverse only newer objects (the open document's: a few ms).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block (restored even on error)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_frozen = False


def freeze_start_up() -> None:
    """Collect, then exempt every object still alive from later collector passes
    (`gc.freeze`); only the first call in a process does anything.

    Frozen objects are still freed by reference counting when released; only a reference
    cycle among them would never be collected, so this runs once, for the objects that
    live as long as the application.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()
