"""Exports are atomic: cancelled, failed or killed exports leave the previous file intact."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.formats import atomic
from annotator.formats.atomic import (
    FolderNotOurs,
    atomic_output,
    partial_files,
    record_path,
    recover_folder,
    remove_stale_partials,
)
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


def test_a_folder_export_never_empties_a_folder_it_did_not_write(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli import main

    folder = tmp_path / "Documents"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"two years of work")
    (folder / "drafts").mkdir()
    (folder / "drafts" / "ch1.txt").write_text("draft", encoding="utf-8")
    with pytest.raises(FolderNotOurs, match="did not write"):
        export_project(project, folder, "brat")
    code = main(["--project", project.location, "export", "--format", "brat", "--out", str(folder)])
    assert code == 1 and "did not write" in capsys.readouterr().err
    assert (folder / "thesis.docx").read_bytes() == b"two years of work"
    assert sorted(p.name for p in folder.rglob("*")) == ["ch1.txt", "drafts", "thesis.docx"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".Documents")] == []


def test_a_previous_export_of_the_same_kind_is_replaced_and_nothing_else(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "brat"
    export_project(project, folder, "brat")
    export_project(project, folder, "brat")  # our own previous export: replaced
    assert len(list(folder.glob("*.ann"))) == 250
    (tmp_path / "empty").mkdir()
    export_project(project, tmp_path / "empty", "brat")  # an empty folder is fine
    (folder / "my-notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FolderNotOurs, match=r"my-notes\.txt"):
        export_project(project, folder, "brat")
    assert (folder / "my-notes.txt").read_text(encoding="utf-8") == "mine"
    (folder / "my-notes.txt").unlink()
    with pytest.raises(FolderNotOurs):
        export_project(project, folder, "spacy")  # a brat export is not a spaCy one


def test_an_export_from_before_the_record_is_recognised_by_its_manifest(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "brat"
    export_project(project, folder, "brat")
    record_path(folder).unlink()  # as exports were written before
    export_project(project, folder, "brat")
    record_path(folder).unlink()
    (folder / "doc-1.ann").write_text("edited by hand", encoding="utf-8")
    with pytest.raises(FolderNotOurs):  # no longer what the manifest describes
        export_project(project, folder, "brat")


def test_stale_partial_folders_are_removed_by_the_next_export(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "brat"
    dead = tmp_path / ".brat.999999999.k3j2.partial"
    dead.mkdir()
    (dead / "doc-1.ann").write_text("half", encoding="utf-8")
    live = tmp_path / f".brat.{os.getppid()}.a1b2.partial"  # an export still running
    live.mkdir()
    legacy = tmp_path / ".brat.x9_q2kfw.partial"  # earlier versions named no process
    legacy.mkdir()
    (legacy / "doc-1.ann").write_text("half", encoding="utf-8")
    recent = tmp_path / ".brat.abcdefgh.partial"
    recent.mkdir()
    day_ago = time.time() - 25 * 3600
    os.utime(legacy, (day_ago, day_ago))
    export_project(project, folder, "brat")
    assert not dead.exists() and not legacy.exists()
    assert sorted(partial_files(folder)) == sorted([live, recent])


SWAP_KILLED = """
    import os
    from annotator.formats import atomic
    from annotator.services.exporting import export_project
    from annotator.services.project import open_project

    atomic._exchange = lambda a, b: False  # the two-rename fallback
    real_replace = os.replace

    def replace(src, dst):
        if str(src) == {out!r}:  # the old export moved aside: die before the new one is in
            real_replace(src, dst)
            print("between", flush=True)
            os._exit(9)
        real_replace(src, dst)

    os.replace = replace
    export_project(open_project({path!r}, lock=False, backup=False), {out!r}, "brat")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process exit")
def test_a_kill_between_the_two_renames_is_recovered(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    export_project(project, folder, "brat")
    before = sorted(p.name for p in folder.iterdir())
    child = start_python(SWAP_KILLED.format(path=project.location, out=str(folder)), tmp_path)
    try:
        assert read_line(child) == "between"
        child.wait(timeout=30)
    finally:
        kill_hard(child)
    assert not folder.exists()  # the moment the fallback cannot avoid...
    recover_folder(folder)  # ...which the next export (or anyone) repairs first
    assert sorted(p.name for p in folder.iterdir()) == before
    export_project(project, folder, "brat")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".brat.")] == [
        ".brat.export.json"
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_swap_exchanges_both_folders_in_one_step(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "new").write_text("new", encoding="utf-8")
    (b / "old").write_text("old", encoding="utf-8")
    if not atomic._exchange(a, b):
        pytest.skip("this file system cannot exchange names")
    assert [p.name for p in b.iterdir()] == ["new"] and [p.name for p in a.iterdir()] == ["old"]


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
@pytest.mark.parametrize(
    ("mask", "file_mode", "dir_mode"),
    [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700), (0o002, 0o664, 0o775)],
)
def test_exports_honour_the_umask(
    project: Project,
    tmp_path: Path,
    umask: Callable[[int], None],
    mask: int,
    file_mode: int,
    dir_mode: int,
) -> None:
    umask(mask)
    assert atomic.current_umask() == mask
    report = export_project(project, tmp_path / "out.jsonl")
    folder_report = export_project(project, tmp_path / "brat", "brat")
    for path in (
        tmp_path / "out.jsonl",
        Path(report.manifest or ""),
        Path(folder_report.manifest or ""),
    ):
        assert stat.S_IMODE(path.stat().st_mode) == file_mode, path
    assert stat.S_IMODE((tmp_path / "brat").stat().st_mode) == dir_mode
    assert stat.S_IMODE(next((tmp_path / "brat").glob("*.ann")).stat().st_mode) == file_mode
