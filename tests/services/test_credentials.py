"""Server passwords: URL, memory, OS keychain (keyring), libpq environment and .pgpass."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.services.credentials import (
    KEYRING_SERVICE,
    ServerLocation,
    credential_key,
    forget_password,
    keychain_available,
    remember_password,
    with_password,
)
from annotator.services.project import ProjectError, open_project
from annotator.services.team import grant, setup_roles
from tests.memory_keyring import MemoryKeyring

PASSWORD = "s3cret-ü"


def test_server_location_url() -> None:
    assert ServerLocation("corpus").url() == "postgresql+psycopg:///corpus"
    loc = ServerLocation("news db", "db.example.org", 5433, "zoë", "require")
    assert (
        loc.url() == "postgresql+psycopg://zo%C3%AB@db.example.org:5433/news%20db?sslmode=require"
    )
    assert credential_key(loc.url()) == "zoë@db.example.org:5433/news db"
    with pytest.raises(ValueError, match="SSL mode"):
        ServerLocation("x", sslmode="bogus").url()


def test_keychain_holds_the_password(memory_keyring: MemoryKeyring) -> None:
    url = ServerLocation("corpus", "h", 5432, "ann").url()
    assert keychain_available()
    assert with_password(url) == url
    remember_password(url, PASSWORD, keychain=True)
    assert memory_keyring.store == {(KEYRING_SERVICE, "ann@h:5432/corpus"): PASSWORD}
    assert "s3cret" in with_password(url)
    forget_password(url)
    assert memory_keyring.store == {} and with_password(url) == url


@pytest.fixture
def password_user(pg_server, pg_database: str) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """A project and a role that must authenticate with a password (scram)."""
    if pg_server.cluster is None:
        pytest.skip("needs the throw-away cluster's password rules")
    pg_server.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pw_carl') THEN "
        f"CREATE ROLE pw_carl LOGIN PASSWORD '{PASSWORD}' IN ROLE pw_users; END IF; END $$"
    )
    with open_project(pg_database) as owner:
        setup_roles(owner)
        grant(owner, "pw_carl", "annotator")
    yield pg_database.rsplit("/", 1)[1], str(pg_server.cluster.port)


def test_libpq_environment_and_pgpass(
    password_user: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, port = password_user
    for var, value in {"PGHOST": "127.0.0.1", "PGPORT": port, "PGUSER": "pw_carl"}.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "missing"))
    with pytest.raises(ProjectError, match="password"):
        open_project(f"postgresql:///{database}", create=False)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{port}:{database}:pw_carl:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with open_project(f"postgresql:///{database}", create=False) as project:
        assert project.annotator == "pw_carl"
    pgpass.unlink()
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    with open_project(f"postgresql:///{database}", create=False) as project:
        assert project.annotator == "pw_carl"


def test_keychain_password_opens_the_project(
    password_user: tuple[str, str], memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, port = password_user
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    url = ServerLocation(database, "127.0.0.1", int(port), "pw_carl", "disable").url()
    with pytest.raises(ProjectError, match="password"):
        open_project(url, create=False)
    remember_password(url, PASSWORD, keychain=True)
    try:
        with open_project(url, create=False) as project:
            assert project.annotator == "pw_carl"
            assert PASSWORD not in project.location and "s3cret" not in project.display_name
    finally:
        forget_password(url)


def test_a_password_in_the_project_url_stays_in_memory(
    password_user: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from urllib.parse import quote

    from annotator.services.credentials import absorb_password, without_password

    database, port = password_user
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    bare = f"postgresql://pw_carl@127.0.0.1:{port}/{database}?sslmode=disable"
    given = bare.replace("pw_carl@", f"pw_carl:{quote(PASSWORD)}@")
    assert without_password(given) == bare
    assert without_password("/some/file.annotator") == "/some/file.annotator"
    try:
        with open_project(given, create=False) as project:
            assert project.annotator == "pw_carl"
            assert "s3cret" not in project.location and "s3cret" not in project.display_name
            assert project.location == bare
        with open_project(bare, create=False) as again:  # remembered for this run
            assert again.annotator == "pw_carl"
        assert absorb_password(bare) == bare
    finally:
        forget_password(bare)
