from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.atomic import atomic_output
from annotator.formats.plaintext import read_article
from annotator.formats.problems import FormatError


def test_read_article_normalises(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf# Heading\r\n\r\nBody \xf0\x9f\x98\x80\r\n")
    item = read_article(path)
    assert item.document.text == "# Heading\n\nBody 😀\n"
    assert item.document.title == "Heading"
    assert item.document.meta == {"filename": "a.md"}


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "empty", None),
        (b" \n\n", "empty", None),
        (b"ok\n\xff\xfe", "UTF-8", 2),
        (b"a\x00b", "NUL", 1),
    ],
)
def test_unusable_files_are_refused(
    tmp_path: Path, data: bytes, message: str, line: int | None
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(FormatError) as info:
        read_article(path)
    assert message in info.value.problem.message and info.value.problem.line == line
    assert str(path) in str(info.value)


def test_atomic_output_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write(b"partial")
        raise RuntimeError("cancelled")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
    with atomic_output(target) as out:
        out.write(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_an_article_over_the_record_limit_is_refused_with_the_option_to_raise_it(
    tmp_path: Path,
) -> None:
    from annotator.formats.limits import ImportLimits, using_limits
    from annotator.formats.plaintext import read_article
    from annotator.formats.problems import FormatError

    article = tmp_path / "long.txt"
    article.write_text("Word " * 100, encoding="utf-8")
    with using_limits(ImportLimits(max_record_bytes=100)), pytest.raises(FormatError) as refused:
        read_article(article)
    assert "--max-record-mb" in str(refused.value)
    with using_limits(ImportLimits(max_record_bytes=1000)):
        assert read_article(article).document.text.startswith("Word")


def test_an_article_named_as_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    from annotator.formats.plaintext import read_article
    from annotator.formats.problems import FormatError

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(FormatError, match="only regular files"):
        read_article(fifo)
