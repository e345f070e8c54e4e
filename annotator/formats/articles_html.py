"""HTML pages: the main text by trafilatura; title, author, date and URL into ``meta``.

Scripts, styles, navigation, comments and other boilerplate are left out by the
extractor; the text is stored as plain text (never rendered as HTML).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotatedDocument
from annotator.formats.articles import article, reader
from annotator.formats.problems import FormatError

log = logging.getLogger(__name__)


def parse_html(path: Path, data: bytes) -> AnnotatedDocument:
    """The article of one HTML page; raise FormatError if the page has none."""
    import trafilatura

    try:
        found: Any = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except Exception as exc:  # the extractor's own parse errors take many forms
        log.info("trafilatura failed on %s: %r", path, exc)
        raise FormatError(path, None, f"cannot parse the HTML: {exc}") from None
    if found is None:
        raise FormatError(path, None, "no article text found in the HTML page")
    fields = found if isinstance(found, dict) else found.as_dict()
    text = fields.get("text") or ""
    if not text.strip():
        raise FormatError(path, None, "no article text found in the HTML page")
    meta = {
        "author": fields.get("author"),
        "date": fields.get("date"),
        "url": fields.get("url"),
        "sitename": fields.get("sitename"),
        "format": "html",
    }
    return article(path, data, text, fields.get("title"), meta)


read_html = reader("html", parse_html)
