"""Words and user-perceived characters (graphemes) of the stored text, in code points.

Boundaries come from Qt's Unicode segmentation (QTextBoundaryFinder, UAX #29), computed per
paragraph on demand and cached, so snapping a selection in a 3 MB article stays cheap. A
"word" is a segment between two word boundaries that holds a letter, digit or symbol: CJK
ideographs are one word each, an emoji (ZWJ sequences and flags included) is one word, and a
number with its currency sign, separators and percent sign ("$1,200.50", "145%", "€3.5")
is one word.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from itertools import pairwise
from typing import Literal

from PySide6.QtCore import QTextBoundaryFinder

from annotator.core.offsets import OffsetMap
from annotator.ui.span_layers import newline_positions

Unit = Literal["word", "grapheme"]
_REGIONAL = re.compile("[\U0001f1e6-\U0001f1ff]+")
# A number as a reader sees it: currency sign, digits with thousands/decimal separators
# (1,200.50 / 1.200,50 / 1 200), and a percent or per-mille sign.
_NUMBER = re.compile(r"[$€£¥₹]?\d+(?:[.,\u00a0\u202f']\d+)*(?:[%‰])?")
# Punctuation a snapped selection keeps at its edges: percent signs, and the final period of
# an abbreviation such as "U.S." (a letter after another period).
_KEEP_AT_EDGE = frozenset("%‰")
_TYPES = {
    "word": QTextBoundaryFinder.BoundaryType.Word,
    "grapheme": QTextBoundaryFinder.BoundaryType.Grapheme,
}


def segment_boundaries(text: str, unit: Unit) -> list[int]:
    """Boundaries (code points, 0 and len(text) included) of `text`."""
    if not text:
        return [0]
    finder = QTextBoundaryFinder(_TYPES[unit], text)
    finder.toStart()
    offsets = OffsetMap(text)
    out = [0]
    pos = finder.toNextBoundary()
    while pos > 0:
        out.append(pos if offsets.is_identity else offsets.to_codepoint(pos, "ceil"))
        pos = finder.toNextBoundary()
    if out[-1] != len(text):
        out.append(len(text))
    out = _pair_regional_indicators(text, out)
    return _join_numbers(text, out) if unit == "word" else out


def _join_numbers(text: str, boundaries: list[int]) -> list[int]:
    """No word boundary inside a number with its currency, separators and percent sign."""
    numbers = [
        (m.start(), m.end())
        for m in _NUMBER.finditer(text)
        if m.end() - m.start() > 1 and any(c.isdigit() for c in m.group())
    ]
    if not numbers:
        return boundaries
    inside = {i for start, end in numbers for i in range(start + 1, end)}
    edges = {edge for number in numbers for edge in number}
    return sorted((set(boundaries) - inside) | edges)


def _pair_regional_indicators(text: str, boundaries: list[int]) -> list[int]:
    """Never split a flag: regional indicators pair up from the start of their run.

    (Qt splits a flag that directly follows another emoji.)
    """
    runs = [(m.start(), m.end()) for m in _REGIONAL.finditer(text)]
    if not runs:
        return boundaries
    inside: set[int] = set()
    required: set[int] = set()
    for start, end in runs:
        inside.update(range(start + 1, end, 2))
        required.update(range(start, end + 1, 2))
        required.add(end)
    return sorted((set(boundaries) - inside) | required)


def is_wordlike(segment: str) -> bool:
    """True if the segment holds a letter, digit, symbol or mark (not just space/punctuation)."""
    for ch in segment:
        if ch.isalnum():
            return True
        category = unicodedata.category(ch)
        if category[0] in "LNSM":
            return True
    return False


class TextUnits:
    """Word and grapheme navigation over one text (code point offsets)."""

    def __init__(self, text: str, newlines: list[int] | None = None, cache_size: int = 256):
        self.text = text
        self.newlines = newline_positions(text) if newlines is None else newlines
        self._cache: OrderedDict[tuple[int, Unit], list[int]] = OrderedDict()
        self._cache_size = cache_size

    # -- paragraphs --------------------------------------------------------------------
    def _block(self, cp: int) -> int:
        return bisect_left(self.newlines, cp)

    def _block_range(self, block: int) -> tuple[int, int]:
        start = 0 if block == 0 else self.newlines[block - 1] + 1
        end = self.newlines[block] if block < len(self.newlines) else len(self.text)
        return start, end

    def boundaries(self, block: int, unit: Unit) -> list[int]:
        """Absolute boundaries inside paragraph `block`, both ends included."""
        key = (block, unit)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        start, end = self._block_range(block)
        found = [start + b for b in segment_boundaries(self.text[start:end], unit)]
        self._cache[key] = found
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return found

    # -- snapping ----------------------------------------------------------------------
    def floor(self, cp: int, unit: Unit) -> int:
        """The last boundary at or before `cp`."""
        found = self.boundaries(self._block(cp), unit)
        return found[max(0, bisect_right(found, cp) - 1)]

    def ceil(self, cp: int, unit: Unit) -> int:
        """The first boundary at or after `cp`."""
        found = self.boundaries(self._block(cp), unit)
        i = bisect_left(found, cp)
        return found[i] if i < len(found) else found[-1]

    def trim(self, start: int, end: int) -> tuple[int, int]:
        """Drop leading and trailing whitespace (newlines included)."""
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    def trim_punctuation(self, start: int, end: int) -> tuple[int, int]:
        """Drop leading and trailing whitespace and punctuation ("Trump," -> "Trump"),
        keeping percent signs and the final period of an abbreviation ("U.S.")."""
        text = self.text

        def strip(ch: str) -> bool:
            return ch.isspace() or (unicodedata.category(ch)[0] == "P" and ch not in _KEEP_AT_EDGE)

        while start < end and strip(text[start]):
            start += 1
        while end > start and strip(text[end - 1]):
            if (
                text[end - 1] == "."
                and end - start >= 3
                and text[end - 3] == "."
                and text[end - 2].isalpha()
            ):
                break
            end -= 1
        return start, end

    def snap(self, start: int, end: int, unit: Unit) -> tuple[int, int]:
        """Widen [start, end) to whole units, then trim whitespace (and, for words,
        surrounding punctuation); (x, x) if nothing is left."""
        start, end = min(start, end), max(start, end)
        start = max(0, min(start, len(self.text)))
        end = max(0, min(end, len(self.text)))
        if start == end:
            return start, start
        start, end = self.trim(start, end)
        if start == end:
            return start, start
        start = self.floor(start, unit)
        end = self.ceil(end, unit)
        return self.trim_punctuation(start, end) if unit == "word" else self.trim(start, end)

    # -- word steps --------------------------------------------------------------------
    def _word_segments(self, block: int) -> list[tuple[int, int]]:
        found = self.boundaries(block, "word")
        text = self.text
        return [(a, b) for a, b in pairwise(found) if is_wordlike(text[a:b])]

    def next_word_end(self, cp: int) -> int | None:
        """End of the first word that ends after `cp` (searching following paragraphs)."""
        block = self._block(cp)
        while block <= len(self.newlines):
            for _, b in self._word_segments(block):
                if b > cp:
                    return b
            block += 1
        return None

    def previous_word_end(self, cp: int) -> int | None:
        """End of the last word that ends before `cp`."""
        block = self._block(cp)
        while block >= 0:
            for _, b in reversed(self._word_segments(block)):
                if b < cp:
                    return b
            block -= 1
        return None

    def previous_word_start(self, cp: int) -> int | None:
        """Start of the last word that starts before `cp`."""
        block = self._block(cp)
        while block >= 0:
            for a, _ in reversed(self._word_segments(block)):
                if a < cp:
                    return a
            block -= 1
        return None

    def next_word_start(self, cp: int) -> int | None:
        """Start of the first word that starts after `cp`."""
        block = self._block(cp)
        while block <= len(self.newlines):
            for a, _ in self._word_segments(block):
                if a > cp:
                    return a
            block += 1
        return None
