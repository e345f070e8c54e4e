"""Hostile and broken input through `import_paths`: damaged zips, FIFOs, devices, links,
odd file names, a full disk. Every unusable file is refused as one `file:line: reason`
line and the rest of the batch is stored."""

from __future__ import annotations

import io
import json
import logging
import os
import sqlite3
import struct
import threading
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from annotator.cli import main
from annotator.services.importing import BATCH, ImportLimits, ImportReport, import_paths
from annotator.services.project import Project

ANN = "T1\tPERSON 0 13\tAngela Merkel\n"
TXT = "Angela Merkel met Emmanuel Macron in Paris."


def _finishes(call: Callable[[], Any], seconds: float = 30) -> Any:
    """Run `call` in a thread; fail instead of hanging the suite if it blocks."""
    out: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            out.append(call())
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the import blocked"
    if errors:
        raise errors[0]
    return out[0]


def _brat_zip(pairs: int = 3, body: str = TXT) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(pairs):
            archive.writestr(f"d{i}.txt", f"{body} {i}")
            archive.writestr(f"d{i}.ann", ANN)
    return buf.getvalue()


def _member_offsets(data: bytes) -> dict[str, tuple[int, int]]:
    """name -> (local header offset, central directory entry offset)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = {info.filename: info.header_offset for info in archive.infolist()}
    central, pos = {}, data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        central[data[pos + 46 : pos + 46 + name_len].decode()] = pos
        pos = data.find(b"PK\x01\x02", pos + 46)
    return {name: (local[name], central[name]) for name in local}


def _damage(data: bytes, how: str) -> bytes:
    out = bytearray(data)
    local, central = _member_offsets(data)["d1.txt"]
    name_len, extra_len = struct.unpack_from("<HH", data, local + 26)
    payload = local + 30 + name_len + extra_len
    if how == "local-header":
        out[local : local + 4] = b"XX\x03\x04"
    elif how == "crc":
        struct.pack_into("<I", out, local + 14, 0xDEADBEEF)
        struct.pack_into("<I", out, central + 16, 0xDEADBEEF)
    elif how == "inflate":
        out[payload] = 0xFF  # reserved deflate block type
    elif how == "cd-offset":  # the directory's offset is too large: members seek before 0
        end = data.rfind(b"PK\x05\x06")
        struct.pack_into("<I", out, end + 16, struct.unpack_from("<I", data, end + 16)[0] + 1)
    return bytes(out)


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("local-header", "damaged zip member (BadZipFile: Bad magic number for file header)"),
        ("crc", "damaged zip member (BadZipFile: Bad CRC-32 for file 'd1.txt')"),
        ("inflate", "damaged zip member (inflate error: Error -3 while decompressing data"),
    ],
)
def test_a_damaged_zip_member_refuses_its_pair_only(
    project: Project, tmp_path: Path, how: str, reason: str
) -> None:
    path = tmp_path / "corpus.zip"
    path.write_bytes(_damage(_brat_zip(), how))
    report = import_paths(project, [path])
    assert report.imported == 2
    assert len(report.problems) == 1, report.problems
    problem = str(report.problems[0])
    assert problem.startswith(f"{path}!d1.")
    assert reason in problem


def test_a_bad_central_directory_offset_is_named_not_only_invalid_argument(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "corpus.zip"
    path.write_bytes(_damage(_brat_zip(), "cd-offset"))
    report = import_paths(project, [path])
    assert report.imported == 0
    assert len(report.problems) == 3  # every member is shifted: each pair refused
    assert str(report.problems[0]) == (
        f"{path}!d0.txt: damaged zip member (an offset in its directory points outside the "
        "file (bad central directory))"
    )


def test_a_folder_of_good_articles_and_a_damaged_zip_stores_every_article(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for n in range(150):
        (folder / f"a{n:03}.txt").write_text(f"Article number {n}.\n", "utf-8")
    good = _brat_zip()
    (folder / "broken.zip").write_bytes(good[: len(good) // 2])  # no central directory
    (folder / "damaged.zip").write_bytes(_damage(_brat_zip(body=TXT + " other"), "cd-offset"))
    (folder / "crc.zip").write_bytes(_damage(_brat_zip(body=TXT + " third"), "crc"))
    report = import_paths(project, [folder])
    assert report.imported == 152
    assert sorted(str(p).split(": ", 1)[0] for p in report.problems) == [
        str(folder / "broken.zip"),
        f"{folder / 'crc.zip'}!d1.txt",
        *(f"{folder / 'damaged.zip'}!d{i}.txt" for i in range(3)),
    ]


def _bomb(size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"a" * size)
        archive.writestr("bomb.ann", ANN)
    return buf.getvalue()


def test_a_zip_bomb_is_refused_before_inflating(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(_bomb(40 * 2**20))
    assert path.stat().st_size < 100_000
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    limits = ImportLimits(max_record_bytes=2**20, max_file_bytes=2**20)
    report = import_paths(project, [path], limits=limits)
    assert report.imported == 0
    assert [str(p) for p in report.problems] == [
        f"{path}!bomb.txt: record is too large (40 MB; the limit is 1 MB, see --max-record-mb)"
    ]
    assert "bomb.txt" not in opened


def test_a_zip_bomb_with_lying_sizes_stops_inflating(project: Project, tmp_path: Path) -> None:
    data = bytearray(_bomb(40 * 2**20))
    local, central = _member_offsets(bytes(data))["bomb.txt"]
    struct.pack_into("<I", data, local + 22, 1000)  # declared: 1,000 bytes
    struct.pack_into("<I", data, central + 24, 1000)
    path = tmp_path / "liar.zip"
    path.write_bytes(bytes(data))
    tracemalloc.start()
    try:
        report = import_paths(project, [path], limits=ImportLimits(2**20, 2**20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.imported == 0
    assert len(report.problems) == 1
    assert str(report.problems[0]).startswith(f"{path}!bomb.txt: ")
    assert peak < 20 * 2**20  # never the 40 MB it inflates to


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("suffix", [".jsonl", ".txt", ".zip", ".json", ".conll", ".spacy"])
def test_a_fifo_named_on_the_command_line_is_refused(
    project: Project, tmp_path: Path, suffix: str
) -> None:
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text("A good article.", "utf-8")
    report: ImportReport = _finishes(lambda: import_paths(project, [fifo, good]))
    assert report.imported == 1
    assert [str(p) for p in report.problems] == [
        f"{fifo}: is a FIFO (named pipe); only regular files are imported"
    ]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_named_as_jsonl_is_refused(project: Project, tmp_path: Path) -> None:
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    report = _finishes(lambda: import_paths(project, [link, "/dev/zero"], fmt="jsonl"))
    assert [str(p) for p in report.problems] == [
        f"{link}: is a device; only regular files are imported",
        "/dev/zero: is a device; only regular files are imported",
    ]


def test_a_huge_jsonl_line_is_refused_without_reading_it_whole(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as out:
        out.write(json.dumps({"text": "first"}).encode() + b"\n")
        out.write(b'{"text": "' + b"x" * (30 * 2**20) + b'"}\n')
        out.write(json.dumps({"text": "third"}).encode() + b"\n")
    tracemalloc.start()
    try:
        report = import_paths(project, [path], limits=ImportLimits(2**20, 2**20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.imported == 2
    assert [str(p) for p in report.problems] == [
        f"{path}:2: record is too large (the limit is 1 MB, see --max-record-mb)"
    ]
    assert peak < 10 * 2**20


def test_the_cli_takes_size_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        json.dumps({"text": "small"}) + "\n" + json.dumps({"text": "y" * 300_000}) + "\n", "utf-8"
    )
    args = ["import", "--project", str(tmp_path / "p.annotator"), str(path)]
    assert main([*args, "--max-record-mb", "0.1"]) == 1
    err = capsys.readouterr().err
    assert f"refused: {path}:2: record is too large" in err
    assert main([*args, "--max-record-mb", "1"]) == 0


def test_the_environment_sets_the_limits(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"text": "z" * 300_000}) + "\n", "utf-8")
    monkeypatch.setenv("ANNOTATOR_MAX_RECORD_MB", "0.1")
    report = import_paths(project, [path])
    assert report.imported == 0 and "record is too large" in str(report.problems[0])


def test_links_out_of_an_imported_folder_are_refused(project: Project, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:secret", "utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "more.txt").write_text("more secrets", "utf-8")
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("A good article.", "utf-8")
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "etc.txt").symlink_to("/etc/passwd")
    (folder / "dir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (folder / "sub" / "inside.txt").symlink_to(folder / "good.txt")  # stays inside: fine
    report = import_paths(project, [folder])
    assert report.imported == 1 and report.duplicates == 1
    outside_link = "is a symbolic link to a file outside the imported folder (not followed)"
    assert sorted(str(p) for p in report.problems) == [
        f"{folder / 'dir'}: {outside_link}",
        f"{folder / 'etc.txt'}: {outside_link}",
        f"{folder / 'gone.txt'}: is a broken symbolic link",
        f"{folder / 'passwd.txt'}: {outside_link}",
    ]
    texts = [d.title for d in project.repo.list_documents()]
    assert not any("secret" in t or "root:" in t for t in texts)


def test_a_brat_pair_whose_text_links_out_of_the_folder_is_refused(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("Angela Merkel secret", "utf-8")
    (folder / "d.ann").write_text(ANN, "utf-8")
    (folder / "d.txt").symlink_to(tmp_path / "secret.txt")
    report = import_paths(project, [folder])
    assert report.imported == 0
    outside = "is a symbolic link to a file outside the imported folder (not followed)"
    assert sorted(str(p) for p in report.problems) == [
        f"{folder / 'd.ann'}: its text file d.txt {outside}",
        f"{folder / 'd.txt'}: {outside}",
    ]


def test_a_file_name_with_a_newline_keeps_the_refusal_on_one_line(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "bad\nname.txt").write_bytes(b"\x00binary")
    report = import_paths(project, [folder])
    assert len(report.problems) == 1
    line = str(report.problems[0])
    assert "\n" not in line
    assert line.startswith(f"{folder}/bad\\nname.txt:1: ")


@pytest.mark.skipif(os.name == "nt", reason="Windows names are Unicode")
def test_a_non_utf8_file_name_imports_its_article(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    try:
        with open(raw, "wb") as out:
            out.write(b"An article whose name is Latin-1.")
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    (folder / "bad.txt").write_bytes(b"\x00")
    (folder / "bad.txt").rename(folder / os.fsdecode(b"bad\xff.txt"))
    report = import_paths(project, [folder])
    assert report.imported == 1
    assert [str(p).split(":", 1)[0] for p in report.problems] == [f"{folder}/bad\\xff.txt"]
    str(report.problems[0]).encode("utf-8")  # printable on any UTF-8 terminal
    (summary,) = project.repo.list_documents()
    assert project.repo.get_document(summary.id).source.endswith("caf\ufffd.txt")


def _disk_full() -> OperationalError:
    return OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))


def test_a_full_disk_stops_the_import_with_one_message(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": f"doc {n}"}) + "\n" for n in range(3 * BATCH - 7)))
    real = project.repo.begin_annotated_batch  # what the import stores each batch with
    calls: list[int] = []

    def filling(items: Any, annotator: str) -> Any:
        calls.append(len(items))
        if len(calls) > 2:
            raise _disk_full()
        return real(items, annotator)

    monkeypatch.setattr(project.repo, "begin_annotated_batch", filling)
    report = import_paths(project, [path])
    assert report.problems == []
    assert report.imported == 2 * BATCH  # two batches were stored before the disk filled
    assert report.stopped is not None
    assert report.stopped.startswith("the disk is full (database or disk is full)")
    assert "the import stopped: the disk is full" in report.summary()
    assert len(calls) == 3  # neither retried record by record nor carried on


def test_the_cli_prints_one_line_for_a_full_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.storage.repository import ProjectRepository

    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": f"doc {n}"}) + "\n" for n in range(3 * BATCH - 7)))

    def full(self: Any, items: Any, annotator: str) -> Any:
        raise _disk_full()

    monkeypatch.setattr(ProjectRepository, "begin_annotated_batch", full)
    code = main(["import", "--project", str(tmp_path / "p.annotator"), str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err == [
        "error: the import stopped: the disk is full (database or disk is full); "
        "free some space and import again"
    ]


def test_a_programming_error_is_logged_and_not_made_a_refusal(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"text": "one"}) + "\n", "utf-8")

    def broken(items: Any, annotator: str) -> Any:
        raise TypeError("a bug in the store")

    monkeypatch.setattr(project.repo, "begin_annotated_batch", broken)
    with caplog.at_level(logging.ERROR), pytest.raises(TypeError, match="a bug in the store"):
        import_paths(project, [path])
    assert any(r.exc_info and r.exc_info[0] is TypeError for r in caplog.records)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs resource limits (POSIX)")
def test_a_real_write_limit_stops_the_import_with_one_line(tmp_path: Path) -> None:
    """The project cannot grow past RLIMIT_FSIZE (as on a full disk): one line, exit 1, and
    the documents stored before stay stored."""
    import resource
    import subprocess
    import sys

    from annotator.services.project import open_project

    project_file = tmp_path / "p.annotator"
    with open_project(project_file, "t", backup=False):
        pass
    many = tmp_path / "many.jsonl"
    many.write_text(
        "".join(json.dumps({"text": f"doc {n} " + "word " * 200}) + "\n" for n in range(2993))
    )
    limit = project_file.stat().st_size + 4_000_000  # room for about one batch

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(os.environ, ANNOTATOR_USER="t")
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "import", "--project", str(project_file), str(many)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: the import stopped: the project cannot be written")
    stored = int(done.stdout.split()[1])
    assert 0 < stored < 2993
    with open_project(project_file, "t", backup=False) as project:
        assert len(project.repo.list_documents()) == stored
