"""A large export of a SQLite project on several cores: worker processes read, assemble and
encode disjoint ranges of one snapshot, the exporting process writes their lines in order.

One process spends most of an export's time in Python (rows into documents, documents into
records, records into JSON), so a second core nearly halves it. The snapshot is shared by
taking the project's write lock (``BEGIN IMMEDIATE``) while every worker begins its read
transaction: no one can commit in between, so all of them read the same state. The lock is
then released, long before the export ends; readers never block writers in WAL mode.

The documents are split into ranges of `RANGE_SIZE` ordinals' worth, dealt out in turn;
each worker encodes a whole range before sending it, so the workers run ahead of the writer
by about a range each and memory stays bounded. Counts, label tallies, notes and unusable
rows come back with each worker's last message and are merged into the caller's context.

`export_in_workers` returns None when it cannot run (one core, a small project, a file
that cannot be locked, such as a read-only one, or workers that do not start); the caller
then exports in its own process. Once lines are being written, every failure is raised.
Workers are separate interpreters (the "spawn" start method on every platform): nothing of
the caller, a GUI's threads included, is copied into them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import pickle
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from annotator.core.gc_pause import gc_paused
from annotator.core.model import Status
from annotator.formats.export_context import MAX_KEPT_NOTES, ExportContext, ExportNote, OffsetUnit
from annotator.formats.filters import filter_labels
from annotator.formats.registry import export_format
from annotator.storage.errors import translate_driver_error
from annotator.storage.row_screen import BadRows
from annotator.storage.sqlite_connect import connect, streaming_cache

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

log = logging.getLogger(__name__)

PARALLEL_FORMATS = frozenset({"jsonl"})  # writers whose lines depend on one document alone
MIN_DOCUMENTS = 10_000  # below this, starting workers costs more than they save
RANGE_SIZE = 2_000  # documents a worker encodes before sending them
MAX_WORKERS = 4
START_TIMEOUT_S = 60.0  # a worker that has not begun its snapshot by then: export alone

# messages: worker connected, begin your snapshot (to the worker), snapshot begun, a range's
# document count (its lines follow), the worker's report, its error
_CONNECTED, _BEGIN, _READY, _RANGE, _DONE, _FAILED = b"C", b"B", b"R", b"D", b"F", b"E"


@dataclass(frozen=True)
class RangeJob:
    """What one worker exports: its ranges of one project's documents, with the filters."""

    path: str
    fmt: str
    ranges: tuple[tuple[int, int | None], ...]
    status: str | None
    annotator: str | None
    labels: tuple[str, ...] | None
    offsets: OffsetUnit


def available_cores() -> int:
    """Cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return len(affinity(0))
    return os.cpu_count() or 1


def worker_count(documents: int, fmt: str, cores: int | None = None) -> int:
    """Workers worth starting for `documents` in `fmt` (0: export in this process)."""
    cores = available_cores() if cores is None else cores
    if fmt not in PARALLEL_FORMATS or documents < MIN_DOCUMENTS or cores < 2:
        return 0
    return min(cores, MAX_WORKERS, documents // RANGE_SIZE)


def export_in_workers(
    path: Path,
    out: BinaryIO,
    ctx: ExportContext,
    *,
    fmt: str,
    workers: int,
    status: Status | None = None,
    annotator: str | None = None,
    labels: Sequence[str] | None = None,
    bad_rows: BadRows | None = None,
    range_size: int | None = None,
) -> int | None:
    """Write the documents of the project file at `path` to `out` as `fmt`, with `workers`
    processes; the number written, or None when the workers could not be started (nothing
    was written then). `ctx.on_item` is called for every document, in order."""
    size = RANGE_SIZE if range_size is None else range_size
    started = _start(path, fmt, workers, status, annotator, labels, ctx.offsets, size)
    if started is None:
        return None
    processes, pipes, ranges = started
    try:
        n = _write_ranges(pipes, len(ranges), out, ctx.on_item)
        for pipe in pipes:
            _merge(_receive(pipe, _DONE), ctx, bad_rows)
        for process in processes:
            process.join()
        return n
    finally:
        _stop(processes, pipes)


def _start(
    path: Path,
    fmt: str,
    workers: int,
    status: Status | None,
    annotator: str | None,
    labels: Sequence[str] | None,
    offsets: OffsetUnit,
    range_size: int,
) -> tuple[list[BaseProcess], list[Connection], list[tuple[int, int | None]]] | None:
    """Workers reading one snapshot (each has begun its read transaction), or None.

    The workers start and connect first; only then is the write lock taken, for as long as
    they take to begin their transactions (milliseconds: an edit in the app waits no more).
    """
    import multiprocessing

    from annotator.storage.sqlite_reads import ordinal_bounds

    try:
        lock = connect(path)
    except sqlite3.Error as exc:
        log.info("exporting in one process: %s cannot be opened again (%s)", path, exc)
        return None
    processes: list[BaseProcess] = []
    pipes: list[Connection] = []
    try:
        try:  # a read-only file cannot be locked: find out before starting anything
            lock.execute("BEGIN IMMEDIATE")
            lock.rollback()
        except sqlite3.Error as exc:  # read-only, or a writer holding on for long
            log.info("exporting in one process: the project cannot be locked (%s)", exc)
            return None
        # the ranges tile every ordinal (the last is open), so they need not be of the snapshot
        ranges = ordinal_bounds(lock, status, range_size)
        workers = min(workers, len(ranges))
        if workers < 2:
            return None
        context = multiprocessing.get_context("spawn")
        for index in range(workers):
            job = RangeJob(
                str(path),
                fmt,
                tuple(ranges[index::workers]),
                status.value if status is not None else None,
                annotator,
                tuple(labels) if labels is not None else None,
                offsets,
            )
            ours, theirs = context.Pipe()
            process = context.Process(
                target=run_worker, args=(job, theirs), name=f"export-{index}", daemon=True
            )
            processes.append(process)
            pipes.append(ours)
            process.start()
            theirs.close()  # the worker holds the only other end: its exit means EOF
        for pipe in pipes:
            _await(pipe, _CONNECTED)
        lock.execute("BEGIN IMMEDIATE")  # no commit until every worker has its snapshot
        for pipe in pipes:
            pipe.send_bytes(_BEGIN)
        for pipe in pipes:
            _await(pipe, _READY)
    except Exception as exc:  # any failure to start: export in this process
        log.warning("exporting in one process: the export workers did not start (%s)", exc)
        _stop(processes, pipes)
        return None
    finally:
        lock.close()  # ends the lock (a rollback: nothing was written)
    return processes, pipes, ranges


def _await(pipe: Connection, kind: bytes) -> None:
    """A starting worker's message `kind`, within START_TIMEOUT_S."""
    if not pipe.poll(START_TIMEOUT_S):
        raise TimeoutError(f"an export worker did not start in {START_TIMEOUT_S:.0f} s")
    _receive(pipe, kind)


def _write_ranges(
    pipes: Sequence[Connection],
    count: int,
    out: BinaryIO,
    on_item: Callable[[int], None] | None,
) -> int:
    """Range i comes from worker i mod len(pipes): write each in order, its documents
    counted one by one through `on_item`."""
    n = 0
    for index in range(count):
        pipe = pipes[index % len(pipes)]
        documents = int(_receive(pipe, _RANGE))
        out.write(_message(pipe))
        if on_item is None:
            n += documents
            continue
        for _ in range(documents):
            n += 1
            on_item(n)
    return n


def _receive(pipe: Connection, kind: bytes) -> bytes:
    """The next message's payload, which must be of `kind`; a worker's error is raised."""
    message = _message(pipe)
    tag, payload = message[:1], message[1:]
    if tag == _FAILED:
        raise _unpickled_error(payload)
    if tag != kind:
        raise RuntimeError(f"an export worker sent {tag!r} where {kind!r} was due")
    return payload


def _message(pipe: Connection) -> bytes:
    try:
        return pipe.recv_bytes()
    except (EOFError, OSError) as exc:  # its end closed, perhaps half way through a message
        raise RuntimeError(f"an export worker stopped unexpectedly ({exc or 'no reply'})") from None


def _unpickled_error(payload: bytes) -> BaseException:
    try:
        error = pickle.loads(payload)
    except Exception:  # an error that does not travel: its text does
        return RuntimeError(payload.decode("utf-8", "replace"))
    return error if isinstance(error, BaseException) else RuntimeError(str(error))


def _merge(payload: bytes, ctx: ExportContext, bad_rows: BadRows | None) -> None:
    """A worker's report into the caller's context and unusable-row report."""
    report: dict[str, Any] = pickle.loads(payload)
    ctx.counts.update(report["counts"])  # (keys counted at zero come along at zero)
    ctx.label_counts.update(report["label_counts"])
    ctx.losses.update(report["losses"])
    ctx.note_counts.update(report["note_counts"])
    room = MAX_KEPT_NOTES - len(ctx.notes)
    ctx.notes.extend(ExportNote(*note) for note in report["notes"][: max(room, 0)])
    if bad_rows is not None:
        for message in report["bad_rows"]:
            bad_rows.report(message)


def _stop(processes: Sequence[BaseProcess], pipes: Sequence[Connection]) -> None:
    """End the workers (at once: after a failure or a cancel nothing more is wanted)."""
    for pipe in pipes:
        pipe.close()
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(5)


# -- in the worker process -------------------------------------------------------------


class _Collected(BadRows):
    """Unusable rows gathered to send (the exporting process reports and logs them)."""

    def __init__(self) -> None:
        super().__init__()
        self.all: list[str] = []

    def report(self, message: str) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.all.append(message)


def run_worker(job: RangeJob, pipe: Connection) -> None:
    """A worker's life: begin the snapshot, say so, send each range, then the report."""
    try:
        report = _export_ranges(job, pipe)
    except BaseException as exc:  # sent to the exporting process, which raises it
        if isinstance(exc, sqlite3.Error):
            exc = translate_driver_error(exc) or exc
        try:
            payload = pickle.dumps(exc)
        except Exception:  # an error that does not pickle: its text
            payload = f"{type(exc).__name__}: {exc}".encode()
        with contextlib.suppress(OSError):  # the exporting process is gone or not listening
            pipe.send_bytes(_FAILED + payload)
        return
    pipe.send_bytes(_DONE + pickle.dumps(report))
    pipe.close()


def _export_ranges(job: RangeJob, pipe: Connection) -> dict[str, Any]:
    from annotator.storage.sqlite_reads import iter_annotated

    status = Status(job.status) if job.status is not None else None
    ctx = ExportContext(offsets=job.offsets, only_labels=job.labels)
    bad = _Collected()
    conn = connect(Path(job.path))
    try:
        pipe.send_bytes(_CONNECTED)
        if pipe.recv_bytes() != _BEGIN:
            raise RuntimeError("the exporting process sent something unexpected")
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM annotators").fetchone()  # the snapshot begins
        pipe.send_bytes(_READY)
        write = export_format(job.fmt).write
        with streaming_cache(conn), gc_paused():
            for after, upto in job.ranges:
                stream = iter_annotated(
                    conn, status, job.annotator, None, bad_rows=bad, after=after, upto=upto
                )
                buffer = io.BytesIO()
                documents = write(filter_labels(stream, job.labels), buffer, ctx)
                pipe.send_bytes(_RANGE + str(documents).encode())
                pipe.send_bytes(buffer.getbuffer())
    finally:
        conn.close()
    return {
        "counts": dict(ctx.counts),
        "label_counts": dict(ctx.label_counts),
        "losses": dict(ctx.losses),
        "note_counts": dict(ctx.note_counts),
        "notes": [(n.document_id, n.kind, n.message) for n in ctx.notes],
        "bad_rows": bad.all,
    }
