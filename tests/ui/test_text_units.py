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


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Tariffs rose 145%, and then fell.", "145%"),
        ("It cost $1,200.50 in total.", "$1,200.50"),
        ("Ein Plus von 1.200,50 € heute.", "1.200,50"),
        ("Sales of €3.5 billion.", "€3.5"),
        ("A fall of £30 today.", "£30"),
    ],
)
def test_numbers_snap_with_currency_separators_and_percent(text: str, needle: str) -> None:
    units = TextUnits(text)
    start = text.index(needle)
    inside = start + len(needle) // 2
    assert units.snap(inside, inside + 1, "word") == (start, start + len(needle))
    assert units.next_word_end(start) == start + len(needle)


def test_word_snap_trims_surrounding_punctuation_but_keeps_abbreviations() -> None:
    text = 'He said, "Trump," and the U.S. agreed (AP).'
    units = TextUnits(text)
    quoted = text.index('"Trump,"')
    assert units.snap(quoted, quoted + len('"Trump,"'), "word") == (quoted + 1, quoted + 6)
    us = text.index("U.S.")
    assert units.snap(us, us + 4, "word") == (us, us + 4)
    ap = text.index("(AP)")
    assert units.snap(ap, ap + 4, "word") == (ap + 1, ap + 3)
    assert units.snap(us, len(text), "word") == (us, len(text) - 2)  # "U.S. agreed (AP"
    comma = text.index(",")
    start, stop = units.snap(comma, comma + 1, "word")
    assert start == stop  # punctuation only: nothing left


def test_grapheme_snap_keeps_punctuation() -> None:
    text = '"Trump,"'
    assert TextUnits(text).snap(0, len(text), "grapheme") == (0, len(text))
