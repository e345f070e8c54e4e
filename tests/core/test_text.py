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
