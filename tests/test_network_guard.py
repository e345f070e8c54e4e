"""No network: the suite-wide guard (tests/conftest.py) refuses sockets, and the app opens none."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from annotator.core.model import Status
from annotator.services.backups import create_backup
from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import open_project, seeds_dir
from annotator.services.session import DocumentSession
from annotator.services.statistics import project_stats
from tests.conftest import NetworkBlocked, NetworkGuard


def test_guard_refuses_internet_sockets(network_guard: NetworkGuard) -> None:
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkBlocked):
        socket.socket()  # default family is AF_INET
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("example.com", 80))
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.com", 443)
    assert len(network_guard.attempts) == 5
    network_guard.attempts.clear()  # these were deliberate


def test_guard_allows_local_socket_pairs(network_guard: NetworkGuard) -> None:
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"x")
        assert b.recv(1) == b"x"
    assert network_guard.attempts == []


def test_whole_service_workflow_opens_no_socket(
    tmp_path: Path, network_guard: NetworkGuard
) -> None:
    folder = seeds_dir()
    assert folder is not None
    with open_project(tmp_path / "p.annotator", "alice") as project:
        report = import_paths(project, [folder])
        assert report.imported >= 1
        session = DocumentSession(project, report.document_ids[0])
        session.apply(session.new_entity(0, 5, "PERSON"))
        session.set_status(Status.DONE)
        export_project(project, tmp_path / "out.jsonl")
        project_stats(project)
        assert project.path is not None
        create_backup(project.path)
    assert network_guard.attempts == []
