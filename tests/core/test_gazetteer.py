"""Gazetteer matching: whole words, case, patterns, leftmost-longest per label; the
Aho-Corasick and regular-expression paths agree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.gazetteer import Gazetteer, GazetteerEntry, GazetteerError, GazetteerMatcher

GAZ = Gazetteer(
    (
        GazetteerEntry("ORG", ("Acme", "Acme Corp", "Bank of England"), (r"\b[A-Z]{4}\b",)),
        GazetteerEntry("GPE", ("paris", "北京"), ignore_case=True),
    )
)


def _found(text: str, automaton: bool = True) -> list[tuple[str, str]]:
    return [(text[s:e], lab) for s, e, lab, _ in GazetteerMatcher(GAZ, automaton).matches(text)]


@pytest.mark.parametrize("automaton", [True, False])
def test_whole_words_longest_first_case_and_patterns(automaton: bool) -> None:
    text = "Acme Corp, Acmeville and the Bank of England met in PARIS and 北京; NATO too."
    assert _found(text, automaton) == [
        ("Acme Corp", "ORG"),
        ("Bank of England", "ORG"),
        ("PARIS", "GPE"),
        ("北京", "GPE"),
        ("NATO", "ORG"),
    ]


def test_offsets_are_code_points_after_astral_characters() -> None:
    text = "😀 Acme 😀 paris"
    [(s1, e1, _, _), (s2, e2, _, _)] = GazetteerMatcher(GAZ).matches(text)
    assert (text[s1:e1], text[s2:e2]) == ("Acme", "paris")


def test_invalid_and_empty_patterns_are_refused() -> None:
    with pytest.raises(GazetteerError, match="pattern 1"):
        GazetteerMatcher(Gazetteer((GazetteerEntry("ORG", patterns=("(",)),)))
    with pytest.raises(GazetteerError, match="matches nothing"):
        GazetteerMatcher(Gazetteer((GazetteerEntry("ORG", patterns=("x*",)),)))


def test_round_trip_and_merge() -> None:
    assert Gazetteer.from_dict(GAZ.to_dict()) == GAZ
    more = Gazetteer((GazetteerEntry("ORG", ("Acme", "Globex")),))
    merged = GAZ.merged(more)
    assert merged.entry("ORG").terms == ("Acme", "Acme Corp", "Bank of England", "Globex")  # type: ignore[union-attr]
    assert merged.size == GAZ.size + 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Acme", " ", "Corp", "x", "paris", "PARIS", ".", "é"])))
def test_both_matchers_agree(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _found(text, True) == _found(text, False)
