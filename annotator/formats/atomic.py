"""Atomic file output: write to a temporary file beside the target, then rename.

The temporary file is named ``.<target>.<pid>.<random>.partial``. A process killed mid-write
cannot remove its own; the next write to the same target removes those whose process is
gone, and importers skip dot-files, so a stale one is never mistaken for output.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PARTIAL_SUFFIX = ".partial"


@contextlib.contextmanager
def atomic_output(target: str | Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces `target`, on any error it vanishes.

    "-" writes to standard output instead (not atomic, by nature).
    """
    if str(target) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(path)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=PARTIAL_SUFFIX, dir=path.parent
    )
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def partial_files(target: str | Path) -> list[Path]:
    """Temporary files of unfinished writes to `target` (this or other processes)."""
    path = Path(target)
    prefix = f".{path.name}."
    try:
        children = list(path.parent.iterdir())
    except OSError:
        return []
    return [c for c in children if c.name.startswith(prefix) and c.name.endswith(PARTIAL_SUFFIX)]


def remove_stale_partials(target: str | Path) -> list[Path]:
    """Delete temporary files left by writes to `target` whose process has died."""
    removed = []
    prefix = f".{Path(target).name}."
    for partial in partial_files(target):
        pid_text = partial.name[len(prefix) :].split(".", 1)[0]
        if pid_text.isdigit() and not pid_alive(int(pid_text)):
            with contextlib.suppress(OSError):
                partial.unlink()
                removed.append(partial)
    return removed


def pid_alive(pid: int) -> bool:
    """True if a process with this id exists on this machine."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined, unused-ignore]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces `target`, on error it goes."""
    import shutil

    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(20, "exists and is not a folder", str(path))
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent))
    try:
        yield tmp
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_dir(path.parent)
