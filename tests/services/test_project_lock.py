"""Single writer: a second instance is refused with a clear message; a crash frees the lock."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.services.lock import ProjectLock, ProjectLocked, lock_path_for, read_holder
from annotator.services.project import ProjectCorrupt, ProjectError, open_project
from tests.services.proc_helpers import kill_hard, read_line, start_python

HOLD = """
    import sys
    from annotator.services.project import open_project
    project = open_project(sys.argv[1] if len(sys.argv) > 1 else {path!r}, "holder")
    print("ready", flush=True)
    sys.stdin.readline()
    project.close()
    print("closed", flush=True)
"""


def test_second_open_in_same_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with open_project(path, "alice"):
        with pytest.raises(ProjectLocked) as info:
            open_project(path, "bob")
        assert "already open" in str(info.value)
        assert "alice" in str(info.value)
    with open_project(path, "bob"):  # released on close
        pass


def test_lock_file_names_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with open_project(path, "alice") as project:
        assert project.lock is not None and project.lock.held
        holder = read_holder(lock_path_for(path))
        assert holder is not None
        assert holder.pid == os.getpid()
        assert holder.host == socket.gethostname()
        assert holder.user == "alice"
    assert not lock_path_for(path).exists()


def test_read_only_tools_can_skip_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with open_project(path, "alice"), open_project(path, "reader", lock=False) as reader:
        assert reader.lock is None
        assert reader.repo.count_documents() == 0


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
def test_other_process_holds_then_crashes(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    open_project(path).close()
    child = start_python(HOLD.format(path=str(path)), tmp_path)
    try:
        assert read_line(child) == "ready"
        with pytest.raises(ProjectLocked) as info:
            open_project(path, "second")
        err = info.value
        assert err.holder is not None and err.holder.pid == child.pid
        assert f"process {child.pid}" in str(err) and "holder" in str(err)
    finally:
        kill_hard(child)
    # The crashed holder's lock file is still there, but the lock is gone with the process.
    assert lock_path_for(path).exists()
    with open_project(path, "second") as project:
        assert project.lock is not None and project.lock.held


@pytest.mark.slow
def test_other_process_releases_on_close(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    open_project(path).close()
    child = start_python(HOLD.format(path=str(path)), tmp_path)
    try:
        assert read_line(child) == "ready"
        with pytest.raises(ProjectLocked):
            open_project(path)
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        assert read_line(child) == "closed"
    finally:
        child.wait(timeout=30)
        for stream in (child.stdin, child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    open_project(path).close()


def test_unreadable_lock_record_still_refuses(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with ProjectLock(path, "x"):
        lock_path_for(path).write_bytes(b"\xff garbage")
        with pytest.raises(ProjectLocked) as info:
            ProjectLock(path).acquire()
        assert info.value.holder is None
        assert "another Annotator process" in str(info.value)


def test_stale_lock_file_from_crash_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    record = {"pid": 999999, "host": "elsewhere", "user": "ghost", "since": "2020-01-01"}
    lock_path_for(path).write_text(json.dumps(record))
    with open_project(path, "alice"):
        holder = read_holder(lock_path_for(path))
        assert holder is not None and holder.user == "alice"


def test_cli_writes_are_refused_while_open_but_reads_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli import main

    path = tmp_path / "p.annotator"
    article = tmp_path / "a.txt"
    article.write_text("Angela Merkel spoke in Berlin.", encoding="utf-8")
    assert main(["--project", str(path), "import", str(article)]) == 0
    with open_project(path, "alice"):
        capsys.readouterr()
        assert main(["--project", str(path), "import", str(article)]) == 2
        assert "already open in Annotator by alice" in capsys.readouterr().err
        assert main(["--project", str(path), "stats", "--json"]) == 0
        assert '"documents": 1' in capsys.readouterr().out
        out = tmp_path / "out.jsonl"
        assert main(["--project", str(path), "export", "--out", str(out)]) == 0
        assert out.read_text(encoding="utf-8").count("\n") == 1


def test_a_silent_child_fails_the_read_instead_of_hanging(tmp_path: Path) -> None:
    child = start_python("import time; time.sleep(120)", tmp_path)
    with pytest.raises(AssertionError, match=r"said nothing within 0\.5 s"):
        read_line(child, timeout=0.5)
    assert child.poll() is not None  # killed, not left running
    kill_hard(child)


def _make_read_only(path: Path, undo: list[Path]) -> None:
    """Read-only for this process: mode bits, and (root ignores those) the immutable flag."""
    path.chmod(0o555 if path.is_dir() else 0o444)
    undo.append(path)
    if os.name == "posix" and os.geteuid() == 0:
        import shutil
        import subprocess

        chattr = shutil.which("chattr")
        done = chattr and subprocess.run([chattr, "+i", str(path)], check=False, timeout=30)
        if not done or done.returncode != 0:
            pytest.skip("running as root and cannot make a file immutable here")


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    undo: list[Path] = []
    yield lambda path: _make_read_only(path, undo)
    import shutil
    import subprocess

    for path in reversed(undo):
        if os.name == "posix" and os.geteuid() == 0 and shutil.which("chattr"):
            subprocess.run(["chattr", "-i", str(path)], check=False, timeout=30)
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_read_only_project_is_reported_as_read_only_not_damaged(
    tmp_path: Path, read_only: Callable[[Path], None], what: str
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "p.annotator"
    open_project(path, "alice", backup=False).close()
    read_only(folder if what == "folder" else path)
    with pytest.raises(ProjectError) as info:
        open_project(path, "alice")
    assert not isinstance(info.value, ProjectCorrupt)
    assert "read-only" in str(info.value) and "damaged" not in str(info.value)
    with pytest.raises(ProjectError, match="read-only"):
        open_project(path, "reader", lock=False, backup=False)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX links")
@pytest.mark.parametrize("link", ["hard", "symbolic"])
def test_a_link_to_an_open_project_finds_it_locked(tmp_path: Path, link: str) -> None:
    path = tmp_path / "p.annotator"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = elsewhere / "same.annotator"
    open_project(path, "alice", backup=False).close()
    (os.link if link == "hard" else os.symlink)(path, other)
    with open_project(path, "alice", backup=False), pytest.raises(ProjectLocked, match="alice"):
        open_project(other, "bob", backup=False)
    with open_project(other, "bob", backup=False), pytest.raises(ProjectLocked, match="bob"):
        open_project(path, "alice", backup=False)  # and the other way round
    with open_project(path, "alice", backup=False):  # every lock was released
        pass


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX links")
def test_a_new_project_is_locked_by_inode_once_created(tmp_path: Path) -> None:
    path = tmp_path / "new.annotator"
    with open_project(path, "alice", backup=False):
        os.link(path, tmp_path / "alias.annotator")
        with pytest.raises(ProjectLocked):
            open_project(tmp_path / "alias.annotator", "bob", backup=False)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX links")
def test_a_hard_link_in_another_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    open_project(path, "setup", backup=False).close()
    alias = tmp_path / "alias.annotator"
    os.link(path, alias)
    child = start_python(HOLD.format(path=str(path)), tmp_path)
    try:
        assert read_line(child) == "ready"
        with pytest.raises(ProjectLocked, match="holder"):
            open_project(alias, "bob", backup=False)
    finally:
        kill_hard(child)
    with open_project(alias, "bob", backup=False):  # the crash freed both locks
        pass


def test_an_index_missing_a_row_is_found_when_opening(tmp_path: Path) -> None:
    # What two writers through a hard link left: a row missing from an index. quick_check
    # does not look inside indexes; integrity_check (now run on open for small files) does.
    import sqlite3

    path = tmp_path / "p.annotator"
    open_project(path, "alice", backup=False).close()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE extra (k TEXT)")
    conn.executemany("INSERT INTO extra VALUES (?)", [(str(i),) for i in range(50)])
    conn.execute("CREATE INDEX extra_k ON extra (k) WHERE k != '7'")  # row '7' left out
    conn.commit()
    conn.execute("PRAGMA writable_schema = ON")  # ...and now claim the index is complete
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX extra_k ON extra (k)' WHERE name = 'extra_k'"
    )
    conn.commit()
    conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    conn.close()
    with pytest.raises(ProjectCorrupt, match="missing from index"):
        open_project(path, "alice", backup=False)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX links")
def test_restore_through_a_symlink_replaces_the_file_it_names(tmp_path: Path) -> None:
    from annotator.services.backups import create_backup, restore_backup

    real = tmp_path / "real" / "p.annotator"
    real.parent.mkdir()
    open_project(real, "alice", backup=False).close()
    link = tmp_path / "p.annotator"
    link.symlink_to(real)
    good = create_backup(link)
    restore_backup(link, good)
    assert link.is_symlink() and link.resolve() == real
    assert [p.name for p in real.parent.iterdir() if "damaged" in p.name]  # kept aside
    with open_project(link, "alice", backup=False), pytest.raises(ProjectLocked):
        open_project(real, "bob", backup=False)
