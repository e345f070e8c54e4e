"""Conversion between Python code point offsets and UTF-16 code unit offsets.

Annotator stores and exports offsets as code points into the stored text, so that
``text[start:end]`` is the span. Qt (and some tools, e.g. Label Studio in a browser)
count UTF-16 code units, where every character above U+FFFF takes two units.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Literal

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

Snap = Literal["floor", "ceil"]


class OffsetMap:
    """Offset conversion for one text; O(number of astral characters) memory."""

    __slots__ = ("_astral_cp", "_astral_u16", "_len_cp")

    def __init__(self, text: str) -> None:
        self._len_cp = len(text)
        if text.isascii():
            cps: list[int] = []
        else:
            cps = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_cp = cps
        # UTF-16 index of the high surrogate of the k-th astral character.
        self._astral_u16 = [cp + k for k, cp in enumerate(cps)]

    @property
    def utf16_length(self) -> int:
        return self._len_cp + len(self._astral_cp)

    @property
    def is_identity(self) -> bool:
        """True when both counts agree everywhere (no character above U+FFFF)."""
        return not self._astral_cp

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code point offset `cp` (0 <= cp <= len(text))."""
        if not 0 <= cp <= self._len_cp:
            raise ValueError(f"code point offset {cp} outside 0..{self._len_cp}")
        return cp + _count_below(self._astral_cp, cp)

    def to_codepoint(self, u16: int, snap: Snap = "floor") -> int:
        """Code point offset of UTF-16 offset `u16`.

        An offset that falls between the two halves of a surrogate pair is snapped to
        the start ("floor") or the end ("ceil") of that character.
        """
        if not 0 <= u16 <= self.utf16_length:
            raise ValueError(f"UTF-16 offset {u16} outside 0..{self.utf16_length}")
        k = bisect_right(self._astral_u16, u16 - 1)  # astral chars starting before u16
        cp = u16 - k
        if k and self._astral_u16[k - 1] == u16 - 1:  # inside a pair
            return cp if snap == "floor" else cp + 1
        return cp

    def span_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        return self.to_utf16(start), self.to_utf16(end)

    def span_to_codepoint(self, start: int, end: int) -> tuple[int, int]:
        """Widen a UTF-16 span so that it never splits a character."""
        return self.to_codepoint(start, "floor"), self.to_codepoint(end, "ceil")

    def is_pair_middle(self, u16: int) -> bool:
        k = bisect_right(self._astral_u16, u16 - 1)
        return bool(k) and self._astral_u16[k - 1] == u16 - 1


def _count_below(sorted_values: list[int], limit: int) -> int:
    """How many values are < limit."""
    return bisect_right(sorted_values, limit - 1)


def utf16_length(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))


def cp_to_utf16(text: str, cp: int) -> int:
    return OffsetMap(text).to_utf16(cp)


def utf16_to_cp(text: str, u16: int, snap: Snap = "floor") -> int:
    return OffsetMap(text).to_codepoint(u16, snap)
