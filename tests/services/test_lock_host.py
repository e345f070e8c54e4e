"""The lock file names the host as socket.gethostname() does."""

from __future__ import annotations

import socket

from annotator.services.lock import host_name


def test_the_host_name_is_the_socket_modules() -> None:
    assert host_name() == socket.gethostname()
