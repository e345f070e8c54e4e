"""SQLAlchemy storage. ORM rows stay inside this package; callers get core objects."""

from annotator.storage.document_editor import DocumentEditor
from annotator.storage.engine import is_url, make_engine, sqlite_path
from annotator.storage.errors import NotFound
from annotator.storage.migrate import head_revision, prepare_database
from annotator.storage.repository import NewDocument, ProjectRepository

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
