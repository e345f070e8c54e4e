"""Suite-wide fixtures: the whole suite fails if any code under test opens a network socket."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest


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
