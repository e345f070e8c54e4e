"""Run every benchmark module (bench/bench_*.py) and print a table of figures.

    python bench/run.py [--quick] [--strict] [NAME ...]

Each module has `run(quick: bool = False) -> list[dict]`; each dict is one figure with
name, median, unit, target, pass and notes (and p95 where measured). Results go to
bench/results/<module>.json. bench_window (the real MainWindow driven by key events) is
one of them, so `make bench` prints its rows with the others.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


ALIASES = {"search-index": "search_index"}  # bench_search_index.py


def discover(names: list[str]) -> list[Path]:
    found = sorted(BENCH_DIR.glob("bench_*.py"))
    if names:
        names = [ALIASES.get(n, n) for n in names]
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in names}
        found = [p for p in found if p.stem in wanted]
        missing = wanted - {p.stem for p in found}
        if missing:
            raise SystemExit(f"no such benchmark: {', '.join(sorted(missing))}")
    return found


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def run_module(path: Path, quick: bool) -> tuple[list[dict[str, Any]], float]:
    started = time.perf_counter()
    try:
        rows = list(load(path).run(quick=quick))
    except Exception as exc:  # one broken benchmark must not hide the others
        traceback.print_exc()
        rows = [
            {
                "name": f"{path.stem} (failed)",
                "median": None,
                "unit": "",
                "target": None,
                "pass": False,
                "notes": f"{type(exc).__name__}: {exc}",
            }
        ]
    return rows, time.perf_counter() - started


def write_results(module: str, rows: list[dict[str, Any]], quick: bool, seconds: float) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    payload = {
        "module": module,
        "quick": quick,
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": load1,
        "seconds": round(seconds, 1),
        "results": rows,
    }
    out = RESULTS_DIR / f"{module}.json"
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return out


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _target(r: dict[str, Any]) -> str:
    """ "< 16 ms" for lower-is-better figures, "≥ 1,854 docs/s" for higher-is-better ones,
    "= 0 mismatches" for exact counts.

    Figures carry no direction; it follows from the verdict the module gave."""
    target, value, passed = r.get("target"), r.get("median"), r.get("pass")
    if target is None:
        return "—"
    sign = "<"
    if isinstance(value, (int, float)) and isinstance(passed, bool):
        sign = "<" if (value < target) == passed else "≥"
        if value == target and passed:
            sign = "="  # an exact count, such as 0 mismatches
    return f"{sign} {_fmt(target, r.get('unit', ''))}"


def table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """Median, p95 (where the module measured one), target and verdict per figure."""
    header = ("module", "figure", "median", "p95", "target", "result")
    lines = [header]
    for module, r in rows:
        target = _target(r)
        verdict = {True: "pass", False: "FAIL", None: "report"}[r.get("pass")]
        unit = r.get("unit", "")
        tail = _fmt(r.get("p95"), unit)
        lines.append((module, str(r["name"]), _fmt(r.get("median"), unit), tail, target, verdict))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for i, line in enumerate(lines):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """The table as Markdown, with each figure's notes."""
    out = [
        "| module | figure | median | p95 | target | result | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for module, r in rows:
        target = _target(r)
        verdict = {True: "pass", False: "**miss**", None: "report"}[r.get("pass")]
        notes = str(r.get("notes", "")).replace("|", "/")
        value = _fmt(r.get("median"), r.get("unit", ""))
        tail = _fmt(r.get("p95"), r.get("unit", ""))
        out.append(
            f"| {module} | {r['name']} | {value} | {tail} | {target} | {verdict} | {notes} |"
        )
    return "\n".join(out) + "\n"


def saved_rows() -> list[tuple[str, dict[str, Any]]]:
    """Figures from the JSON files of the last runs, module by module."""
    rows = []
    for path in sorted(RESULTS_DIR.glob("bench_*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        rows.extend((path.stem.removeprefix("bench_"), r) for r in data.get("results", []))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer repeats")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a figure misses")
    parser.add_argument(
        "--markdown", metavar="FILE", help="only write the saved results as a Markdown table"
    )
    args = parser.parse_args(argv)
    if args.markdown:
        Path(args.markdown).write_text(markdown(saved_rows()), encoding="utf-8")
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(BENCH_DIR))
    collected: list[tuple[str, dict[str, Any]]] = []
    for path in discover(args.names):
        print(f"running {path.stem}{' (quick)' if args.quick else ''} ...", flush=True)
        rows, seconds = run_module(path, args.quick)
        out = write_results(path.stem, rows, args.quick, seconds)
        print(f"  {len(rows)} figures in {seconds:.0f} s -> {out.relative_to(BENCH_DIR.parent)}")
        collected.extend((path.stem.removeprefix("bench_"), r) for r in rows)
    print()
    print(table(collected))
    failed = [r for _, r in collected if r.get("pass") is False]
    if failed:
        print(f"\n{len(failed)} figure(s) missed their target")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
