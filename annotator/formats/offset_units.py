"""Which unit another tool's offsets count, decided from evidence, never from a marker.

Each tool has a convention (doccano's frontend counts UTF-16 units like JavaScript; Label
Studio 1.23 counts code points). A span that quotes its text overrides the convention
for its record; offsets that only fit the other unit (past the end in code points, or
splitting a surrogate pair in UTF-16) do too. A record whose offsets fit neither unit is
refused with the reason. No field a tool may echo back (such as an ``offset_unit`` key
written by an older export) is consulted: it would outlive edits made in that tool.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from annotator.core.offsets import OffsetMap
from annotator.formats.problems import RecordError
from annotator.formats.source_text import OffsetChoice

Unit = Literal["codepoint", "utf16"]
Span = tuple[object, object, str | None]  # (start, end, quoted text or None)


def _fits_codepoint(text: str, s: int, e: int, given: str | None) -> bool:
    if not 0 <= s < e <= len(text):
        return False
    return given is None or text[s:e] == given


def _fits_utf16(text: str, omap: OffsetMap, s: int, e: int, given: str | None) -> bool:
    if not 0 <= s < e <= omap.utf16_length:
        return False
    cs, ce = omap.span_to_codepoint(s, e)
    if omap.to_utf16(cs) != s or omap.to_utf16(ce) != e:
        return False  # an edge inside a surrogate pair
    return given is None or text[cs:ce] == given


def resolve_unit(
    text: str, spans: Sequence[Span], convention: Unit, requested: OffsetChoice = "auto"
) -> Unit:
    """The unit of this record's offsets; raise RecordError if they fit neither unit."""
    if requested != "auto":
        return requested
    usable = [(s, e, g) for s, e, g in spans if type(s) is int and type(e) is int]
    if not usable or text.isascii():
        return convention
    omap = OffsetMap(text)
    if omap.is_identity:
        return convention
    cp = [_fits_codepoint(text, s, e, g) for s, e, g in usable]
    u16 = [_fits_utf16(text, omap, s, e, g) for s, e, g in usable]
    fits = {"codepoint": all(cp), "utf16": all(u16)}
    if fits[convention]:
        return convention
    other: Unit = "codepoint" if convention == "utf16" else "utf16"
    if fits[other]:
        return other
    bad = next(i for i, (a, b) in enumerate(zip(cp, u16, strict=True)) if not (a or b))
    s, e, g = usable[bad]
    quoted = f" quoting {g!r}" if g is not None else ""
    raise RecordError(
        f"span [{s}, {e}){quoted} fits neither UTF-16 units nor code points of the text "
        "(choose --offsets to force one)"
    )
