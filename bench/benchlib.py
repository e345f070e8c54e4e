"""Shared helpers for the benchmark modules: statistics, result rows, fixtures."""

from __future__ import annotations

import os
import random
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "the minister said talks in Paris were constructive while analysts in Berlin warned that "
    "tariffs on steel and grain could rise if negotiators fail to agree before the summit in "
    "Brussels next week according to officials who spoke on condition of anonymity"
).split()


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def row(
    name: str,
    value: float,
    unit: str,
    target: float | None,
    notes: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """One figure: lower is better; `pass` is value < target (None when there is no target)."""
    return {
        "name": name,
        "median": round(value, 4),
        "unit": unit,
        "target": target,
        "pass": None if target is None else bool(value < target),
        "notes": notes,
        **extra,
    }


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def article(n_chars: int, seed: int = 0) -> str:
    """Deterministic news-like text of about `n_chars` characters, in paragraphs."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < n_chars:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24)))
        sentence = sentence.capitalize() + ". "
        if rng.random() < 0.15:
            sentence += "\n\n"
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)[:n_chars]


def child_env(home: Path) -> dict[str, str]:
    return dict(
        os.environ,
        ANNOTATOR_HOME=str(home),
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM") or "offscreen",
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )


PYTHON = sys.executable
