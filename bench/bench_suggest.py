"""Suggesters: the quote detector's throughput on news-like articles, and a gazetteer of
10,000 terms run over a 50,000-document project (read, match, store), end to end.

    python bench/bench_suggest.py [--quick]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchlib import ROOT, article, median

from annotator.core.gazetteer import Gazetteer, GazetteerEntry
from annotator.core.ids import new_id
from annotator.core.quotation import detect_quotations
from annotator.core.text import content_hash
from annotator.services.gazetteers import suggest_gazetteer
from annotator.services.project import open_project

QUOTE_TARGET = 1_000.0  # articles per second, at least
GAZETTEER_TARGET_S = 30.0  # 10,000 terms over 50,000 documents, at most
TERMS = 10_000
DOCUMENTS = 50_000

FIRST = ["Anna", "Kevin", "Maria", "John", "Li", "Fatima", "Pierre", "Ute", "Carlos", "Aiko"]
LAST = ["Berg", "Hassett", "Santos", "Peters", "Wei", "Khan", "Martin", "Vogel", "Diaz", "Sato"]
QUOTES = [
    '"{q}," {n} said.',
    "“{q},” said {n}, an analyst at Harbor Capital.",
    "{n} told reporters: “{q}.”",
    "According to {n}, “{q}.”",
    "„{q}“, sagte {n}.",
    "« {q} », a déclaré {n}.",
    '"{q}," he added.',
]


def _news(i: int, rng: random.Random) -> str:
    """About 3 KB of news-like text with five to eight quotations in varied styles."""
    body = article(2_400, seed=i).split(". ")
    for _ in range(rng.randint(5, 8)):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        words = article(rng.randint(40, 160), seed=rng.randint(0, 10**6)).strip(" .\n")
        quote = rng.choice(QUOTES).format(q=words, n=name)
        body.insert(rng.randrange(len(body)), quote)
    return ". ".join(body)


def bench_quotes(quick: bool) -> dict[str, Any]:
    rng = random.Random(7)
    n = 300 if quick else 2_000
    texts = [_news(i, rng) for i in range(n - 1)]
    texts.append((ROOT / "seeds" / "us-china-trade-talks-london.txt").read_text(encoding="utf-8"))
    size = sum(len(t) for t in texts) / len(texts)
    rates, cpu_rates, found = [], [], 0
    for _ in range(3 if quick else 5):
        started, cpu = time.perf_counter(), time.process_time()
        found = sum(len(detect_quotations(t)) for t in texts)
        rates.append(len(texts) / (time.perf_counter() - started))
        cpu_rates.append(len(texts) / (time.process_time() - cpu))
    rate = median(rates)
    return {
        "name": "quote detector articles/s",
        "median": round(rate, 1),
        "unit": "articles/s",
        "target": QUOTE_TARGET,
        "pass": rate >= QUOTE_TARGET,
        "notes": f"{len(texts)} articles of {size / 1000:.1f} k characters on average, "
        f"{found / len(texts):.1f} attributed quotations each; runs "
        + ", ".join(f"{r:.0f}" for r in rates)
        + f"; per CPU second {median(cpu_rates):.0f}; load average {os.getloadavg()[0]:.1f}",
    }


def _terms(rng: random.Random) -> list[str]:
    stems = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay"]
    kinds = ["Holdings", "Bank", "Motors", "Energy", "Group", "Logistics", "Capital", "Foods"]
    terms = {f"{s}{i} {k}" for i, (s, k) in enumerate(zip(stems * 2000, kinds * 2000, strict=True))}
    while len(terms) < TERMS:
        terms.add(f"{rng.choice(stems)}{rng.randint(0, 99_999)} {rng.choice(kinds)}")
    return sorted(terms)[:TERMS]


def _build(path: Path, n: int, terms: list[str], rng: random.Random) -> None:
    from sqlalchemy import insert

    from annotator.storage.models import DocumentRow

    now = datetime.now(timezone.utc)
    with open_project(path, "bench", backup=False) as project:
        rows: list[dict[str, Any]] = []
        for i in range(n):
            words = article(1_800, seed=i % 997).split(" ")
            for _ in range(4):  # four gazetteer terms per document
                words.insert(rng.randrange(len(words)), rng.choice(terms))
            text = " ".join(words)
            rows.append(
                dict(
                    id=new_id(), ordinal=i + 1, title=f"d{i}", source="", text=text, meta={},
                    status="todo", content_hash=content_hash(text + str(i)), version=1,
                    created_at=now, updated_at=now,
                )
            )  # fmt: skip
            if len(rows) == 2_000:
                with project.repo.engine.begin() as conn:
                    conn.execute(insert(DocumentRow), rows)
                rows.clear()
        if rows:
            with project.repo.engine.begin() as conn:
                conn.execute(insert(DocumentRow), rows)


def bench_gazetteer(quick: bool) -> dict[str, Any]:
    rng = random.Random(11)
    n = 5_000 if quick else DOCUMENTS
    terms = _terms(rng)
    gazetteer = Gazetteer((GazetteerEntry("ORG", tuple(terms)),))
    times, cpus, stored = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(1 if quick else 3):
            path = Path(tmp) / f"g{attempt}.annotator"
            _build(path, n, terms, rng)
            with open_project(path, "bench", backup=False) as project:
                started, cpu = time.perf_counter(), time.process_time()
                run = suggest_gazetteer(project, gazetteer)
                times.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
                stored = run.stored
            path.unlink()
    took = median(times) * DOCUMENTS / n
    return {
        "name": f"gazetteer {TERMS:,} terms over {DOCUMENTS:,} documents",
        "median": round(took, 2),
        "unit": "s",
        "target": GAZETTEER_TARGET_S,
        "pass": took <= GAZETTEER_TARGET_S,
        "notes": f"{n} documents of ~2 KB per run, {stored} suggestions stored; runs "
        + ", ".join(f"{t:.1f} s" for t in times)
        + (f"; scaled to {DOCUMENTS} documents" if n != DOCUMENTS else "")
        + f"; CPU {median(cpus) * DOCUMENTS / n:.1f} s; read + match + store, SQLite; "
        + f"load average {os.getloadavg()[0]:.1f}",
    }


def run(quick: bool = False) -> list[dict[str, Any]]:
    return [bench_quotes(quick), bench_gazetteer(quick)]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
