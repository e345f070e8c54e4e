"""How much an import may read: size limits for records and files, and safe opening.

Every importer reads through `open_regular` (FIFOs, devices and sockets are refused
before anything blocks) and checks what it reads against the current `ImportLimits`:
one record (a JSON line, an article, a zip member, a CoNLL document) at most
`max_record_bytes`, a file read whole (``.json``, ``.spacy``) at most `max_file_bytes`.
The limits come from the environment (``ANNOTATOR_MAX_RECORD_MB``,
``ANNOTATOR_MAX_FILE_MB``) unless the caller sets them with `using_limits`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from annotator.formats.problems import FormatError

MB = 1024 * 1024
RECORD_ENV, FILE_ENV = "ANNOTATOR_MAX_RECORD_MB", "ANNOTATOR_MAX_FILE_MB"
DEFAULT_RECORD_MB, DEFAULT_FILE_MB = 64, 256


def _env_mb(name: str, default: int) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        return default
    return number if number > 0 else default


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Size limits of one import, in bytes."""

    max_record_bytes: int = DEFAULT_RECORD_MB * MB
    max_file_bytes: int = DEFAULT_FILE_MB * MB

    @classmethod
    def from_mb(cls, record_mb: float | None = None, file_mb: float | None = None) -> ImportLimits:
        """Limits in megabytes; None takes the environment's value, else the default."""
        record = record_mb if record_mb is not None else _env_mb(RECORD_ENV, DEFAULT_RECORD_MB)
        whole = file_mb if file_mb is not None else _env_mb(FILE_ENV, DEFAULT_FILE_MB)
        if record <= 0 or whole <= 0:
            raise ValueError("size limits must be positive")
        return cls(int(record * MB), int(whole * MB))

    def record_refusal(self, size: int | None = None) -> str:
        what = f"{size_text(size)}; " if size is not None else ""
        return (
            f"record is too large ({what}the limit is {size_text(self.max_record_bytes)}, "
            "see --max-record-mb)"
        )

    def file_refusal(self, size: int | None = None) -> str:
        what = f"{size_text(size)}; " if size is not None else ""
        return (
            f"file is too large to read whole ({what}the limit is "
            f"{size_text(self.max_file_bytes)}, see --max-file-mb)"
        )


def size_text(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.4g} MB"
    return f"{size} bytes"


_CURRENT: ContextVar[ImportLimits | None] = ContextVar("import_limits", default=None)


def current_limits() -> ImportLimits:
    """The limits set by `using_limits`, else those of the environment."""
    return _CURRENT.get() or ImportLimits.from_mb()


@contextmanager
def using_limits(limits: ImportLimits | None) -> Iterator[ImportLimits]:
    token = _CURRENT.set(limits or current_limits())
    try:
        yield current_limits()
    finally:
        _CURRENT.reset(token)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def not_regular(path: Path) -> str | None:
    """Why `path` cannot be imported as a file (a FIFO, a device...), or None if it can."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    return None if stat.S_ISREG(mode) else f"is {_kind(mode)}; only regular files are imported"


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading without ever blocking on a FIFO or device.

    Raises FormatError (naming the file) for anything else, or when it cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FormatError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FormatError(path, None, f"is {_kind(mode)}; only regular files are imported")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_whole(path: Path, limit: int | None = None) -> bytes:
    """A regular file's bytes, refused (FormatError) past `limit` (default: max_file_bytes)."""
    cap = current_limits().max_file_bytes if limit is None else limit
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > cap:
                raise FormatError(path, None, _refusal(cap, size, limit is None))
            data = handle.read(cap + 1)
        except OSError as exc:
            raise FormatError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > cap:  # grew while reading
        raise FormatError(path, None, _refusal(cap, None, limit is None))
    return data


def _refusal(cap: int, size: int | None, whole_file: bool) -> str:
    limits = current_limits()
    if whole_file:
        return limits.file_refusal(size)
    return ImportLimits(cap, limits.max_file_bytes).record_refusal(size)
