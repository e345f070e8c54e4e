"""Suite-wide fixtures: temporary projects isolated from the user's data folder, and a
guard that fails any test whose code opens a network socket."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.services.project import Project, open_project

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
