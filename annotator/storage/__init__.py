"""Storage: SQLAlchemy for every back end, plain sqlite3 for SQLite's bulk paths.

ORM rows stay inside this package; callers get core objects. Names are loaded on first use
(PEP 562), so that importing one SQLAlchemy-free module does not load SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.storage.document_editor import DocumentEditor
    from annotator.storage.engine import make_engine
    from annotator.storage.errors import NotFound
    from annotator.storage.locations import is_url, sqlite_path
    from annotator.storage.migrate import head_revision, prepare_database
    from annotator.storage.repository import NewDocument, ProjectRepository

_WHERE = {
    "DocumentEditor": "document_editor",
    "NewDocument": "repository",
    "NotFound": "errors",
    "ProjectRepository": "repository",
    "head_revision": "migrate",
    "is_url": "locations",
    "make_engine": "engine",
    "prepare_database": "migrate",
    "sqlite_path": "locations",
}

__all__ = [
    "DocumentEditor",
    "NewDocument",
    "NotFound",
    "ProjectRepository",
    "head_revision",
    "is_url",
    "make_engine",
    "prepare_database",
    "sqlite_path",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
