from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.text import (
    TextRejected,
    check_storable,
    content_hash,
    decode_article,
    normalise_text,
    normalise_with_offsets,
    shift_offset,
    title_from_text,
)


def test_decode_strips_bom_and_normalises_newlines() -> None:
    raw = "\ufeffLine one\r\nLine two\rLine three\u2028four\u2029five".encode()
    assert decode_article(raw) == "Line one\nLine two\nLine three\nfour\nfive"


def test_latin1_is_refused_with_line() -> None:
    with pytest.raises(TextRejected) as info:
        decode_article("first\nsecond\nCaf\xe9 au lait\n".encode("latin-1"))
    assert info.value.line == 3
    assert "UTF-8" in info.value.message and "0xE9" in info.value.message


def test_nul_bytes_are_refused() -> None:
    with pytest.raises(TextRejected) as info:
        decode_article("hello".encode("utf-16-le"))
    assert "NUL" in info.value.message and info.value.line == 1


def test_lone_surrogates_are_refused() -> None:
    with pytest.raises(TextRejected):
        check_storable("ok\n\ud800")


def test_nbsp_and_tabs_are_kept() -> None:
    assert normalise_text("a\u00a0b\tc") == "a\u00a0b\tc"


@given(st.text())
def test_shifted_offsets_point_at_the_same_characters(text: str) -> None:
    new, removed = normalise_with_offsets(text)
    assert new == normalise_text(text)
    for i, ch in enumerate(text):
        if i in removed:
            continue
        j = shift_offset(i, removed)
        expected = "\n" if ch in "\r\u2028\u2029\x85" else ch
        assert new[j] == expected


def test_hash_and_title() -> None:
    assert content_hash("a") == content_hash("a") != content_hash("b")
    assert title_from_text("\n\n# Heading here\nbody") == "Heading here"
    assert title_from_text("x" * 200).endswith("…")
    assert title_from_text("   ") == "Untitled"


def test_the_fast_paths_normalise_exactly_as_the_regular_expression() -> None:
    """Texts with nothing to rewrite skip the rewrite; every text ends up the same."""
    import random
    import re

    from annotator.core.text import normalise_with_offsets

    pieces = ["a", "é", "\U0001f600", "\r\n", "\r", "\n", "\u2028", "\u2029", "\x85", " ", "\ufeff"]
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        bare = text[1:] if text.startswith("\ufeff") else text
        expected = re.sub("\r\n|\r|\u2028|\u2029|\x85", "\n", bare)
        assert normalise_text(text) == expected
        normalised, removed = normalise_with_offsets(text)
        assert normalised == expected
        assert len(text) - len(removed) == len(expected)


def test_check_storable_refuses_only_lone_surrogates_and_nul() -> None:
    check_storable("plain ascii")
    check_storable("caf\u00e9 \U0001f600 \u6771\u4eac")
    for bad, line in (("ok\n\ud800", 2), ("\udfff", 1), ("a\nb\n\x00", 3)):
        with pytest.raises(TextRejected) as info:
            check_storable(bad)
        assert info.value.line == line
