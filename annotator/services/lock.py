"""One writer per project: operating-system locks on a file beside the project and on
the project file's inode.

The file beside the project is named after the project with its symbolic links resolved;
a second lock, in a folder of the system's temporary directory, is named after the project
file's device and inode, so a hard link under another name finds the project locked too.

The lock is taken with ``flock`` (POSIX) or ``msvcrt.locking`` (Windows). The operating
system drops it when the holding process ends, however it ends, so a crash never leaves a
project locked. The lock file also records who holds it (pid, host, user, time) so that a
second instance can say so in plain words.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from annotator.services.errors import ProjectError

LOCK_SUFFIX = ".lock"
INODE_LOCK_DIR = "annotator-locks"
log = logging.getLogger(__name__)
# Windows locks are mandatory: lock a byte well past the holder record so it stays readable.
_WINDOWS_LOCK_OFFSET = 1 << 20


def host_name() -> str:
    """This computer's name, as `socket.gethostname()` gives it (on POSIX that is the
    uname node name: read there without importing socket, a cost on every write)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return str(uname().nodename)
    import socket

    return socket.gethostname()


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a project lock, as recorded in the lock file."""

    pid: int | None
    host: str
    user: str
    since: str

    def describe(self) -> str:
        who = self.user or "another user"
        where = f" on {self.host}" if self.host else ""
        pid = f" (process {self.pid})" if self.pid is not None else ""
        since = f" since {self.since}" if self.since else ""
        return f"{who}{where}{pid}{since}"


class ProjectLocked(ProjectError):
    """Another Annotator process has the project open for editing."""

    def __init__(self, path: Path, holder: LockHolder | None) -> None:
        self.path = path
        self.holder = holder
        who = holder.describe() if holder is not None else "another Annotator process"
        super().__init__(
            f"{path.name} is already open in Annotator by {who}. "
            "Close it there first; only one Annotator may edit a project at a time."
        )


def real_path(project_path: Path) -> Path:
    """The project file with every symbolic link resolved: one file, one name lock."""
    return Path(os.path.realpath(project_path))


def lock_path_for(project_path: Path) -> Path:
    real = real_path(project_path)
    return real.with_name(real.name + LOCK_SUFFIX)


def inode_lock_path(project_path: Path) -> Path | None:
    """The machine-wide lock of the project file's inode, or None (no file yet, or no
    usable lock folder). A hard link has another name but the same device and inode."""
    try:
        st = os.stat(project_path)
    except OSError:
        return None
    folder = Path(tempfile.gettempdir()) / INODE_LOCK_DIR
    try:
        folder.mkdir(mode=0o777, exist_ok=True)
        if sys.platform != "win32" and folder.stat().st_uid == os.geteuid():
            folder.chmod(0o1777)  # every user's Annotator locks here (sticky, like /tmp)
    except OSError as exc:
        log.warning("no inode lock for %s: %s", project_path, exc)
        return None
    return folder / f"{st.st_dev}-{st.st_ino}{LOCK_SUFFIX}"


def read_holder(lock_file: Path) -> LockHolder | None:
    """The holder recorded in a lock file, or None if it cannot be read."""
    try:
        with lock_file.open("rb") as handle:
            raw = handle.read(4096)
        data: Any = json.loads(raw.split(b"\n", 1)[0].decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pid = data.get("pid")
    return LockHolder(
        pid if isinstance(pid, int) else None,
        str(data.get("host", "")),
        str(data.get("user", "")),
        str(data.get("since", "")),
    )


class ProjectLock:
    """An exclusive lock on one project file; `acquire` raises ProjectLocked when held."""

    def __init__(self, project_path: Path, user: str = "") -> None:
        self.project_path = project_path
        self.path = lock_path_for(project_path)
        self.user = user
        self._fd: int | None = None
        self._inode: tuple[Path, int] | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> ProjectLock:
        """Lock the name, then the file's inode (if the file exists yet)."""
        if self._fd is None:
            self._fd = self._lock(self.path, required=True)
        try:
            self.lock_inode()
        except BaseException:
            self.release()
            raise
        return self

    def lock_inode(self) -> None:
        """Also lock the project file's inode; call again once a new project file exists."""
        if self._inode is not None or self._fd is None:
            return
        path = inode_lock_path(self.project_path)
        if path is not None:
            fd = self._lock(path, required=False)
            if fd is not None:
                self._inode = (path, fd)

    def _lock(self, path: Path, *, required: bool) -> int | None:
        for _ in range(5):  # retry if the file was replaced between open and lock
            try:
                flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)
                fd = os.open(path, flags, 0o666)
            except OSError as exc:
                if not required:  # e.g. another user's lock file: lock it read-only
                    try:
                        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
                    except OSError:
                        log.warning("no inode lock at %s: %s", path, exc)
                        return None
                else:
                    raise ProjectError(
                        f"{path}: cannot create the project lock ({exc.strerror or exc})"
                    ) from None
            if not _try_lock(fd):
                os.close(fd)
                raise ProjectLocked(self.project_path, read_holder(path))
            if _same_file(fd, path):
                with contextlib.suppress(OSError):
                    self._write_holder(fd)
                return fd
            _unlock(fd)
            os.close(fd)
        raise ProjectLocked(self.project_path, read_holder(path))

    def _write_holder(self, fd: int) -> None:
        record = {
            "pid": os.getpid(),
            "host": host_name(),
            "user": self.user,
            "since": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            "app": "annotator",
        }
        data = json.dumps(record).encode("utf-8")
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data + b"\n")
        if sys.platform != "win32":
            os.ftruncate(fd, len(data) + 1)
        # No fsync: the record only informs; the lock itself lives in the kernel.

    def release(self) -> None:
        inode, self._inode = self._inode, None
        if inode is not None:
            _release(*inode)
        fd, self._fd = self._fd, None
        if fd is not None:
            _release(self.path, fd)

    def __enter__(self) -> ProjectLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _release(path: Path, fd: int) -> None:
    if sys.platform != "win32":
        # Unlink while still holding the lock; a waiter that opened the old file notices
        # (inode check in `_lock`) and retries on a fresh one.
        with contextlib.suppress(OSError):
            os.unlink(path)
    _unlock(fd)
    os.close(fd)
    if sys.platform == "win32":
        with contextlib.suppress(OSError):
            os.unlink(path)


def _same_file(fd: int, path: Path) -> bool:
    if sys.platform == "win32":
        return True  # an open file cannot be deleted or replaced on Windows
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:
            # The file system has no locks (some network shares): fall back to no locking
            # rather than refusing every project stored there.
            return True
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
