"""Tokens for token-level formats (CoNLL, Hugging Face, Prodigy, spaCy).

spaCy's rule-based tokenizer (``spacy.blank("xx")``) is used when spaCy is installed;
otherwise a regex tokenizer: runs of word characters (``\\w+``, joined across inner
``.``, ``'``, ``’`` and ``-``), and single other non-space characters, with combining
marks, variation selectors, emoji modifiers, ZWJ sequences and flag pairs kept inside
the token they belong to (spaCy's tokens get the same repair). Tokens are
``(start, end)`` code point offsets; whitespace never belongs to a token.
`split_at` cuts tokens at span boundaries so that every span starts and ends on a
token boundary.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from functools import lru_cache

Token = tuple[int, int]

_REGEX = re.compile(r"\w+(?:[.'’\-]\w+)*|[^\w\s]")
_ZWJ = "\u200d"
_HAS_SPACE = re.compile(r"\s")
_NON_SPACE = re.compile(r"\S+")


def _extends(ch: str) -> bool:
    """True for characters that belong to the character before them."""
    code = ord(ch)
    return (
        ch == _ZWJ
        or unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
        or 0xE0100 <= code <= 0xE01EF
    )


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def keep_graphemes(text: str, tokens: list[Token]) -> list[Token]:
    """Join adjacent tokens that split a character sequence: combining marks, variation
    selectors, skin tones, ZWJ sequences, flag pairs."""
    out: list[Token] = []
    pair_open = False  # the last token is a single regional indicator awaiting its pair
    for start, end in tokens:
        if out and out[-1][1] == start:
            prev_start, prev_end = out[-1]
            first = text[start]
            if _extends(first) or text[prev_end - 1] == _ZWJ or (pair_open and _regional(first)):
                out[-1] = (prev_start, end)
                pair_open = False
                continue
        out.append((start, end))
        pair_open = end - start == 1 and _regional(text[start])
    return out


def regex_tokens(text: str) -> list[Token]:
    """Tokens by the documented regex rules (no spaCy needed)."""
    return keep_graphemes(text, [m.span() for m in _REGEX.finditer(text)])


@lru_cache(maxsize=1)
def _spacy_tokenizer() -> Callable[[str], list[Token]] | None:
    try:
        import spacy
    except ImportError:
        return None
    nlp = spacy.blank("xx")

    def tokens(text: str) -> list[Token]:
        out: list[Token] = []
        for t in nlp.tokenizer(text):
            word = t.text
            if _HAS_SPACE.search(word) is None:
                out.append((t.idx, t.idx + len(word)))
            else:  # whitespace tokens go; odd spaces inside a token split it
                out.extend((t.idx + m.start(), t.idx + m.end()) for m in _NON_SPACE.finditer(word))
        return keep_graphemes(text, out)

    return tokens


def tokenizer_name() -> str:
    """Which tokenizer `tokenize` uses here (recorded in export manifests)."""
    return "spacy.blank('xx')" if _spacy_tokenizer() is not None else "regex"


def tokenize(text: str) -> list[Token]:
    """Non-whitespace tokens of `text`, with spaCy when installed, else by regex."""
    spacy_tokens = _spacy_tokenizer()
    return spacy_tokens(text) if spacy_tokens is not None else regex_tokens(text)


def split_at(tokens: list[Token], boundaries: Iterable[int]) -> tuple[list[Token], int]:
    """Cut tokens at every boundary inside them; returns (tokens, number of cuts)."""
    cuts = sorted(set(boundaries))
    if not cuts:
        return tokens, 0
    out: list[Token] = []
    count = 0
    for start, end in tokens:
        lo, hi = bisect_right(cuts, start), bisect_left(cuts, end)
        if lo >= hi:
            out.append((start, end))
            continue
        pos = start
        for cut in cuts[lo:hi]:
            out.append((pos, cut))
            pos = cut
            count += 1
        out.append((pos, end))
    return out, count


def tokens_in(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    """Index range [first, last) of the tokens inside [start, end) (tokens sorted)."""
    first = bisect_left(tokens, (start, -1))
    last = first
    while last < len(tokens) and tokens[last][1] <= end:
        last += 1
    return first, last
