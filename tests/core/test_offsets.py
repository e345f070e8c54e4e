from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.offsets import OffsetMap, cp_to_utf16, utf16_length, utf16_to_cp
from tests.conftest import TRICKY


def u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(st.text())
def test_to_utf16_matches_encoding(text: str) -> None:
    m = OffsetMap(text)
    assert m.utf16_length == u16(text) == utf16_length(text)
    for cp in range(len(text) + 1):
        assert m.to_utf16(cp) == u16(text[:cp])


@given(st.text())
def test_round_trip_every_boundary(text: str) -> None:
    m = OffsetMap(text)
    for cp in range(len(text) + 1):
        assert m.to_codepoint(m.to_utf16(cp)) == cp
        assert m.to_codepoint(m.to_utf16(cp), "ceil") == cp


@given(
    st.text(alphabet=st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF) | st.just("a"))
)
def test_positions_inside_a_pair_snap_outward(text: str) -> None:
    m = OffsetMap(text)
    for cp, ch in enumerate(text):
        if ord(ch) > 0xFFFF:
            middle = m.to_utf16(cp) + 1
            assert m.is_pair_middle(middle)
            assert m.to_codepoint(middle, "floor") == cp
            assert m.to_codepoint(middle, "ceil") == cp + 1
            assert m.span_to_codepoint(middle, middle) == (cp, cp + 1)


@pytest.mark.parametrize(
    "needle",
    ["Acme", "👨‍👩‍👧", "🇬🇧", "北京市", "cafe\u0301", "مرحبا", "Zoë"],
)
def test_known_spans_survive_conversion(needle: str) -> None:
    start = TRICKY.index(needle)
    end = start + len(needle)
    m = OffsetMap(TRICKY)
    s16, e16 = m.span_to_utf16(start, end)
    encoded = TRICKY.encode("utf-16-le")
    assert encoded[2 * s16 : 2 * e16].decode("utf-16-le") == needle
    assert m.span_to_codepoint(s16, e16) == (start, end)
    assert utf16_to_cp(TRICKY, cp_to_utf16(TRICKY, end)) == end


def test_out_of_range_is_refused() -> None:
    m = OffsetMap("ab😀")
    with pytest.raises(ValueError):
        m.to_utf16(4)
    with pytest.raises(ValueError):
        m.to_codepoint(5)
    assert m.to_codepoint(4) == 3
    assert not m.is_identity and OffsetMap("abc").is_identity
