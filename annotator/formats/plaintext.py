"""Plain-text and Markdown articles: one file is one document."""

from __future__ import annotations

from pathlib import Path

from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations
from annotator.core.text import (
    TextRejected,
    check_storable,
    content_hash,
    decode_article,
    title_from_text,
)
from annotator.formats.limits import current_limits, read_whole
from annotator.formats.problems import FormatError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})


def read_article(path: Path) -> AnnotatedDocument:
    """Read one article file; raise FormatError with file and line if it cannot be used."""
    data = read_whole(path, current_limits().max_record_bytes)  # an article is one record
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
