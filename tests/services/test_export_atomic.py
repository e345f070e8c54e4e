"""Exports are atomic: cancelled, failed or killed exports leave the previous file intact."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from annotator.formats.atomic import atomic_output, partial_files, remove_stale_partials
from annotator.formats.native_jsonl import parse_native_record
from annotator.services.exporting import export_project
from annotator.services.importing import Cancelled
from annotator.services.project import Project, open_project
from tests.services.proc_helpers import kill_hard, read_line, start_python

PREVIOUS = b'{"previous": "export"}\n'


@pytest.fixture
def project(tmp_path: Path) -> Project:
    opened = open_project(tmp_path / "p.annotator", "alice", backup=False)
    docs = [parse_native_record({"text": f"Article number {i}. " * 20}) for i in range(250)]
    opened.repo.add_annotated_batch(docs, "alice")
    yield opened  # type: ignore[misc]
    opened.close()


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cancelled_export_keeps_previous_file(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(PREVIOUS)
    seen: list[int] = []
    with pytest.raises(Cancelled):
        export_project(
            project, out, progress=lambda n, _t: seen.append(n), cancelled=lambda: bool(seen)
        )
    assert seen  # it was part-way through
    assert out.read_bytes() == PREVIOUS
    assert partial_files(out) == []


def test_failed_export_keeps_previous_file(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(PREVIOUS)

    def explode(n: int, _total: int) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        export_project(project, out, progress=explode)
    assert out.read_bytes() == PREVIOUS
    assert partial_files(out) == []


def test_completed_export_replaces_file(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(PREVIOUS)
    report = export_project(project, out)
    assert report.documents == 250 and len(_lines(out)) == 250
    assert partial_files(out) == []


KILLED_EXPORT = """
    import sys
    from annotator.services.exporting import export_project
    from annotator.services.project import open_project

    project = open_project({path!r}, lock=False, backup=False)

    def progress(n, total):
        print("writing", n, flush=True)
        sys.stdin.readline()  # wait here, mid-file, until killed

    export_project(project, {out!r}, progress=progress)
    print("finished", flush=True)
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
def test_killed_export_keeps_previous_file_and_leaves_no_partial(
    project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(PREVIOUS)
    child = start_python(KILLED_EXPORT.format(path=project.location, out=str(out)), tmp_path)
    try:
        assert read_line(child) == "writing 100"
        partials = partial_files(out)
        assert len(partials) == 1 and f".{child.pid}." in partials[0].name
    finally:
        kill_hard(child)

    assert out.read_bytes() == PREVIOUS  # never a half-written export
    assert partials[0].exists()  # SIGKILL left it; nothing else can be trusted to remove it
    assert remove_stale_partials(out) == partials
    assert partial_files(out) == []


def test_next_export_sweeps_stale_partials_but_not_live_ones(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    dead = tmp_path / ".out.jsonl.999999999.abc.partial"  # no such process
    dead.write_bytes(b"half")
    live_pid = os.getppid()
    live = tmp_path / f".out.jsonl.{live_pid}.xyz.partial"  # another export still running
    live.write_bytes(b"half")
    other = tmp_path / ".other.jsonl.999999999.abc.partial"
    other.write_bytes(b"not ours")
    with atomic_output(out) as handle:
        handle.write(b"new\n")
    assert out.read_bytes() == b"new\n"
    assert not dead.exists()
    assert live.exists() and other.exists()
