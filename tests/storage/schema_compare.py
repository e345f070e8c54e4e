"""Comparing a database's schema with `models.py`, as the migration tests do."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from annotator.storage.models import SERVER_ONLY_INDEXES, Base
from annotator.storage.search import is_search_object


def compare_opts(conn: Connection) -> dict[str, Any]:
    """Leave out the text index (outside models.py) and, on SQLite, the indexes only
    PostgreSQL has (`SERVER_ONLY_INDEXES`: Alembic's comparison ignores `ddl_if`)."""
    skip = set(SERVER_ONLY_INDEXES) if conn.dialect.name == "sqlite" else set()

    def include(name: str | None, _type: str, _parent: object) -> bool:
        return not is_search_object(name) and name not in skip

    def include_object(_obj: object, name: str | None, kind: str, *_rest: object) -> bool:
        return include(name, kind, None)

    return {"include_name": include, "include_object": include_object}


def schema_differences(conn: Connection) -> list[Any]:
    """Alembic's differences between the database behind `conn` and `models.py`."""
    context = MigrationContext.configure(conn, opts=compare_opts(conn))
    return list(compare_metadata(context, Base.metadata))
