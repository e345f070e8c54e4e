"""Catching up the search index after imports, a short transaction at a time.

Imports store documents without indexing them for search (on SQLite the text index cost
most of an import); searches stay correct meanwhile (documents not yet indexed are
scanned), only slower. The app indexes them in the background after opening a project and
after an import, in chunks of some 20 ms each with a pause after each, so an edit waits
at most about one chunk.
PostgreSQL indexes as it writes: nothing is ever pending there.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from annotator.services.errors import NotPermitted, StorageError
from annotator.services.project import Project

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# Characters of title and text per chunk: ~20 ms here (p95 46 ms, bench_search_index),
# half of index_some's default, for the app's edits' sake (p95 31 ms while indexing).
BUDGET_CHARS = 131_072
PAUSE_S = 0.03  # longer than the busy handler's sleeps during its first 100 ms of waiting


def search_index_pending(project: Project) -> int:
    """How many documents wait to be indexed for search (the lean store answers without
    SQLAlchemy, so the import command can say so)."""
    return project.bulk.search_pending()


def pending_note(project: Project) -> str | None:
    """A line for an import's summary while documents wait to be indexed (None: none do,
    or the project cannot be read now: the note is not worth an error)."""
    try:
        pending = search_index_pending(project)
    except StorageError as exc:
        log.warning("documents waiting for the search index not counted: %s", exc)
        return None
    if not pending:
        return None
    what = "document" if pending == 1 else "documents"
    return (
        f"search index: {pending} {what} will be indexed when the project is next opened "
        "in the app (searches find them meanwhile, more slowly)"
    )


def build_search_index(
    project: Project,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Progress | None = None,
    budget_chars: int = BUDGET_CHARS,
    pause_s: float = PAUSE_S,
) -> int:
    """Index the waiting documents, one short transaction per chunk, until none wait or
    `should_stop()`; returns how many were indexed.

    Between chunks it pauses `pause_s`: a writer that found the project locked sleeps in
    SQLite's busy handler (1, 2, 5, 10, 15, 20, 25 ms...) and would otherwise wake to find
    the next chunk holding the lock again, waiting seconds instead of one chunk.

    Never raises for a project that cannot be indexed now: a read-only file is skipped, a
    database locked by another writer (longer than the busy timeout) or a refused write
    is logged and ends the run, with the rest left for a later one.
    """
    if _read_only(project):
        log.info("%s is read-only: search indexing skipped", project.location)
        return 0
    total = search_index_pending(project)
    done = 0
    while total and not should_stop():
        try:
            indexed = project.repo.index_search_chunk(budget_chars)
        except NotPermitted as exc:
            log.warning("search indexing given up: %s", exc)
            break
        except StorageError as exc:  # Busy: another process writes; a later run goes on
            log.info("search indexing paused: %s", exc)
            break
        if not indexed:
            break
        done += indexed
        if progress is not None:
            progress(done, max(total, done))
        time.sleep(pause_s)
    if done:
        log.info("indexed %d documents for search", done)
    return done


def _read_only(project: Project) -> bool:
    path = project.path
    return path is not None and path.exists() and not os.access(path, os.W_OK)
