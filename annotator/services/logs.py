"""The application log: a rotating file in the user data folder, passwords redacted.

`configure_logging()` is called once per process by the GUI and the command line; library
code only uses `logging.getLogger(__name__)`. Help ▸ Open log folder shows `log_dir()`.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

LOG_NAME = "annotator.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"

# user:secret@host in a database URL, and password=... in a libpq connection string
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*(?P<at>@)", re.I)
_KEYWORD_PASSWORD = re.compile(r"(?P<head>password\s*=\s*)('[^']*'|\S+)", re.I)
_MARK = "_annotator_log"  # set on the handler this module installs


def redact(text: str) -> str:
    """`text` with every password in a URL or connection string replaced by ***."""
    text = _URL_PASSWORD.sub(r"\g<head>***\g<at>", text)
    return _KEYWORD_PASSWORD.sub(r"\g<head>***", text)


class RedactingFormatter(logging.Formatter):
    """Formats a record (traceback included), then removes passwords from the result."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RotatingLogFile(logging.FileHandler):
    """`logging.handlers.RotatingFileHandler`'s rotation by size (FILE, FILE.1 ... FILE.N,
    the oldest dropped) on a plain FileHandler, the file opened on the first record: every
    command writes a record as it starts, and importing logging.handlers (socket, pickle,
    queue) would cost it several milliseconds."""

    def __init__(self, path: Path, max_bytes: int, backup_count: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8", delay=True)
        self.maxBytes = max_bytes
        self.backupCount = backup_count

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.should_rollover(record):
                self.do_rollover()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def should_rollover(self, record: logging.LogRecord) -> bool:
        if os.path.exists(self.baseFilename) and not os.path.isfile(self.baseFilename):
            return False  # never rotate anything but a regular file
        if self.stream is None:
            self.stream = self._open()
        if self.maxBytes > 0:
            message = f"{self.format(record)}\n"
            self.stream.seek(0, 2)
            if self.stream.tell() + len(message) >= self.maxBytes:
                return True
        return False

    def do_rollover(self) -> None:
        if self.stream:
            self.stream.close()
            self.stream = None
        if self.backupCount > 0:
            for i in range(self.backupCount - 1, 0, -1):
                older, newer = f"{self.baseFilename}.{i}", f"{self.baseFilename}.{i + 1}"
                if os.path.exists(older):
                    if os.path.exists(newer):
                        os.remove(newer)
                    os.rename(older, newer)
            first = f"{self.baseFilename}.1"
            if os.path.exists(first):
                os.remove(first)
            if os.path.exists(self.baseFilename):
                os.rename(self.baseFilename, first)


def log_dir() -> Path:
    """The folder that holds the log files (inside the user data folder)."""
    from annotator.services.project import data_dir

    return data_dir() / "logs"


def configure_logging(level: int = logging.INFO, folder: Path | None = None) -> Path | None:
    """Send the `annotator` loggers to the rotating log file; returns its path.

    One log file per process: calling it again with another folder moves the log there.
    A folder that cannot be written (read-only home) sends warnings to standard error
    instead and returns None: logging never stops work.
    """
    folder = folder or log_dir()
    path = folder / LOG_NAME
    logger = logging.getLogger("annotator")
    logger.setLevel(level)
    current = [h for h in logger.handlers if getattr(h, _MARK, False)]
    if any(getattr(h, "baseFilename", None) == str(path) for h in current):
        return path
    close_logging()
    handler: logging.Handler
    written: Path | None = path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingLogFile(path, MAX_BYTES, BACKUP_COUNT)
    except OSError as exc:
        print(
            f"annotator: cannot write the log in {folder}: {exc.strerror or exc}", file=sys.stderr
        )
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        written = None
    setattr(handler, _MARK, True)
    handler.setFormatter(RedactingFormatter(FORMAT))
    logger.addHandler(handler)
    return written


def close_logging() -> None:
    """Close the log files (tests, and before a frozen app exits)."""
    logger = logging.getLogger("annotator")
    for handler in list(logger.handlers):
        if getattr(handler, _MARK, False):
            logger.removeHandler(handler)
            handler.close()
