"""Plain-text and Markdown articles: one file is one document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations
from annotator.core.text import (
    TextRejected,
    check_storable,
    content_hash,
    decode_article,
    title_from_text,
)
from annotator.formats.problems import FormatError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
MAX_ARTICLE_BYTES = 64 * 1024 * 1024


def read_article(path: Path) -> AnnotatedDocument:
    """Read one article file; raise FormatError with file and line if it cannot be used."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise FormatError(path, None, f"file is {size // 2**20} MB; the limit is 64 MB")
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = decode_article(data)
        check_storable(text)
    except TextRejected as exc:
        raise FormatError(path, exc.line, exc.message) from None
    if not text.strip():
        raise FormatError(path, None, "file is empty" + (" (whitespace only)" if text else ""))
    doc = Document(
        id="",
        title=title_from_text(text),
        text=text,
        source=str(path),
        meta={"filename": path.name},
        content_hash=content_hash(text),
    )
    return AnnotatedDocument(doc, DocumentAnnotations())


def expand_paths(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """Files named directly, and every visible file inside named folders (sorted).

    Yields (path, named_directly); callers decide what to do with each suffix.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden:
                    yield child, False
        else:
            yield path, True
