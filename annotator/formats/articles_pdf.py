"""PDFs: the text layer by pypdf, page by page. A scan without text is refused."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from annotator.core.model import AnnotatedDocument
from annotator.formats.articles import article, reader
from annotator.formats.problems import FormatError

log = logging.getLogger(__name__)
MAX_PAGES = 2000


def parse_pdf(path: Path, data: bytes) -> AnnotatedDocument:
    """The text of every page, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pdf = PdfReader(io.BytesIO(data))
        if pdf.is_encrypted:
            raise FormatError(path, None, "the PDF is encrypted; save an unprotected copy first")
        pages = pdf.pages
        if len(pages) > MAX_PAGES:
            raise FormatError(path, None, f"the PDF has {len(pages)} pages; the limit is 2000")
        texts = [(page.extract_text() or "").strip() for page in pages]
        info = pdf.metadata
        created = info.creation_date if info is not None else None
        meta = {
            "author": info.author if info is not None else None,
            "date": created.isoformat() if created is not None else None,
            "pages": len(texts),
            "format": "pdf",
        }
        title = info.title if info is not None else None
    except FormatError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise FormatError(path, None, f"not a readable PDF: {exc}") from None
    text = "\n\n".join(t for t in texts if t)
    if not text.strip():
        raise FormatError(
            path,
            None,
            f"the PDF has no text layer ({len(texts)} page(s), scanned images?); "
            "run OCR on it first (e.g. ocrmypdf) and import the result",
        )
    return article(path, data, text, title, meta)


read_pdf = reader("pdf", parse_pdf)
