"""Word and grapheme boundaries used to snap selections and resize spans."""

from __future__ import annotations

import pytest

from annotator.ui.text_units import TextUnits, segment_boundaries
from tests.conftest import TRICKY


def test_graphemes_keep_clusters_whole() -> None:
    text = "a👨‍👩‍👧🇬🇧e\u0301"
    assert segment_boundaries(text, "grapheme") == [0, 1, 6, 8, 10]
    assert segment_boundaries("a🇬🇧🇫🇷🇩", "grapheme") == [0, 1, 3, 5, 6]
    assert segment_boundaries("👧🇬🇧", "word") == [0, 1, 3]


@pytest.mark.parametrize(
    ("needle", "inner"),
    [("Acme", 2), ("👨‍👩‍👧", 1), ("🇬🇧", 1), ("café", 2), ("cafe\u0301", 4), ("مرحبا", 2)],
)
def test_snap_grows_to_whole_words(needle: str, inner: int) -> None:
    units = TextUnits(TRICKY)
    start = TRICKY.index(needle)
    assert units.snap(start + inner, start + inner, "word") == (start + inner,) * 2
    assert units.snap(start + inner - 1 if inner else start, start + inner, "word") == (
        start,
        start + len(needle),
    )


def test_snap_in_grapheme_mode_never_splits_a_cluster() -> None:
    units = TextUnits(TRICKY)
    family = TRICKY.index("👨‍👩‍👧")
    assert units.snap(family + 1, family + 3, "grapheme") == (family, family + 5)
    accent = TRICKY.index("cafe\u0301") + 3
    assert units.snap(accent + 1, accent + 2, "grapheme") == (accent, accent + 2)


def test_snap_trims_whitespace_and_crosses_paragraphs() -> None:
    text = "one two  \n\n  three four"
    units = TextUnits(text)
    assert units.snap(5, 16, "word") == (4, 18)
    start, end = units.snap(7, 13, "word")  # only whitespace: nothing left
    assert start == end


def test_cjk_ideographs_are_single_words() -> None:
    units = TextUnits(TRICKY)
    start = TRICKY.index("北京市")
    assert units.snap(start, start + 1, "word") == (start, start + 1)
    assert units.next_word_end(start) == start + 1


def test_word_steps_skip_punctuation_and_spaces() -> None:
    text = "Wang Yi, said: “yes”.\nNext line"
    units = TextUnits(text)
    assert units.next_word_end(4) == 7  # "Yi"
    assert units.next_word_end(7) == 13  # "said"
    assert units.previous_word_end(8) == 7
    assert units.previous_word_end(4) is None
    assert units.previous_word_start(5) == 0
    assert units.next_word_start(0) == 5
    assert units.next_word_end(19) == text.index("Next") + 4
