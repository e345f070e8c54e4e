"""Shared by importers: JSON lines, offset units of other tools, text normalisation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations, Status
from annotator.core.offsets import OffsetMap
from annotator.core.text import (
    TextRejected,
    check_storable,
    content_hash,
    normalise_text,
    normalise_with_offsets,
    shift_offset,
    title_from_text,
)
from annotator.formats.problems import RecordError

OffsetChoice = Literal["auto", "codepoint", "utf16"]
OFFSET_CHOICES: tuple[OffsetChoice, ...] = ("auto", "codepoint", "utf16")


def _at_word_edges(text: str, start: int, end: int) -> bool:
    if not 0 <= start < end <= len(text):
        return False
    left = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    right = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return left and right and not text[start].isspace() and not text[end - 1].isspace()


def detect_unit(
    raw_text: str,
    spans: Sequence[tuple[int, int, str | None]],
    requested: OffsetChoice = "auto",
) -> Literal["codepoint", "utf16"]:
    """Which unit a tool counted offsets in: as requested, or guessed from the spans.

    A text without characters above U+FFFF counts the same either way. Otherwise, a span
    that quotes its text decides; else offsets past the end of the text, or the unit that
    puts more span edges on word boundaries (ties go to code points).
    """
    if requested != "auto":
        return requested
    if raw_text.isascii() or not spans:
        return "codepoint"
    omap = OffsetMap(raw_text)
    if omap.is_identity:
        return "codepoint"

    def as_cp(s: int, e: int) -> tuple[int, int]:
        if not 0 <= s <= e <= omap.utf16_length:
            return -1, -1
        return omap.span_to_codepoint(s, e)

    for s, e, given in spans:
        if given is not None:
            cp_ok = 0 <= s <= e <= len(raw_text) and raw_text[s:e] == given
            cs, ce = as_cp(s, e)
            u16_ok = cs >= 0 and raw_text[cs:ce] == given
            if cp_ok != u16_ok:  # a span that quotes its text decides, unless both fit
                return "codepoint" if cp_ok else "utf16"
    if any(e > len(raw_text) for _s, e, _ in spans):
        return "utf16"
    cp_score = sum(_at_word_edges(raw_text, s, e) for s, e, _ in spans)
    u16_score = sum(_at_word_edges(raw_text, *as_cp(s, e)) for s, e, _ in spans)
    return "utf16" if u16_score > cp_score else "codepoint"


class SourceText:
    """A record's raw text, normalised for storage, mapping the source's offsets onto it."""

    def __init__(self, raw_text: Any, unit: Literal["codepoint", "utf16"] = "codepoint") -> None:
        if not isinstance(raw_text, str):
            raise RecordError('missing "text" (a string)')
        self.raw = raw_text
        self.text, self._removed = normalise_with_offsets(raw_text)
        try:
            check_storable(self.text)
        except TextRejected as exc:
            raise RecordError(exc.message) from None
        if not self.text.strip():
            raise RecordError('"text" is empty')
        self.unit = unit
        self._map = OffsetMap(raw_text) if unit == "utf16" and not raw_text.isascii() else None

    def span(self, start: Any, end: Any, what: str, given: Any = None) -> tuple[int, int]:
        """Offsets into the stored text; raise RecordError naming `what`."""
        if type(start) is not int or type(end) is not int:
            raise RecordError(f"{what}: start and end must be integers")
        if self._map is not None:
            limit = self._map.utf16_length
            if not 0 <= start < end <= limit:
                raise RecordError(f"{what}: [{start}, {end}) is outside the text (UTF-16 {limit})")
            start, end = self._map.span_to_codepoint(start, end)
        raw = self.raw
        if not 0 <= start < end <= len(raw):
            raise RecordError(f"{what}: [{start}, {end}) is outside the text (length {len(raw)})")
        if isinstance(given, str) and raw[start:end] != given:
            hint = "" if raw.isascii() else " (offsets counted in another unit? see --offsets)"
            raise RecordError(
                f"{what}: text {given!r} does not match text[{start}:{end}] "
                f"{raw[start:end]!r}{hint}"
            )
        s, e = shift_offset(start, self._removed), shift_offset(end, self._removed)
        if s >= e:
            raise RecordError(f"{what}: span covers only a removed line break")
        return s, e


def normalise_tokens(tokens: Sequence[str]) -> list[str]:
    """Tokens normalised like article text (CR, CRLF, U+2028/2029, NEL become "\\n"; a
    BOM is dropped), so that text joined from them is stored as a text file would be.

    Tokens are joined after this, so entity offsets computed from them stay consistent.
    """
    out = []
    for i, token in enumerate(tokens, start=1):
        fixed = normalise_text(token)
        if not fixed:
            raise RecordError(f"token {i} is empty once normalised ({token!r})")
        out.append(fixed)
    return out


def new_document(
    text: str,
    *,
    doc_id: Any = None,
    title: Any = None,
    source: Any = "",
    meta: Mapping[str, Any] | None = None,
    status: Any = None,
) -> Document:
    """A Document for imported text (already normalised); refuses unstorable text."""
    try:
        check_storable(text)
    except TextRejected as exc:
        raise RecordError(exc.message) from None
    if not text.strip():
        raise RecordError("the text is empty")
    try:
        parsed = Status.parse(str(status)) if status else Status.TODO
    except ValueError as exc:
        raise RecordError(str(exc)) from None
    ident = (
        str(doc_id)[:64] if isinstance(doc_id, (str, int)) and not isinstance(doc_id, bool) else ""
    )
    return Document(
        id=ident,
        title=str(title) if title else title_from_text(text),
        text=text,
        source=str(source or ""),
        meta=dict(meta or {}),
        status=parsed,
        content_hash=content_hash(text),
    )


def annotated(doc: Document, ann: DocumentAnnotations, annotator: Any = None) -> AnnotatedDocument:
    """Validate and wrap; a bad reference becomes a RecordError."""
    who = annotator if isinstance(annotator, str) and annotator else None
    item = AnnotatedDocument(doc, ann, who)
    try:
        item.validate()
    except ValueError as exc:
        raise RecordError(str(exc)) from None
    return item
