"""One writer per project: an operating-system lock on a file beside the project.

The lock is taken with ``flock`` (POSIX) or ``msvcrt.locking`` (Windows). The operating
system drops it when the holding process ends, however it ends, so a crash never leaves a
project locked. The lock file also records who holds it (pid, host, user, time) so that a
second instance can say so in plain words.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from annotator.services.errors import ProjectError

LOCK_SUFFIX = ".lock"
# Windows locks are mandatory: lock a byte well past the holder record so it stays readable.
_WINDOWS_LOCK_OFFSET = 1 << 20


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


def lock_path_for(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + LOCK_SUFFIX)


def read_holder(lock_file: Path) -> LockHolder | None:
    """The holder recorded in a lock file, or None if it cannot be read."""
    try:
        with lock_file.open("rb") as handle:
            raw = handle.read(4096)
        data: Any = json.loads(raw.split(b"\0", 1)[0].decode("utf-8"))
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

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> ProjectLock:
        if self._fd is not None:
            return self
        for _ in range(5):  # retry if the file was replaced between open and lock
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise ProjectError(
                    f"{self.path}: cannot create the project lock ({exc.strerror or exc})"
                ) from None
            if not _try_lock(fd):
                os.close(fd)
                raise ProjectLocked(self.project_path, read_holder(self.path))
            if _same_file(fd, self.path):
                self._fd = fd
                self._write_holder(fd)
                return self
            _unlock(fd)
            os.close(fd)
        raise ProjectLocked(self.project_path, read_holder(self.path))

    def _write_holder(self, fd: int) -> None:
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": self.user,
            "since": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            "app": "annotator",
        }
        data = json.dumps(record).encode("utf-8")
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data + b"\n")
        if sys.platform != "win32":
            os.ftruncate(fd, len(data) + 1)
        with contextlib.suppress(OSError):
            os.fsync(fd)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if sys.platform != "win32":
            # Unlink while still holding the lock; a waiter that opened the old file notices
            # (inode check in `acquire`) and retries on a fresh one.
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        _unlock(fd)
        os.close(fd)
        if sys.platform == "win32":
            with contextlib.suppress(OSError):
                os.unlink(self.path)

    def __enter__(self) -> ProjectLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()


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
