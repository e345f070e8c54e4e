"""Native JSONL export throughput against a fair floor, in the same run.

A project of 100,000 documents (about 3 KB and 10 entity spans each, a document sentiment;
`quick` uses 2,000) is exported with `annotator.services.exporting.export_project` (in this
process alone, its default), and
end to end by a fresh ``annotator export`` process (target: 10,000 docs/s; by default it
reads and encodes in worker processes, one per core: `services.export_workers`; it is
also timed with ``--workers 1``, and its CPU time is reported). The floor
(`floor_export`) writes the same bytes (checked by SHA-256) with the standard library's
sqlite3: each text fetched once, spans and sentiments by one query per table and batch,
the same record layout and JSON encoder, no domain objects. Both are timed three times,
alternating; the target is export time within 1.5x of the floor in process CPU time
(wall-clock figures are reported too, but on a shared machine they mostly measure the
neighbours). Memory: resident set size sampled while exporting (peak above the start, and
growth between the first and second half of the export, which should be about zero), and
the tracemalloc peak of one more export (the third of the documents that are done).

Run alone: ``python bench/bench_export.py [--quick]``; results also go to
``bench/results/bench_export.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotator.core.model import (  # noqa: E402
    AnnotatedDocument,
    Document,
    DocumentAnnotations,
    EntitySpan,
    Status,
)
from annotator.core.text import content_hash  # noqa: E402
from annotator.services.exporting import export_project  # noqa: E402
from annotator.services.project import open_project  # noqa: E402

FULL_DOCUMENTS = 100_000
QUICK_DOCUMENTS = 2_000
REPEATS = 3
TARGET_RATIO = 1.5  # export within 1.5x of the fair floor (CPU time, same run)
TARGET_DOCS_PER_S = 10_000.0  # end to end, a fresh `annotator export` process
TARGET_GROWTH_MB = 32.0
TARGET_TRACED_MB = 64.0
LABELS = ("PERSON", "ORG", "GPE", "DATE", "MONEY")
_PROSE = (
    "the minister said talks in Paris were constructive while analysts in Berlin warned "
    "that tariffs on steel and grain could rise if negotiators fail to agree before the "
    "summit in Brussels next week according to officials 北京 🇬🇧 café"
)
WORDS = tuple(_PROSE.split())


def _paragraphs(rng: random.Random, count: int = 400) -> list[str]:
    out = []
    for _ in range(count):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24))) + "."
            for _ in range(rng.randint(2, 5))
        ]
        out.append(" ".join(sentences))
    return out


def documents(n: int, seed: int = 7) -> Iterator[AnnotatedDocument]:
    """`n` distinct documents of ~3 KB with ~10 non-overlapping entity spans each."""
    rng = random.Random(seed)
    pool = _paragraphs(rng)
    for i in range(n):
        parts = [f"Report {i}."]
        size = 0
        while size < 3000:
            parts.append(rng.choice(pool))
            size += len(parts[-1]) + 2
        text = "\n\n".join(parts)[:3000]
        step = len(text) // 10
        entities = []
        for k in range(10):
            start = k * step + rng.randint(0, step // 2)
            entities.append(
                EntitySpan(f"e{i}-{k}", start, start + rng.randint(3, 20), rng.choice(LABELS))
            )
        doc = Document(
            f"d{i:06d}",
            f"Report {i}",
            text,
            "bench",
            {"n": i},
            Status.DONE if i % 3 == 0 else Status.TODO,
            content_hash(text),
        )
        yield AnnotatedDocument(doc, DocumentAnnotations.of(entities, document_sentiment="neutral"))


def build_project(path: Path, n: int) -> None:
    """Create the project and fill it with bulk inserts (the repository's careful
    per-document import path is not what this benchmark measures)."""
    from datetime import datetime, timezone

    from sqlalchemy import insert

    from annotator.storage.models import DocumentRow, DocumentSentimentRow, EntityRow

    now = datetime.now(timezone.utc)
    with open_project(path, "bench") as project:
        who = project.repo.annotator_id("bench")
        docs: list[dict[str, Any]] = []
        ents: list[dict[str, Any]] = []
        sents: list[dict[str, Any]] = []

        def flush() -> None:
            with project.repo.engine.begin() as conn:
                conn.execute(insert(DocumentRow), docs)
                conn.execute(insert(EntityRow), ents)
                conn.execute(insert(DocumentSentimentRow), sents)
            docs.clear()
            ents.clear()
            sents.clear()

        for i, item in enumerate(documents(n), start=1):
            d = item.document
            docs.append(
                dict(
                    id=d.id,
                    ordinal=i,
                    title=d.title,
                    source=d.source,
                    text=d.text,
                    meta=dict(d.meta),
                    status=d.status.value,
                    content_hash=d.content_hash,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
            ents.extend(
                dict(
                    id=e.id,
                    document_id=d.id,
                    annotator_id=who,
                    start_offset=e.start,
                    end_offset=e.end,
                    label=e.label,
                    created_at=now,
                    updated_at=now,
                )
                for e in item.annotations.entities.values()
            )
            sents.append(dict(document_id=d.id, annotator_id=who, label="neutral", created_at=now))
            if len(docs) == 5000:
                flush()
        if docs:
            flush()


def floor_export(db: Path, out: Path) -> int:
    """The fair floor: the same output, byte for byte, by the standard library's sqlite3.

    Documents in import order, 500 at a time, each text fetched once; their entity spans,
    claims, target sentiments and document sentiments by four queries per batch (as the
    export does); the same record layout and the same JSON encoder (`encode_line`:
    orjson when installed). No domain objects, no SQLAlchemy, no manifest, no fsync.
    """
    from annotator.formats.atomic import WRITE_BUFFER
    from annotator.formats.native_jsonl import EXPORT_SCHEMA_VERSION, encode_line

    loads = json.loads
    conn = sqlite3.connect(db)
    names = dict(conn.execute("SELECT id, name FROM annotators"))
    n, last = 0, -1
    with out.open("wb", buffering=WRITE_BUFFER) as handle:  # as the export writes
        while True:
            docs = conn.execute(
                "SELECT id, title, source, text, meta, status, ordinal FROM documents "
                "WHERE ordinal > ? ORDER BY ordinal LIMIT 500",
                (last,),
            ).fetchall()
            if not docs:
                break
            last = docs[-1][6]
            ids = [d[0] for d in docs]
            marks = ",".join("?" * len(ids))

            def rows(
                sql: str, ids: list[str] = ids, marks: str = marks
            ) -> dict[str, list[tuple[Any, ...]]]:
                grouped: dict[str, list[tuple[Any, ...]]] = {i: [] for i in ids}
                for row in conn.execute(sql.format(marks=marks), ids):
                    grouped[row[1]].append(row)
                return grouped

            entities = rows(
                "SELECT id, document_id, annotator_id, start_offset, end_offset, label "
                "FROM entity_spans WHERE document_id IN ({marks})"
            )
            claims = rows(
                "SELECT id, document_id, annotator_id, start_offset, end_offset, "
                "speaker_entity_id, speaker_text, attributes FROM claims "
                "WHERE document_id IN ({marks})"
            )
            targets = rows(
                "SELECT id, document_id, annotator_id, entity_id, label FROM target_sentiments "
                "WHERE document_id IN ({marks})"
            )
            sentiment: dict[str, str] = {}
            for _name, did, label in sorted(
                (names.get(who, ""), did, label)
                for did, who, label in conn.execute(
                    "SELECT document_id, annotator_id, label FROM document_sentiments "
                    f"WHERE document_id IN ({marks})",
                    ids,
                )
            ):
                sentiment.setdefault(did, label)
            for did, title, source, text, meta, status, _ordinal in docs:
                ents = sorted(entities[did], key=lambda r: (r[3], -r[4], r[5], r[0]))
                spoken = {r[0]: text[r[3] : r[4]] for r in ents}
                cls = sorted(claims[did], key=lambda r: (r[3], -r[4], r[0]))
                tgs = sorted(targets[did], key=lambda r: r[0])
                who = {names.get(r[2], "") for r in (*ents, *cls, *tgs)}
                record = {
                    "id": did,
                    "text": text,
                    "meta": {"title": title, "source": source or "", **loads(meta or "{}")},
                    "status": status,
                    "annotator": who.pop() if len(who) == 1 else None,
                    "entities": [
                        {
                            "id": i,
                            "start": st,
                            "end": en,
                            "label": lab,
                            "text": spoken[i],
                            "annotator": names.get(a, ""),
                        }
                        for i, _d, a, st, en, lab in ents
                    ],
                    "claims": [
                        {
                            "id": i,
                            "start": st,
                            "end": en,
                            "text": text[st:en],
                            "speaker": sp,
                            "speaker_text": stx or spoken.get(sp or "", ""),
                            "attributes": loads(attrs or "{}"),
                            "annotator": names.get(a, ""),
                        }
                        for i, _d, a, st, en, sp, stx, attrs in cls
                    ],
                    "sentiment": {
                        "document": sentiment.get(did),
                        "targets": [
                            {"id": i, "entity": e, "label": lab, "annotator": names.get(a, "")}
                            for i, _d, a, e, lab in tgs
                        ],
                    },
                    "schema_version": EXPORT_SCHEMA_VERSION,
                }
                handle.write(encode_line(record))
                n += 1
    conn.close()
    return n


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = QUICK_DOCUMENTS if quick else FULL_DOCUMENTS
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        folder = Path(tmp)
        db = folder / "bench.annotator"
        started = time.perf_counter()
        build_project(db, n)
        build_s = time.perf_counter() - started
        export_times: list[float] = []
        floor_times: list[float] = []
        export_cpu: list[float] = []
        floor_cpu: list[float] = []
        samples: list[tuple[int, float]] = []  # (documents done, RSS MB), first export

        def progress(done: int, _total: int) -> None:
            if len(export_times) == 0:
                samples.append((done, _rss_mb()))

        size = floor_size = 0
        with open_project(db, "bench", create=False) as project:
            for _attempt in range(REPEATS):
                out = folder / "export.jsonl"
                if not export_times:
                    samples.append((0, _rss_mb()))
                t0, c0 = time.perf_counter(), time.process_time()
                report = export_project(project, out, "jsonl", progress=progress)
                export_times.append(time.perf_counter() - t0)
                export_cpu.append(time.process_time() - c0)
                assert report.documents == n
                size = out.stat().st_size
                t0, c0 = time.perf_counter(), time.process_time()
                assert floor_export(db, folder / "floor.jsonl") == n
                floor_times.append(time.perf_counter() - t0)
                floor_cpu.append(time.process_time() - c0)
                floor_size = (folder / "floor.jsonl").stat().st_size
                if _digest(out) != _digest(folder / "floor.jsonl"):
                    raise AssertionError("the floor's output differs from the export's")
            tracemalloc.start()
            traced = export_project(project, folder / "done.jsonl", "jsonl", status=Status.DONE)
            traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        import resource  # (POSIX: this benchmark's command-line part runs there)

        cli_times: list[float] = []
        cli_cpu: list[float] = []
        alone_times: list[float] = []
        for _attempt in range(REPEATS):  # end to end: a fresh process, start-up included
            cli_out = folder / "cli.jsonl"
            command = [sys.executable, "-m", "annotator", "export", "--format", "jsonl"]
            command += ["--out", str(cli_out), "--project", str(db)]
            for extra, times in (([], cli_times), (["--workers", "1"], alone_times)):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                subprocess.run(command + extra, check=True, capture_output=True)
                times.append(time.perf_counter() - t0)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if not extra:  # the command and its workers (all waited for)
                    cli_cpu.append(
                        after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                    )
                if _digest(cli_out) != _digest(out):
                    raise AssertionError("the command's output differs from the export's")
        cli_s, alone_s = statistics.median(cli_times), statistics.median(alone_times)
        cli_c = statistics.median(cli_cpu)
    export_s, floor_s = statistics.median(export_times), statistics.median(floor_times)
    export_c, floor_c = statistics.median(export_cpu), statistics.median(floor_cpu)
    base = samples[0][1]
    half = [r for d, r in samples if d <= n // 2]
    rest = [r for d, r in samples if d > n // 2] or half
    peak = max(r for _d, r in samples) - base
    growth = max(rest) - max(half)
    mb = size / 2**20
    ratio = export_c / floor_c  # CPU time: robust when other processes share the cores
    wall_ratio = export_s / floor_s
    note = f"{n} docs, {mb:.0f} MB JSONL (floor {floor_size / 2**20:.0f} MB); build {build_s:.0f} s"
    floor_note = "fair floor: sqlite3, each text once, sentiments, the same bytes"
    return [
        _row(
            "export_jsonl_cli_docs_per_s",
            n / cli_s,
            "docs/s",
            TARGET_DOCS_PER_S,
            f"fresh `annotator export` process, {cli_s:.2f} s wall (median of {REPEATS}); "
            f"{mb / cli_s:.1f} MB/s",
        ),
        _row(
            "export_jsonl_cli_one_process_docs_per_s",
            n / alone_s,
            "docs/s",
            None,
            f"`annotator export --workers 1`, {alone_s:.2f} s wall (median of {REPEATS}); "
            f"the default above uses worker processes from 10,000 documents",
        ),
        {
            "name": "export_cli_cpu_ratio_to_floor",
            "median": round(cli_c / floor_c, 3),
            "unit": "x",
            "target": None,
            "pass": True,
            "notes": f"CPU time of the default command and its workers, {cli_c:.2f} s, "
            f"against the floor's {floor_c:.2f} s: the cores it costs",
        },
        _row("export_jsonl_docs_per_s", n / export_s, "docs/s", n / floor_s / TARGET_RATIO, note),
        _row("export_jsonl_mb_per_s", mb / export_s, "MB/s", mb / floor_s / TARGET_RATIO, note),
        _row("floor_sqlite_json_docs_per_s", n / floor_s, "docs/s", None, floor_note),
        _row("floor_sqlite_json_mb_per_s", floor_size / 2**20 / floor_s, "MB/s", None, ""),
        {
            "name": "export_cpu_ratio_to_floor",
            "median": round(ratio, 3),
            "unit": "x",
            "target": TARGET_RATIO,
            "pass": ratio <= TARGET_RATIO,
            "notes": f"CPU time: export {export_c:.2f} s vs floor {floor_c:.2f} s; wall clock "
            f"{export_s:.2f} s vs {floor_s:.2f} s = {wall_ratio:.2f}x (medians of {REPEATS})",
        },
        {
            "name": "export_wall_ratio_to_floor",
            "median": round(wall_ratio, 3),
            "unit": "x",
            "target": TARGET_RATIO,
            "pass": wall_ratio <= TARGET_RATIO,
            "notes": "wall clock, includes the export's fsync and waiting for a shared CPU",
        },
        {
            "name": "export_rss_growth_second_half",
            "median": round(growth, 1),
            "unit": "MB",
            "target": TARGET_GROWTH_MB,
            "pass": growth <= TARGET_GROWTH_MB,
            "notes": f"flat memory: peak RSS above start {peak:.1f} MB",
        },
        {
            "name": "export_tracemalloc_peak",
            "median": round(traced_peak, 1),
            "unit": "MB",
            "target": TARGET_TRACED_MB,
            "pass": traced_peak <= TARGET_TRACED_MB,
            "notes": f"Python heap peak exporting {traced.documents} docs (one run, traced)",
        },
    ]


def _row(name: str, value: float, unit: str, target: float | None, notes: str) -> dict[str, Any]:
    """A throughput row: higher is better, so it passes when value >= target."""
    return {
        "name": name,
        "median": round(value, 1),
        "unit": unit,
        "target": None if target is None else round(target, 1),
        "pass": True if target is None else value >= target,
        "notes": notes,
    }


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    rows = run(quick=quick)
    for r in rows:
        target = "-" if r["target"] is None else r["target"]
        status = "PASS" if r["pass"] else "FAIL"
        print(f"{r['name']:34} {r['median']:>12} {r['unit']:7} target {target!s:>10} {status}")
        print(f"{'':34} {r['notes']}")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "bench_export.json").write_text(json.dumps(rows, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
