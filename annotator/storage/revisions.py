"""The schema revisions this version knows, read from the migration files without Alembic.

Opening an up-to-date project compares its stored revision with the head found here, so
neither Alembic nor SQLAlchemy is imported unless there is migration work to do.
"""

from __future__ import annotations

import ast
import contextlib
import re
import sqlite3
from functools import cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


# `revision = "..."` / `down_revision: str | None = "..."` at the start of a line
_ASSIGNMENT = re.compile(
    r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*([^\n]+?)\s*(?:#[^\n]*)?$", re.M
)


@cache
def revision_graph() -> dict[str, tuple[str, ...]]:
    """revision -> down revisions, read from the revision files (their two assignment
    lines; a file whose values are not one-line literals is parsed in full)."""
    graph: dict[str, tuple[str, ...]] = {}
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = script.read_text(encoding="utf-8")
        values = _quick_values(source)
        if values is None:
            values = _parsed_values(source)
        revision, down = values.get("revision"), values.get("down_revision")
        if isinstance(revision, str):
            downs = (down,) if isinstance(down, str) else tuple(down or ())  # type: ignore[arg-type]
            graph[revision] = tuple(str(d) for d in downs)
    return graph


def _quick_values(source: str) -> dict[str, object] | None:
    """The two values from their lines, or None when that does not settle them."""
    values: dict[str, object] = {}
    for name, expression in _ASSIGNMENT.findall(source):
        if name in values:
            return None  # assigned twice: the full parse says which counts
        try:
            values[name] = ast.literal_eval(expression)
        except (ValueError, SyntaxError):
            return None
    return values if len(values) == 2 else None


def _parsed_values(source: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and node.value is not None:
                    with contextlib.suppress(ValueError):
                        values[target.id] = ast.literal_eval(node.value)
    return values


def single_head() -> str | None:
    """The newest revision when the files form one line of history (else None)."""
    graph = revision_graph()
    heads = set(graph) - {d for downs in graph.values() for d in downs}
    return next(iter(heads)) if len(heads) == 1 else None


def stored_revision(conn: sqlite3.Connection) -> str | None:
    """The revision a SQLite project records, or None (no alembic_version table or row)."""
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None or row[0] is None else str(row[0])
