"""What a project location is: a SQLite file path or a database URL (no SQLAlchemy here)."""

from __future__ import annotations

from pathlib import Path


class UnsupportedLocation(ValueError):
    """A project location that is neither a SQLite file nor a PostgreSQL database URL."""


def is_url(location: str | Path) -> bool:
    """True for a SQLAlchemy URL such as ``postgresql+psycopg://u@host/db``."""
    return isinstance(location, str) and "://" in location


def sqlite_path(location: str | Path) -> Path | None:
    """The file behind a location, or None for a non-SQLite server URL."""
    if not is_url(location):
        return Path(location)
    from annotator.storage.engine import parse_url  # a URL: SQLAlchemy parses it

    url = parse_url(str(location))
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database)
    return None
