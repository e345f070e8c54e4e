"""Server locations and their passwords: in the OS keychain or in memory, never in settings.

A server location is stored and shown as a URL without a password. When a project is
opened, the password comes from (in order): the URL itself, this process's memory (typed
into the connect dialog), the OS keychain via `keyring` (optional), and finally libpq's own
sources, which psycopg consults for anything the URL leaves out: PGHOST, PGPORT, PGUSER,
PGPASSWORD, PGSSLMODE, ... and the .pgpass file (PGPASSFILE).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

from annotator.storage.postgres import normalise_url

KEYRING_SERVICE = "Annotator"
SSL_MODES = ("prefer", "disable", "allow", "require", "verify-ca", "verify-full")

_session_passwords: dict[str, str] = {}


class CredentialError(RuntimeError):
    """The keychain is unavailable or refused; the message says what to do instead."""


@dataclass(frozen=True)
class ServerLocation:
    """What the connect dialog asks for. Empty fields are left to libpq (environment)."""

    database: str
    host: str = ""
    port: int | None = None
    user: str = ""
    sslmode: str = "prefer"

    def url(self) -> str:
        """A SQLAlchemy URL without a password: safe for settings and the recent list."""
        if not self.database:
            raise ValueError("a database name is needed")
        if self.sslmode not in SSL_MODES:
            raise ValueError(f"unknown SSL mode {self.sslmode!r}")
        auth = f"{quote(self.user, safe='')}@" if self.user else ""
        host = self.host if ":" not in self.host else f"[{self.host}]"
        port = f":{self.port}" if self.port else ""
        query = f"?sslmode={self.sslmode}" if self.sslmode != "prefer" else ""
        return f"postgresql+psycopg://{auth}{host}{port}/{quote(self.database, safe='')}{query}"


def credential_key(url: str | URL) -> str:
    """The keychain entry name for a server location: user@host:port/database."""
    u = make_url(normalise_url(str(url)) if isinstance(url, str) else url)
    return f"{u.username or ''}@{u.host or ''}:{u.port or ''}/{u.database or ''}"


def _keyring() -> Any | None:
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def keychain_available() -> bool:
    """True when `keyring` is installed and has a usable (non-fail) backend."""
    module = _keyring()
    if module is None:
        return False
    return not type(module.get_keyring()).__module__.startswith("keyring.backends.fail")


def remember_password(url: str, password: str, *, keychain: bool) -> None:
    """Keep `password` for this process; with `keychain`, also in the OS keychain."""
    key = credential_key(url)
    _session_passwords[key] = password
    if keychain:
        module = _keyring()
        if module is None:
            raise CredentialError(
                "the keychain needs the keyring package: pip install 'annotator[server]'"
            )
        try:
            module.set_password(KEYRING_SERVICE, key, password)
        except Exception as exc:  # keyring backends raise their own errors
            raise CredentialError(
                f"the system keychain refused the password ({exc}); use a .pgpass file instead"
            ) from None


def forget_password(url: str) -> None:
    key = credential_key(url)
    _session_passwords.pop(key, None)
    module = _keyring()
    if module is not None:
        with contextlib.suppress(Exception):  # not stored, or no keychain: nothing to forget
            module.delete_password(KEYRING_SERVICE, key)


def lookup_password(url: str) -> str | None:
    """The remembered password for a server location, or None (libpq then tries .pgpass)."""
    key = credential_key(url)
    if key in _session_passwords:
        return _session_passwords[key]
    module = _keyring()
    if module is None:
        return None
    try:
        found = module.get_password(KEYRING_SERVICE, key)
    except Exception:  # no usable keychain
        return None
    return str(found) if found else None


def without_password(location: str) -> str:
    """`location` with any password removed (not masked): what settings, recent lists,
    titles, messages and logs may hold. Paths and URLs without a password are unchanged."""
    if "://" not in location:
        return location
    try:
        url = make_url(location)
    except Exception:  # not a URL after all (an unusual file name): nothing to hide
        return location
    if url.password is None:
        return location
    return url._replace(password=None).render_as_string(hide_password=False)


def absorb_password(location: str) -> str:
    """Take a password given inside a URL (``--project postgresql://u:pw@h/db``) into this
    process's memory, and return the URL without it; the connection still uses it (see
    `with_password`). Other locations are returned unchanged."""
    if "://" not in location:
        return location
    try:
        url = make_url(normalise_url(location))
    except Exception:
        return location
    if url.get_backend_name() != "postgresql" or not url.password:
        return location
    _session_passwords[credential_key(url)] = str(url.password)
    return without_password(location)


def with_password(location: str) -> str:
    """`location` with its remembered password filled in, for connecting only (never store)."""
    if "://" not in location:
        return location
    url = make_url(normalise_url(location))
    if url.get_backend_name() != "postgresql" or url.password:
        return location
    password = lookup_password(location)
    if password is None:
        return location
    return url.set(password=password).render_as_string(hide_password=False)
