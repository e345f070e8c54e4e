"""Rotating verified backups, damage detected at open, and restoring the latest good copy."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from annotator.core.model import EntitySpan
from annotator.services import backups
from annotator.services.backups import (
    BackupFailed,
    backup_if_due,
    backups_dir,
    create_backup,
    latest_good_backup,
    list_backups,
    restore_backup,
)
from annotator.services.project import Project, ProjectCorrupt, open_project
from annotator.storage import NewDocument
from annotator.storage.sqlite_files import integrity_problems


def _project_with_text(path: Path, text: str = "Angela Merkel met Emmanuel Macron.") -> str:
    with open_project(path, "alice", backup=False) as project:
        doc_id, _ = project.repo.add_document(NewDocument("t", text))
        project.repo.editor(doc_id, "alice").put_entity(EntitySpan("e1", 0, 13, "PERSON", "alice"))
    return doc_id


def _entities(path: Path, doc_id: str) -> set[str]:
    with open_project(path, backup=False) as project:
        return set(project.repo.load_annotations(doc_id).entities)


def test_backup_is_a_verified_copy(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    doc_id = _project_with_text(path)
    copy = create_backup(path)
    assert copy.parent == backups_dir(path) == tmp_path / "backups"
    assert integrity_problems(copy, quick=False) == []
    assert not any(p.name.endswith(".partial") for p in copy.parent.iterdir())
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT id FROM entity_spans").fetchall() == [("e1",)]
        assert conn.execute("SELECT id FROM documents").fetchall() == [(doc_id,)]
    finally:
        conn.close()


def test_backup_sees_committed_edits_while_project_is_open(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    doc_id = _project_with_text(path)
    with open_project(path, "alice", backup=False) as project:
        project.repo.editor(doc_id, "alice").put_entity(EntitySpan("e2", 18, 33, "PERSON", "a"))
        copy = create_backup(path)  # the edit is still in the WAL, not the main file
    conn = sqlite3.connect(copy)
    try:
        assert {r[0] for r in conn.execute("SELECT id FROM entity_spans")} == {"e1", "e2"}
    finally:
        conn.close()


def test_rotation_keeps_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    _project_with_text(path)
    made = [create_backup(path, keep=3) for _ in range(5)]
    kept = [b.path for b in list_backups(path)]
    assert kept == made[:1:-1]  # newest first, the two oldest gone


def test_backup_of_other_project_in_same_folder_is_not_rotated(tmp_path: Path) -> None:
    a, b = tmp_path / "a.annotator", tmp_path / "a-b.annotator"
    _project_with_text(a)
    _project_with_text(b, "Another text entirely, long enough to name.")
    create_backup(b)
    for _ in range(3):
        create_backup(a, keep=1)
    assert len(list_backups(a)) == 1
    assert len(list_backups(b)) == 1


def test_backup_on_open_and_when_due(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.annotator"
    doc_id = _project_with_text(path)
    assert list_backups(path) == []
    with open_project(path, "alice") as project:
        assert len(list_backups(path)) == 1  # first open: backed up
        assert backup_if_due(project) is None  # just done
        assert backup_if_due(project, interval=0) is None  # nothing changed since
        time.sleep(0.01)
        project.repo.editor(doc_id, "alice").put_entity(EntitySpan("e3", 18, 33, "PERSON", "a"))
        assert backup_if_due(project, interval=3600) is None  # changed, but not yet due
        made = backup_if_due(project, interval=0)
        assert made is not None and made == list_backups(path)[0].path


def test_backup_if_due_ignores_server_projects(tmp_path: Path) -> None:
    project = open_project(f"sqlite:///{tmp_path / 'x.annotator'}", backup=False)
    project.close()
    server = Project("postgresql://db/x", project.repo, "a")
    assert backup_if_due(server) is None


def test_failed_verification_keeps_older_backups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.annotator"
    _project_with_text(path)
    good = create_backup(path)
    monkeypatch.setattr(
        "annotator.storage.sqlite_files.integrity_problems", lambda *_a, **_k: ["page 3 broken"]
    )
    with pytest.raises(BackupFailed, match="appears damaged"):
        create_backup(path, keep=1)
    assert [b.path for b in list_backups(path)] == [good]
    assert sorted(p.name for p in backups_dir(path).iterdir()) == [good.name]


def _corrupt(path: Path) -> None:
    """Overwrite the pages after the header with garbage, as a failing disk might."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(100)
        handle.write(os.urandom(min(size - 100, 8192)))


def test_damaged_project_is_detected_at_open_with_latest_good_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    doc_id = _project_with_text(path)
    older = create_backup(path)
    newest = create_backup(path)
    _corrupt(newest)  # the newest backup is bad too: the older one is offered
    _corrupt(path)
    with pytest.raises(ProjectCorrupt) as info:
        open_project(path)
    err = info.value
    assert err.path == path
    assert err.latest_backup == older == latest_good_backup(path)
    assert older.name in str(err) and "cannot be opened" in str(err)

    aside = restore_backup(path, older)
    assert aside.exists() and aside != path  # the damaged file is kept for inspection
    assert _entities(path, doc_id) == {"e1"}


@pytest.mark.parametrize(
    "content",
    [b"", b"SQLite format 3\x00" + b"\x00" * 50, b"hello, this is not a database\n" * 10],
    ids=["zeroed", "truncated", "not-sqlite"],
)
def test_unusable_files_raise_project_corrupt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "p.annotator"
    if not content:
        path.write_bytes(b"\x00" * 4096)  # zeroed by a crash of the file system
    else:
        path.write_bytes(content)
    with pytest.raises(ProjectCorrupt) as info:
        open_project(path)
    assert info.value.latest_backup is None
    assert "No backup" in str(info.value)
    # the project is not locked after a refusal
    with pytest.raises(ProjectCorrupt):
        open_project(path)


def test_restore_refuses_a_damaged_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    _project_with_text(path)
    bad = create_backup(path)
    _corrupt(bad)
    before = path.read_bytes()
    with pytest.raises(BackupFailed, match="damaged too"):
        restore_backup(path, bad)
    assert path.read_bytes() == before


def test_restore_refuses_while_project_is_open(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    _project_with_text(path)
    good = create_backup(path)
    with open_project(path, backup=False), pytest.raises(backups.ProjectError, match="already"):
        restore_backup(path, good)


def test_partial_copy_left_by_a_killed_backup_is_ignored_then_removed(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    _project_with_text(path)
    folder = backups_dir(path)
    folder.mkdir()
    leftover = folder / ".p-20240101T000000000000Z-auto.annotator.partial"
    leftover.write_bytes(b"half a copy")
    other = folder / ".q-20240101T000000000000Z-auto.annotator.partial"
    other.write_bytes(b"another project's")
    assert list_backups(path) == []  # never offered as a backup
    create_backup(path)
    assert not leftover.exists() and other.exists()
    assert len(list_backups(path)) == 1


def _truncate(path: Path) -> None:
    """Cut the project to 0 bytes, as a sync tool's crash or a full disk did."""
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    path.write_bytes(b"")


def test_an_empty_project_file_is_refused_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    _project_with_text(path)
    good = create_backup(path)
    _truncate(path)
    with pytest.raises(ProjectCorrupt, match=r"empty \(0 bytes\)") as info:
        open_project(path, "alice")
    assert info.value.latest_backup == good
    assert path.stat().st_size == 0  # not made into a new, empty project
    with pytest.raises(ProjectCorrupt):
        open_project(path, "alice")  # still refused: nothing was created in it


def test_backups_of_an_empty_project_never_rotate_the_good_ones_away(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    doc_id = _project_with_text(path)
    good = [create_backup(path, keep=3) for _ in range(3)]
    _truncate(path)
    for _ in range(4):
        with pytest.raises(BackupFailed, match="empty"):
            create_backup(path, keep=3)
    assert sorted(b.path for b in list_backups(path)) == sorted(good)
    assert latest_good_backup(path) == good[-1]
    restore_backup(path, good[-1])
    assert _entities(path, doc_id) == {"e1"}


def test_a_backup_holding_an_empty_database_is_not_a_good_backup(tmp_path: Path) -> None:
    # What rotation kept after backing up an empty project: restore brought it back.
    path = tmp_path / "p.annotator"
    _project_with_text(path)
    good = create_backup(path)
    later = backups_dir(path) / "p-29990101T000000000000Z-auto.annotator"
    (tmp_path / "empty.annotator").write_bytes(b"")
    src, dst = sqlite3.connect(tmp_path / "empty.annotator"), sqlite3.connect(later)
    src.backup(dst)  # how the copy of an emptied project was made
    dst.execute("PRAGMA journal_mode = DELETE")
    src.close()
    dst.close()
    assert list_backups(path)[0].path == later
    assert latest_good_backup(path) == good
    with pytest.raises(BackupFailed, match="damaged too"):
        restore_backup(path, later)


def test_another_applications_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.annotator"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ProjectCorrupt, match="another application"):
        open_project(path, "alice")
    assert path.read_bytes() == before
    with pytest.raises(BackupFailed):
        create_backup(path)
    assert list_backups(path) == []
