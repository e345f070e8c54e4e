"""Articles as analysts have them: HTML pages, Word documents and PDFs, one document each.

The parsers are an optional extra (``pip install 'annotator[articles]'``): trafilatura for
the main text of a web page, python-docx for ``.docx`` and pypdf for a PDF's text layer.
Each module is imported only when a file of its kind is read. Every document records the
original file's name and SHA-256 in ``meta`` so that the source can be traced.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations
from annotator.core.text import (
    TextRejected,
    check_storable,
    content_hash,
    normalise_with_offsets,
    title_from_text,
)
from annotator.formats.limits import read_whole
from annotator.formats.problems import FormatError, ImportProblem

ENABLE = "pip install 'annotator[articles]'"
HTML_SUFFIXES = frozenset({".html", ".htm"})
DOCX_SUFFIXES = frozenset({".docx"})
PDF_SUFFIXES = frozenset({".pdf"})
ARTICLE_SUFFIXES = HTML_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES

#: import format -> (module the parser needs, what it reads)
PARSERS: Mapping[str, tuple[str, str]] = {
    "html": ("trafilatura", "HTML pages"),
    "docx": ("docx", "Word documents (.docx)"),
    "pdf": ("pypdf", "PDF text layers"),
}


def parser_missing(fmt: str) -> str | None:
    """Why `fmt` cannot be read here (its package is missing, and how to add it), or None."""
    module, what = PARSERS[fmt]
    if importlib.util.find_spec(module) is not None:
        return None
    return f"reading {what} needs the '{module}' package: {ENABLE}"


def read_bytes(path: Path) -> bytes:
    """The file's bytes, within the size limit of a file read whole (FIFOs and devices
    refused); raise FormatError."""
    return read_whole(path)


def article(
    path: Path, data: bytes, text: str, title: str | None, meta: Mapping[str, Any]
) -> AnnotatedDocument:
    """A document of extracted `text` with the file's name, SHA-256 and `meta`."""
    text, _removed = normalise_with_offsets(text.strip())
    try:
        check_storable(text)
    except TextRejected as exc:
        raise FormatError(path, None, exc.message) from None
    if not text.strip():
        raise FormatError(path, None, "no article text found in the file")
    full = {k: v for k, v in meta.items() if v not in (None, "")}
    full.update(filename=path.name, sha256=hashlib.sha256(data).hexdigest())
    doc = Document(
        id="",
        title=(title or "").strip() or title_from_text(text),
        text=text,
        source=str(path),
        meta=full,
        content_hash=content_hash(text),
    )
    return AnnotatedDocument(doc, DocumentAnnotations())


def reader(
    fmt: str, parse: Callable[[Path, bytes], AnnotatedDocument]
) -> Callable[[Path], list[AnnotatedDocument | ImportProblem]]:
    """Read one file of `fmt`: the document, or a problem naming the file."""

    def read(path: Path) -> list[AnnotatedDocument | ImportProblem]:
        reason = parser_missing(fmt)
        if reason is not None:
            return [ImportProblem(str(path), None, reason)]
        try:
            return [parse(path, read_bytes(path))]
        except FormatError as exc:
            return [exc.problem]
        except ImportError as exc:  # installed, but broken (e.g. a missing native library)
            module = PARSERS[fmt][0]
            return [ImportProblem(str(path), None, f"the '{module}' package fails: {exc}")]

    return read
