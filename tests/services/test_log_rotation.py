"""The log file rotates by size exactly as logging.handlers.RotatingFileHandler does."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from annotator.services.logs import RotatingLogFile


def _write(handler: logging.Handler, count: int) -> None:
    handler.setFormatter(logging.Formatter("%(message)s"))
    for i in range(count):
        record = logging.LogRecord(
            "annotator", logging.INFO, __file__, 1, f"line {i:03d}", (), None
        )
        handler.handle(record)
    handler.close()


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_rotation_matches_the_standard_library(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    _write(RotatingLogFile(ours / "a.log", 50, 3), 40)
    _write(
        logging.handlers.RotatingFileHandler(
            theirs / "a.log", maxBytes=50, backupCount=3, encoding="utf-8", delay=True
        ),
        40,
    )
    assert _files(ours) == _files(theirs)
    assert sorted(_files(ours)) == ["a.log", "a.log.1", "a.log.2", "a.log.3"]


def test_nothing_is_created_before_the_first_record(tmp_path: Path) -> None:
    handler = RotatingLogFile(tmp_path / "a.log", 50, 3)
    handler.close()
    assert not (tmp_path / "a.log").exists()


def test_without_backups_no_numbered_file_appears(tmp_path: Path) -> None:
    _write(RotatingLogFile(tmp_path / "a.log", 30, 0), 10)
    assert [p.name for p in tmp_path.iterdir()] == ["a.log"]
