"""Import speed: plain-text articles from a folder, and native JSONL with spans next to a floor.

1. 10,000 plain-text articles (`services.import_paths` on a folder), target 30 s.
2. Native JSONL with spans: 20,000 documents (~3 KB, 10 entity spans and a document
   sentiment each, as `bench_export` makes them; `quick` uses 2,000) imported with
   `import_paths` into a new project, next to a floor in the same run: the same file
   decoded line by line (the same JSON decoder) and the same rows inserted with the
   standard library's sqlite3 in batches of the importer's size, into the same schema,
   one transaction per batch, with the project's connection settings, no checks.
   Targets: >= 5,000 docs/s, and the ratio to the floor is reported (CPU time; wall clock
   too).
3. The issue's case: 10,000 such documents imported by a fresh `annotator import` process
   (start-up included) into an empty project made beforehand, as the floor's is, next to
   the same floor in the same run; and, reported beside it, the same import into a new
   project, which the command creates first. Imports leave new
   documents to the search index's background catch-up (`bench_search_index`), as the
   floor's rows are (the index's triggers skip documents above its watermark).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchlib import PYTHON, article, child_env, median, row

from annotator.formats.native_jsonl import encode_line, native_record
from annotator.services.importing import BATCH, import_paths
from annotator.services.project import open_project
from annotator.storage.sqlite_connect import connect

FILES = 10_000
TARGET_S = 30.0  # 10,000 files in half a minute: > 330 files/s
JSONL_DOCUMENTS, QUICK_JSONL_DOCUMENTS = 20_000, 2_000
TARGET_JSONL_DOCS_PER_S = 5_000.0
REPEATS = 3


CLI_DOCUMENTS, QUICK_CLI_DOCUMENTS = 10_000, 2_000


def run(quick: bool = False) -> list[dict[str, Any]]:
    return run_text_files(quick) + run_native_jsonl(quick) + run_cli_import(quick)


def run_text_files(quick: bool) -> list[dict[str, Any]]:
    files = 2_000 if quick else FILES
    repeats = 1 if quick else 3
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        total = 0
        for i in range(files):
            text = f"Article {i}\n\n" + article(1_500 + (i % 7) * 500, seed=i)
            (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
            total += len(text)
        for attempt in range(repeats):
            path = Path(tmp) / f"import{attempt}.annotator"
            with open_project(path, "bench", backup=False) as project:
                started = time.perf_counter()
                report = import_paths(project, [folder])
                times.append(time.perf_counter() - started)
                assert report.imported == files, report.summary()
    scaled = median(times) * FILES / files
    notes = (
        f"{files} files ({total / 2**20:.0f} MB) per run, {repeats} runs, "
        f"{files / median(times):.0f} files/s"
        + (f"; scaled to {FILES} files" if files != FILES else "")
    )
    return [row(f"import {FILES:,} text files", scaled, "s", TARGET_S, notes)]


def write_jsonl(path: Path, n: int) -> None:
    from bench_export import documents

    with path.open("wb") as out:
        for item in documents(n, seed=11):
            out.write(encode_line(native_record(item)))


def floor_import(source: Path, db: Path) -> int:
    """The floor: decode each line, insert the same rows with sqlite3, batch by batch."""
    from annotator.formats.json_lines import decode_json_line
    from annotator.services.bulk_gc import fewer_collections

    with fewer_collections():  # the importer's collector setting, for a fair comparison
        return _floor_import(source, db, decode_json_line)


def _floor_import(source: Path, db: Path, decode_json_line: Any) -> int:

    conn = connect(db)  # the project's own settings: WAL, synchronous=FULL, foreign keys
    annotator = uuid.uuid4().hex
    now = datetime.now(timezone.utc).isoformat(sep=" ")
    conn.execute(
        "INSERT INTO annotators (id, name, created_at) VALUES (?, ?, ?)", (annotator, "bench", now)
    )
    docs: list[tuple[Any, ...]] = []
    ents: list[tuple[Any, ...]] = []
    sents: list[tuple[Any, ...]] = []
    n = 0

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO documents (id, ordinal, title, source, text, length, meta, status, "
            "content_hash, version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            docs,
        )
        conn.executemany(
            "INSERT INTO entity_spans (id, document_id, annotator_id, start_offset, "
            "end_offset, label, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
            ents,
        )
        conn.executemany(
            "INSERT INTO document_sentiments (document_id, annotator_id, label, created_at) "
            "VALUES (?,?,?,?)",
            sents,
        )
        conn.execute("COMMIT")
        docs.clear()
        ents.clear()
        sents.clear()

    with source.open("rb") as handle:
        for line in handle:
            record = decode_json_line(line)
            n += 1
            meta = dict(record["meta"])
            title = meta.pop("title")
            source_name = meta.pop("source")
            docs.append(
                (
                    record["id"],
                    n,
                    title,
                    source_name,
                    record["text"],
                    len(record["text"]),
                    json.dumps(meta),
                    record["status"],
                    uuid.uuid4().hex,
                    1,
                    now,
                    now,
                )
            )
            ents.extend(
                (e["id"], record["id"], annotator, e["start"], e["end"], e["label"], now, now)
                for e in record["entities"]
            )
            if record["sentiment"]["document"]:
                sents.append((record["id"], annotator, record["sentiment"]["document"], now))
            if len(docs) >= BATCH:
                flush()
    if docs:
        flush()
    conn.close()
    return n


def rate(name: str, value: float, unit: str, target: float | None, notes: str) -> dict[str, Any]:
    """A throughput figure: higher is better, so it passes when value >= target."""
    return {
        "name": name,
        "median": round(value, 1),
        "unit": unit,
        "target": target,
        "pass": None if target is None else value >= target,
        "notes": notes,
    }


def run_native_jsonl(quick: bool) -> list[dict[str, Any]]:
    n = QUICK_JSONL_DOCUMENTS if quick else JSONL_DOCUMENTS
    import_wall: list[float] = []
    import_cpu: list[float] = []
    floor_wall: list[float] = []
    floor_cpu: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        source = folder / "corpus.jsonl"
        write_jsonl(source, n)
        mb = source.stat().st_size / 2**20
        for attempt in range(REPEATS):
            target = folder / f"import{attempt}.annotator"
            with open_project(target, "bench", backup=False) as project:
                t0, c0 = time.perf_counter(), time.process_time()
                report = import_paths(project, [source])
                import_wall.append(time.perf_counter() - t0)
                import_cpu.append(time.process_time() - c0)
                assert report.imported == n and not report.problems, report.summary()
            empty = folder / f"floor{attempt}.annotator"
            with open_project(empty, "bench", backup=False):
                pass  # the same schema, created and stamped by the app
            t0, c0 = time.perf_counter(), time.process_time()
            assert floor_import(source, empty) == n
            floor_wall.append(time.perf_counter() - t0)
            floor_cpu.append(time.process_time() - c0)
    wall, cpu = statistics.median(import_wall), statistics.median(import_cpu)
    f_wall, f_cpu = statistics.median(floor_wall), statistics.median(floor_cpu)
    ratio = cpu / f_cpu
    note = f"{n} docs x 10 spans, {mb:.0f} MB JSONL, medians of {REPEATS}"
    return [
        rate("import_jsonl_docs_per_s", n / wall, "docs/s", TARGET_JSONL_DOCS_PER_S, note),
        rate("import_jsonl_mb_per_s", mb / wall, "MB/s", None, note),
        rate(
            "floor_sqlite_insert_docs_per_s",
            n / f_wall,
            "docs/s",
            None,
            "the same rows by sqlite3 executemany, batches of the importer's size",
        ),
        rate("floor_sqlite_insert_mb_per_s", mb / f_wall, "MB/s", None, ""),
        {
            "name": "import_jsonl_cpu_ratio_to_floor",
            "median": round(ratio, 3),
            "unit": "x",
            "target": None,
            "pass": None,
            "notes": f"CPU time: import {cpu:.2f} s vs floor {f_cpu:.2f} s; wall clock "
            f"{wall:.2f} s vs {f_wall:.2f} s = {wall / f_wall:.2f}x",
        },
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv[1:]):
        print(r)


def run_cli_import(quick: bool) -> list[dict[str, Any]]:
    """A fresh `annotator import` process against the floor in the same run."""
    n = QUICK_CLI_DOCUMENTS if quick else CLI_DOCUMENTS
    cli_wall: list[float] = []
    cli_cpu: list[float] = []
    floor_wall: list[float] = []
    new_wall: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-import-cli-") as tmp:
        folder = Path(tmp)
        source = folder / "corpus.jsonl"
        write_jsonl(source, n)
        env = child_env(folder / "home")
        for attempt in range(REPEATS):
            target = folder / f"cli{attempt}.annotator"
            with open_project(target, "bench", backup=False):
                pass  # an empty project, made by the app, as the floor's is
            argv = [PYTHON, "-m", "annotator.cli", "--project", str(target), "import", str(source)]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            cli_wall.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cli_cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            empty = folder / f"floor{attempt}.annotator"
            with open_project(empty, "bench", backup=False):
                pass
            t0 = time.perf_counter()
            assert floor_import(source, empty) == n
            floor_wall.append(time.perf_counter() - t0)
            fresh = folder / f"new{attempt}.annotator"  # the first import, making the project
            argv = [PYTHON, "-m", "annotator.cli", "--project", str(fresh), "import", str(source)]
            t0 = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            new_wall.append(time.perf_counter() - t0)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    wall, f_wall = statistics.median(cli_wall), statistics.median(floor_wall)
    note = f"{n} docs x 10 spans, fresh process, medians of {REPEATS}, load {load:.1f}"
    return [
        rate("import_cli_docs_per_s", n / wall, "docs/s", TARGET_JSONL_DOCS_PER_S, note),
        rate(
            "import_cli_floor_docs_per_s",
            n / f_wall,
            "docs/s",
            None,
            f"sqlite3 executemany floor, same run; CLI/floor wall ratio {wall / f_wall:.2f}x, "
            f"CLI CPU {statistics.median(cli_cpu):.2f} s",
        ),
        rate(
            "import_cli_new_project_docs_per_s",
            n / statistics.median(new_wall),
            "docs/s",
            None,
            "the same import into a project it creates (schema made and stamped through "
            "SQLAlchemy and Alembic first); the rows above import into an existing empty one",
        ),
    ]
