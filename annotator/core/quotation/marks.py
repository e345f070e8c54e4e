"""Finding quoted stretches: straight and curly double quotes, « », „ “, 「」 and 『』.

A quotation that runs over several paragraphs opens again at the start of each paragraph
and closes only at its end; it is found as one quotation. A mark left open at the end of a
paragraph (with no re-opening in the next one) is not a quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# opening mark -> the marks that close it
CLOSERS: dict[str, str] = {
    '"': '"',
    "“": "”",  # English curly
    "„": "“”",  # German (and Polish/Dutch closing with ”)
    "«": "»",
    "»": "«",  # German guillemets pointing inwards: »…«
    "「": "」",
    "『": "』",
}
_MARK = re.compile('["“”„«»「」『』\n]')
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Quotation:
    """A quoted stretch: `open`/`close` are the offsets of its marks (close is the closing
    mark's offset); `start`/`end` the quoted words (trimmed of spaces and a trailing comma)."""

    open: int
    close: int
    start: int
    end: int
    paragraphs: int = 1


def _may_open(text: str, at: int, mark: str) -> bool:
    if mark != '"' and mark != "»":
        return True
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if after.isspace():
        return False
    return not _WORD_CHAR.match(before) and before not in ".,;:!?%"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] == "\u00a0"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",\u00a0"):
        end -= 1
    return start, end


def find_quotations(text: str) -> list[Quotation]:
    """Every balanced quotation of `text`, in order (quotes nested inside one are part of it)."""
    found: list[Quotation] = []
    opener = ""
    closers = ""
    open_at = -1
    paragraphs = 1
    awaiting_reopen = False  # at a paragraph end inside a quotation
    last_newline = -1
    for match in _MARK.finditer(text):
        ch = match.group()
        at = match.start()
        if ch == "\n":
            if opener and not awaiting_reopen:
                awaiting_reopen = True
            elif awaiting_reopen and text[last_newline + 1 : at].strip():
                opener, awaiting_reopen = "", False  # a paragraph without the re-opening mark
            last_newline = at
            continue
        if awaiting_reopen:
            # the next mark must re-open the quotation at the start of a paragraph
            line_start = text.rfind("\n", 0, at) + 1
            if ch == opener and not text[line_start:at].strip():
                awaiting_reopen = False
                paragraphs += 1
                continue
            opener = ""
            awaiting_reopen = False
        if opener:
            if ch in closers:
                start, end = _trim(text, open_at + 1, at)
                if start < end:
                    found.append(Quotation(open_at, at, start, end, paragraphs))
                opener = ""
            continue
        if ch in CLOSERS and _may_open(text, at, ch):
            opener, closers, open_at, paragraphs = ch, CLOSERS[ch], at, 1
    return found
