"""Suite-wide fixtures.

- Temporary projects isolated from the user's data folder.
- A guard that fails any test whose code opens a network socket from Python.
- `project_location` runs a test on SQLite and on PostgreSQL. PostgreSQL comes from
  ANNOTATOR_TEST_PG_URL (an admin URL of a running server) or else a throw-away cluster
  started for the session (tests/pg_cluster.py). Without either, server tests are skipped
  with the reason; with ANNOTATOR_REQUIRE_PG=1 (CI) they fail instead.
"""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.services.project import Project, open_project
from tests.pg_cluster import Cluster, ClusterUnavailable

pytest_plugins = ["tests.memory_keyring"]  # the memory_keyring fixture

SEED = Path(__file__).resolve().parents[1] / "seeds" / "us-china-trade-talks-london.txt"

# Text that trips up offset handling: astral emoji, a ZWJ family, a flag (two regional
# indicators), CJK, a combining accent, right-to-left script.
TRICKY = (
    "Emoji 😀 then ORG Acme. Family 👨‍👩‍👧 met 🇬🇧 officials in 北京市 on "
    "Tuesday; café (cafe\u0301) and مرحبا بالعالم said Zoë."
)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    monkeypatch.setenv("ANNOTATOR_USER", "tester")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with open_project(tmp_path / "test.annotator") as opened:
        yield opened


class NetworkBlocked(RuntimeError):
    """Raised when code under test tries to use the network."""


class NetworkGuard:
    """Replaces socket creation and name lookup; records every attempt."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refuse(self, what: str) -> NetworkBlocked:
        self.attempts.append(what)
        return NetworkBlocked(f"network access attempted: {what}")


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    """Allow only AF_UNIX sockets (used for local socket pairs); anything else fails the test."""
    guard = NetworkGuard()
    real_socket = socket.socket

    class GuardedSocket(real_socket):  # type: ignore[misc, valid-type]
        def __init__(
            self, family: Any = -1, type: Any = -1, proto: int = -1, fileno: Any = None
        ) -> None:
            effective = socket.AF_INET if family == -1 and fileno is None else family
            if fileno is None and effective != getattr(socket, "AF_UNIX", object()):
                raise guard.refuse(f"socket(family={effective!r})")
            super().__init__(family, type, proto, fileno)

    def refuse_connection(address: Any, *_args: Any, **_kwargs: Any) -> Any:
        raise guard.refuse(f"create_connection({address!r})")

    def refuse_lookup(host: Any, *_args: Any, **_kwargs: Any) -> Any:
        raise guard.refuse(f"getaddrinfo({host!r})")

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse_connection)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    yield guard
    if guard.attempts:
        pytest.fail(f"the code under test tried to use the network: {guard.attempts}")


_counter = itertools.count()

# Per-test limits (pytest-timeout, when installed). The thread method is the one that ends
# a hang inside Qt's event loop (a modal dialog nobody closes): SIGALRM handlers never run
# there. It prints every thread's stack and stops the run.
TEST_TIMEOUT_S = 600
SLOW_TEST_TIMEOUT_S = 1800


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("timeout"):
        return
    for item in items:
        if item.get_closest_marker("timeout") is None:
            limit = SLOW_TEST_TIMEOUT_S if item.get_closest_marker("slow") else TEST_TIMEOUT_S
            item.add_marker(pytest.mark.timeout(limit, method="thread"))


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


@pytest.fixture
def own_cluster(pg_server: PgServer) -> Iterator[Cluster]:
    """A cluster of the test's own, to stop and start (skips when only an external server
    (ANNOTATOR_TEST_PG_URL) is available: that one cannot be stopped)."""
    if pg_server.cluster is None:
        pytest.skip("needs a throw-away cluster (ANNOTATOR_TEST_PG_URL server cannot be stopped)")
    try:
        own = Cluster().start()
    except ClusterUnavailable as exc:
        pytest.skip(str(exc))
    yield own
    own.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def project_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new, empty project lives: a SQLite file or a PostgreSQL database URL."""
    if request.param == "sqlite":
        return str(tmp_path / "project.annotator")
    url: str = request.getfixturevalue("pg_database")
    return url
