"""The schema revisions this version knows, read from the migration files without Alembic.

Opening an up-to-date project compares its stored revision with the head found here, so
neither Alembic nor SQLAlchemy is imported unless there is migration work to do.
"""

from __future__ import annotations

import ast
import contextlib
import sqlite3
from functools import cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@cache
def revision_graph() -> dict[str, tuple[str, ...]]:
    """revision -> down revisions, read from the revision files."""
    graph: dict[str, tuple[str, ...]] = {}
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        values: dict[str, object] = {}
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and node.value is not None:
                        with contextlib.suppress(ValueError):
                            values[target.id] = ast.literal_eval(node.value)
        revision, down = values.get("revision"), values.get("down_revision")
        if isinstance(revision, str):
            downs = (down,) if isinstance(down, str) else tuple(down or ())  # type: ignore[arg-type]
            graph[revision] = tuple(str(d) for d in downs)
    return graph


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
