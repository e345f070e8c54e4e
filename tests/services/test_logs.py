"""The application log: a rotating file in the user data folder, with passwords redacted."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.services.logs import close_logging, configure_logging, log_dir, redact


@pytest.fixture(autouse=True)
def _closed_log() -> Iterator[None]:
    yield
    close_logging()


def test_log_goes_to_the_user_data_folder_and_moves_with_it(tmp_path: Path) -> None:
    first = configure_logging()
    assert first == log_dir() / "annotator.log"
    assert str(first).startswith(os.environ["ANNOTATOR_HOME"])
    logging.getLogger("annotator.test").warning("first message")
    other = configure_logging(folder=tmp_path / "elsewhere")
    logging.getLogger("annotator.test").warning("second message")
    close_logging()
    assert first is not None and other is not None
    assert "first message" in first.read_text(encoding="utf-8")
    assert "second message" not in first.read_text(encoding="utf-8")
    assert "second message" in other.read_text(encoding="utf-8")
    files = [getattr(h, "baseFilename", None) for h in logging.getLogger("annotator").handlers]
    assert not any(files), "close_logging leaves no log file open"


def test_configuring_twice_adds_no_second_handler() -> None:
    configure_logging()
    before = len(logging.getLogger("annotator").handlers)
    configure_logging()
    assert len(logging.getLogger("annotator").handlers) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "postgresql+psycopg://alice:s3cr%40t@db.example/annot",
            "postgresql+psycopg://alice:***@db.example/annot",
        ),
        ("host=db user=bob password='a b' dbname=x", "host=db user=bob password=*** dbname=x"),
        ("postgresql://alice@db/annot", "postgresql://alice@db/annot"),
    ],
)
def test_passwords_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_traceback_in_the_log_has_no_password(tmp_path: Path) -> None:
    path = configure_logging(folder=tmp_path)
    try:
        raise RuntimeError("cannot reach postgresql://carol:hunter2@10.0.0.1/db")
    except RuntimeError:
        logging.getLogger("annotator.test").exception("connect failed")
    close_logging()
    assert path is not None
    written = path.read_text(encoding="utf-8")
    assert "hunter2" not in written
    assert "carol:***@" in written and "Traceback" in written


def test_an_unwritable_folder_falls_back_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert configure_logging(folder=blocker / "logs") is None
    assert "cannot write the log" in capsys.readouterr().err


def test_the_command_line_logs_what_it_ran(tmp_path: Path) -> None:
    assert main(["--project", str(tmp_path / "p.annotator"), "import", str(tmp_path)]) in (0, 1)
    close_logging()
    assert "import" in (log_dir() / "annotator.log").read_text(encoding="utf-8")
