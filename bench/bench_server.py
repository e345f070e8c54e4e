"""Team editing on one PostgreSQL project: 8 client processes x 2,000 edits on one document.

Each client is a separate process with its own connection pool, editing through
`DocumentSession` as its own annotator: adding spans (80%), relabelling (10%) and deleting
(10%) its own spans, every edit one committed transaction. Reported: edits per second
over the whole run, commit latency (median, p95), and a check that the database ends in
exactly the state the clients were told they committed (every acknowledged edit present
exactly once, nothing else). The whole scenario runs RUNS times, each on a fresh project;
latency figures are medians over the runs.

The server is ANNOTATOR_BENCH_PG_URL (an admin URL) if set, else a throw-away cluster
(tests/pg_cluster.py) with fsync on. Run: python bench/bench_server.py [--quick]
"""

from __future__ import annotations

import importlib.util
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = int(os.environ.get("ANNOTATOR_BENCH_CLIENTS", "8"))
EDITS = 2000
QUICK_EDITS = 200
RUNS = 3
TARGET_P95_MS = 20.0


def _load_cluster_module() -> Any:
    spec = importlib.util.spec_from_file_location("pg_cluster", ROOT / "tests" / "pg_cluster.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pg_cluster"] = module
    spec.loader.exec_module(module)
    return module


def _client(url: str, doc_id: str, name: str, edits: int, seed: int, start: Any, out: Any) -> None:
    """One analyst: returns (latencies in s, final {span id: label}) through `out`."""
    from annotator.core.commands import ChangeEntityLabel, RemoveEntity
    from annotator.services.project import open_project
    from annotator.services.session import DocumentSession

    rng = random.Random(seed)
    latencies: list[float] = []
    mine: dict[str, str] = {}
    with open_project(url, name, create=False) as project:
        session = DocumentSession(project, doc_id)
        n = len(session.text)
        start.wait()
        for _ in range(edits):
            roll = rng.random()
            if roll < 0.8 or len(mine) < 5:
                s = rng.randrange(0, n - 20)
                command: Any = session.new_entity(s, s + rng.randrange(1, 20), "PERSON")
                key, label = command.span.id, "PERSON"
            elif roll < 0.9:
                key = rng.choice(list(mine))
                label = rng.choice(["ORG", "LOC", "MISC"])
                command = ChangeEntityLabel(key, label)
            else:
                key, label = rng.choice(list(mine)), ""
                command = RemoveEntity(key)
            t0 = time.perf_counter()
            command.redo(session)  # returns once the server has committed
            latencies.append(time.perf_counter() - t0)
            if label:
                mine[key] = label
            else:
                del mine[key]
    out.put((name, latencies, mine))


def _collect(out: Any, procs: list[Any]) -> list[Any]:
    """Every client's result; fails at once if a client died."""
    import queue

    results: list[Any] = []
    while len(results) < len(procs):
        try:
            results.append(out.get(timeout=1))
        except queue.Empty:
            dead = [p for p in procs if p.exitcode not in (None, 0)]
            if dead:
                for p in procs:
                    p.terminate()
                raise RuntimeError(f"{len(dead)} client processes failed") from None
    return results


def _cluster() -> tuple[str, Any]:
    """(admin URL of the server, throw-away cluster or None)."""
    admin = os.environ.get("ANNOTATOR_BENCH_PG_URL")
    if admin:
        return admin, None
    cluster = _load_cluster_module().Cluster(fsync=True).start()
    return cluster.url(), cluster


def _database(admin: str) -> str:
    """A fresh database on the server; returns its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin)
    name = f"annotator_bench_{uuid.uuid4().hex[:8]}"
    conninfo = f"host={url.host} port={url.port or 5432} user={url.username} dbname={url.database}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return url.set(database=name).render_as_string(hide_password=False)


def _once(url: str, edits: int) -> tuple[list[float], float, int, int, int]:
    """One run on a fresh project: sorted latencies (ms), wall s, mismatches, expected, stored."""
    from annotator.services.project import open_project
    from annotator.storage import NewDocument

    sentence = "Sentence {} mentions Zoë Chen 👩🏽‍🚀 and 习近平 in London."
    text = " ".join(sentence.format(i) for i in range(400))
    with open_project(url, "owner") as project:
        doc_id, _ = project.repo.add_document(NewDocument(title="bench", text=text))
    ctx = mp.get_context("spawn")
    start, out = ctx.Barrier(CLIENTS + 1), ctx.Queue()
    procs = [
        ctx.Process(target=_client, args=(url, doc_id, f"analyst{i}", edits, i, start, out))
        for i in range(CLIENTS)
    ]
    for p in procs:
        p.start()
    start.wait()
    t0 = time.perf_counter()
    results = _collect(out, procs)
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    with open_project(url, "owner", create=False) as project:
        stored = project.repo.load_annotations(doc_id).entities.values()
        expected = {k: (name, v) for name, _, mine in results for k, v in mine.items()}
        got = {s.id: (s.annotator, s.label) for s in stored}
        ids = [s.id for s in stored]
        wrong = len(set(expected.items()) ^ set(got.items())) + len(ids) - len(set(ids))
    latencies = sorted(x * 1000 for _, lats, _ in results for x in lats)
    return latencies, wall, wrong, len(expected), len(got)


def _p95(latencies: list[float]) -> float:
    return latencies[int(0.95 * (len(latencies) - 1))]


def run(quick: bool = False) -> list[dict[str, Any]]:
    edits = QUICK_EDITS if quick else EDITS
    runs = 1 if quick else RUNS
    admin, cluster = _cluster()
    try:
        outcomes = [_once(_database(admin), edits) for _ in range(runs)]
    finally:
        if cluster is not None:
            cluster.destroy()
    p95s = [_p95(lats) for lats, *_ in outcomes]
    p50s = [statistics.median(lats) for lats, *_ in outcomes]
    rates = [len(lats) / wall for lats, wall, *_ in outcomes]
    wrong = sum(o[2] for o in outcomes)
    p95 = statistics.median(p95s)
    load = os.getloadavg()[0]
    notes = (
        f"{runs} runs of {CLIENTS} processes x {edits} edits on a fresh project each; "
        f"{os.cpu_count()} cores, load average {load:.1f} at the end"
    )
    per_run = ", ".join(f"{x:.1f}" for x in p95s)
    return [
        {
            "name": "server_commit_latency_p95",
            "median": round(p95, 2),
            "unit": "ms",
            "target": TARGET_P95_MS,
            "pass": p95 < TARGET_P95_MS,
            "notes": (
                f"median of per-run p95s ({per_run} ms); p50 {statistics.median(p50s):.2f} ms, "
                f"max {max(lats[-1] for lats, *_ in outcomes):.1f} ms; {notes}"
            ),
        },
        {
            "name": "server_edits_per_second",
            "median": round(statistics.median(rates), 1),
            "unit": "edits/s",
            "target": None,
            "pass": True,
            "notes": f"per run {', '.join(f'{r:.0f}' for r in rates)}; {notes}",
        },
        {
            "name": "server_acknowledged_edits_exactly_once",
            "median": wrong,
            "unit": "mismatches",
            "target": 0,
            "pass": wrong == 0,
            "notes": "spans expected from acknowledged edits / stored, per run: "
            + ", ".join(f"{o[3]}/{o[4]}" for o in outcomes),
        },
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2, ensure_ascii=False))
