"""Engines for a project location: a SQLite file path or a SQLAlchemy URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from annotator.storage.changes import SERVER_CONNECT_ARGS, track_own_connections
from annotator.storage.locations import UnsupportedLocation, is_url, sqlite_path
from annotator.storage.postgres import (
    check_driver,
    install_idle_ping,
    install_session_timeouts,
    normalise_url,
)
from annotator.storage.sqlite_connect import apply_pragmas

__all__ = ["UnsupportedLocation", "is_url", "make_engine", "parse_url", "sqlite_path"]

# What a project may live in: a SQLite file, or PostgreSQL through psycopg (3 or 2).
DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg", "psycopg2")}
EXPECTED = "a project file, sqlite:///path/to/project.annotator or postgresql://user@host/database"


def parse_url(location: str) -> URL:
    """The URL of a project location; UnsupportedLocation (one line, no password) for a
    malformed URL, another database system, a driver Annotator does not use, or a SQLite
    URL without a file."""
    scheme = location.split("://", 1)[0]
    try:
        url = make_url(normalise_url(location))
    except (ArgumentError, ValueError):
        raise UnsupportedLocation(
            f"{scheme}://...: not a database URL Annotator understands; expected {EXPECTED}"
        ) from None
    backend = url.get_backend_name()
    if backend not in DRIVERS:
        raise UnsupportedLocation(
            f"{scheme}://: Annotator projects cannot live in {backend or 'this database'}; "
            f"expected {EXPECTED}"
        )
    try:
        driver = url.get_driver_name()  # without "+driver", SQLAlchemy's default for it
    except (ArgumentError, ImportError) as exc:  # NoSuchModuleError is an ArgumentError
        raise UnsupportedLocation(f"{scheme}://: {exc}") from None
    if driver not in DRIVERS[backend]:
        raise UnsupportedLocation(
            f"{scheme}://: Annotator does not use the {driver} driver; "
            f"use {backend}://... ({' or '.join(DRIVERS[backend])})"
        )
    if backend == "sqlite" and (not url.database or url.database == ":memory:"):
        raise UnsupportedLocation(
            f"{scheme}://: a SQLite project needs a file; expected {EXPECTED}"
        )
    return url


def make_engine(location: str | Path, **kwargs: Any) -> Engine:
    """Create an engine; SQLite files get WAL, synchronous=FULL, foreign keys, busy timeout."""
    if is_url(location):
        parse_url(str(location))  # refuse what is not a project location, in one line
    url = normalise_url(str(location)) if is_url(location) else f"sqlite:///{Path(location)}"
    if make_url(url).get_backend_name() != "sqlite":
        check_driver(url)
        if make_url(url).get_backend_name() == "postgresql":
            kwargs["connect_args"] = {**SERVER_CONNECT_ARGS, **kwargs.get("connect_args", {})}
        engine = create_engine(url, **kwargs)
        install_idle_ping(engine)  # pool_pre_ping, but only for connections that sat idle
        install_session_timeouts(engine)  # a held lock gives a message, not a hang
        track_own_connections(engine)  # so that its own writes do not come back to it
        return engine
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Pragmas must run outside a transaction: pysqlite has not begun one yet here.
    apply_pragmas(dbapi_connection)
