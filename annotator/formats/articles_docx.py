"""Word documents (``.docx``): paragraph text in order, with the core properties in ``meta``."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

from annotator.core.model import AnnotatedDocument
from annotator.formats.articles import article, reader
from annotator.formats.problems import FormatError

log = logging.getLogger(__name__)


def parse_docx(path: Path, data: bytes) -> AnnotatedDocument:
    """Paragraphs (and table cells) of a .docx as plain text, one paragraph a line."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FormatError(path, None, f"not a readable Word document (.docx): {exc}") from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    text = "\n\n".join(p.strip() for p in parts if p.strip())
    if not text:
        raise FormatError(path, None, "the Word document has no text")
    props = document.core_properties
    meta = {
        "author": props.author,
        "date": props.created.isoformat() if props.created else None,
        "format": "docx",
    }
    return article(path, data, text, props.title, meta)


read_docx = reader("docx", parse_docx)
