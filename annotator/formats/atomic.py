"""Atomic file output: write to a temporary file beside the target, then rename.

The temporary file (or folder) is named ``.<target>.<pid>.<random>.partial``. A process
killed mid-write cannot remove its own; the next write to the same target removes those
whose process is gone, and importers skip dot-files, so a stale one is never mistaken for
output. Output is created with the permissions the umask allows (0666 / 0777 & ~umask),
like any other program's.

A folder export replaces only a previous export of the same kind: the record
``.<target>.export.json`` beside it lists the files written there, and a folder holding
anything else is refused, never emptied.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

PARTIAL_SUFFIX = ".partial"
RECORD_SUFFIX = ".export.json"
OLD_SUFFIX = ".old"
UNNAMED_PARTIAL_MAX_AGE_S = 24 * 3600

WRITE_BUFFER = 1 << 20  # 1 MB: an export of 400 MB in hundreds of writes, not 100,000


class FolderNotOurs(OSError):
    """The target folder holds files an export did not write: it is never replaced."""


def current_umask() -> int:
    """This process's umask (read without changing it where the system allows)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it
    os.umask(mask)
    return mask


def _honour_umask(path: Path, folder: bool) -> None:
    """mkstemp/mkdtemp create 0600/0700: give the output the mode open()/mkdir() would."""
    if os.name == "posix":
        os.chmod(path, (0o777 if folder else 0o666) & ~current_umask())


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
        _honour_umask(Path(tmp), folder=False)
        with os.fdopen(fd, "wb", buffering=WRITE_BUFFER) as out:
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


def _stale(partial: Path, pid_text: str) -> bool:
    if pid_text.isdigit():
        return not pid_alive(int(pid_text))
    # Folders of earlier versions carry no process id: stale once nobody could still write.
    try:
        return time.time() - partial.lstat().st_mtime > UNNAMED_PARTIAL_MAX_AGE_S
    except OSError:
        return False


def remove_stale_partials(target: str | Path) -> list[Path]:
    """Delete temporary files (or folders) left by writes to `target` whose process died."""
    removed = []
    prefix = f".{Path(target).name}."
    for partial in partial_files(target):
        pid_text = partial.name[len(prefix) :].split(".", 1)[0]
        if _stale(partial, pid_text):
            with contextlib.suppress(OSError):
                if partial.is_dir() and not partial.is_symlink():
                    shutil.rmtree(partial)
                else:
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


def record_path(target: str | Path) -> Path:
    """The hidden record beside a folder export: its kind and the files written there."""
    path = Path(target)
    return path.with_name(f".{path.name}{RECORD_SUFFIX}")


def _files_in(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.lstat().st_size
        for p in folder.rglob("*")
        if not p.is_dir() or p.is_symlink()
    }


def _write_record(target: Path, kind: str, files: dict[str, int]) -> None:
    data = json.dumps({"kind": kind, "files": files}, sort_keys=True).encode("utf-8")
    with atomic_output(record_path(target)) as out:
        out.write(data + b"\n")


def _recorded(target: Path, kind: str) -> dict[str, int] | None:
    try:
        data: Any = json.loads(record_path(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") != kind:
        return None
    files = data.get("files")
    return files if isinstance(files, dict) else None


def check_replaceable(
    target: str | Path, kind: str, recognise: Callable[[Path], bool] | None = None
) -> None:
    """Raise FolderNotOurs unless `target` is missing, empty, or a previous `kind` export
    (listed in its record, or accepted by `recognise`, e.g. by the manifest beside it)."""
    path = Path(target)
    if not path.is_dir():
        return
    present = _files_in(path)
    if not present:
        return
    recorded = _recorded(path, kind)
    if recorded is not None:
        foreign = sorted(name for name in present if name not in recorded)
        if not foreign:
            return
        example = foreign[0]
    elif recognise is not None and recognise(path):
        return
    else:
        example = sorted(present)[0]
    raise FolderNotOurs(
        errno.EEXIST,
        f"is a folder that holds files this {kind} export did not write "
        f"(such as {example!r}); nothing was deleted. Choose a new or empty folder",
        str(path),
    )


def recover_folder(target: str | Path) -> None:
    """Finish a folder swap that a killed process left half done: put the previous export
    back if the target is missing, or delete it if the new one is in place."""
    path = Path(target)
    prefix = f".{path.name}."
    try:
        children = list(path.parent.iterdir())
    except OSError:
        return
    for child in children:
        name = child.name
        if not (name.startswith(prefix) and name.endswith(OLD_SUFFIX)):
            continue
        pid_text = name[len(prefix) : -len(OLD_SUFFIX)]
        if not pid_text.isdigit() or pid_alive(int(pid_text)) or not child.is_dir():
            continue
        if not path.exists():
            os.replace(child, path)
        else:
            shutil.rmtree(child, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # this file system cannot exchange: fall back to two renames
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(tmp: Path, path: Path) -> None:
    """Put folder `tmp` at `path`; the old folder there (if any) is deleted. At every
    moment `path` holds the old or the new folder (or, after a kill between the two
    renames of the fallback, `recover_folder` puts the old one back)."""
    if not path.exists():
        os.replace(tmp, path)
        return
    if _exchange(tmp, path):
        shutil.rmtree(tmp, ignore_errors=True)  # now the old export
        return
    old = path.with_name(f".{path.name}.{os.getpid()}{OLD_SUFFIX}")
    os.replace(path, old)
    os.replace(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_folder(
    target: str | Path, kind: str = "export", recognise: Callable[[Path], bool] | None = None
) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces `target`, on error it goes.

    `target` must be missing, empty, or a previous export of the same `kind` (see
    `check_replaceable`); anything else raises FolderNotOurs before a file is written.
    """
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(20, "exists and is not a folder", str(path))
    recover_folder(path)
    remove_stale_partials(path)
    check_replaceable(path, kind, recognise)
    tmp = Path(
        tempfile.mkdtemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=PARTIAL_SUFFIX, dir=path.parent
        )
    )
    try:
        _honour_umask(tmp, folder=True)
        yield tmp
        new = _files_in(tmp)
        old = _files_in(path) if path.is_dir() else {}
        _write_record(path, kind, {**old, **new})  # covers what is there at every moment
        _swap_in(tmp, path)
        _write_record(path, kind, new)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_dir(path.parent)
