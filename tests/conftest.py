"""Shared fixtures. `project_location` runs a test on SQLite and on PostgreSQL.

PostgreSQL comes from ANNOTATOR_TEST_PG_URL (an admin URL of a running server) or else a
throw-away cluster started for the session (tests/pg_cluster.py). Without either, server
tests are skipped with the reason; with ANNOTATOR_REQUIRE_PG=1 (CI) they fail instead.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_cluster import Cluster, ClusterUnavailable

_counter = itertools.count()


class PgServer:
    """A PostgreSQL server the tests may create databases and roles on."""

    def __init__(self, admin_url: str, cluster: Cluster | None) -> None:
        from sqlalchemy.engine import make_url

        self.cluster = cluster
        self._admin = make_url(admin_url)

    def url(self, database: str, user: str | None = None, password: str | None = None) -> str:
        url = self._admin.set(database=database)
        if user is not None:
            url = url.set(username=user, password=password)
        return url.render_as_string(hide_password=False)

    def execute(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self._conninfo(database), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def _conninfo(self, database: str) -> str:
        u = self._admin
        parts = [f"dbname={database}", f"user={u.username or 'postgres'}"]
        if u.host:
            parts.append(f"host={u.host}")
        if u.port:
            parts.append(f"port={u.port}")
        if u.password:
            parts.append(f"password={u.password}")
        return " ".join(parts)

    def create_database(self) -> str:
        name = f"annotator_test_{os.getpid()}_{next(_counter)}"
        self.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def create_role(self, name: str, password: str | None = None) -> None:
        """A login role (idempotent); roles are cluster-wide."""
        pw = f" PASSWORD '{password}'" if password else ""
        self.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') "
            f'THEN CREATE ROLE "{name}" LOGIN{pw}; END IF; END $$'
        )


def _unavailable(reason: str) -> None:
    if os.environ.get("ANNOTATOR_REQUIRE_PG"):
        pytest.fail(f"PostgreSQL required (ANNOTATOR_REQUIRE_PG) but unavailable: {reason}")
    pytest.skip(f"no PostgreSQL server: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'annotator[server]')")
    external = os.environ.get("ANNOTATOR_TEST_PG_URL")
    if external:
        yield PgServer(external, None)
        return
    try:
        cluster = Cluster().start()
    except ClusterUnavailable as exc:
        _unavailable(str(exc))
        return
    try:
        cluster.psql("CREATE ROLE pw_users NOLOGIN")
        yield PgServer(cluster.url(), cluster)
    finally:
        cluster.destroy()


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database; yields its admin URL."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def project_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new, empty project lives: a SQLite file or a PostgreSQL database URL."""
    if request.param == "sqlite":
        return str(tmp_path / "project.annotator")
    url: str = request.getfixturevalue("pg_database")
    return url
