"""Finding quotations and attributing them: marks, paragraphs, cues, pronouns, known names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.quotation import Mention, detect_quotations, find_quotations


def _quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotations(text)]


def _attributed(text: str, known: tuple[Mention, ...] = ()) -> list[tuple[str, str | None]]:
    return [
        (text[a.start : a.end], a.speaker and text[a.speaker.start : a.speaker.end])
        for a in detect_quotations(text, known)
    ]


def test_every_style_of_mark_is_found() -> None:
    text = (
        'A "straight one," B “curly”, C «\u00a0guillemets\u00a0», D „deutsch“, '
        "E 「日本語」, F »innen«, G 『二重』."
    )
    assert _quoted(text) == [
        "straight one",
        "curly",
        "guillemets",
        "deutsch",
        "日本語",
        "innen",
        "二重",
    ]


def test_a_mark_left_open_at_a_paragraph_end_is_no_quotation() -> None:
    text = "He said “this never closes.\nA new paragraph with no mark.\nThen “a real one”."
    assert _quoted(text) == ["a real one"]


def test_a_multi_paragraph_quotation_is_one_quotation() -> None:
    text = "“First paragraph.\n“Second paragraph.\n\n“Third one ends here,” she said."
    quotes = find_quotations(text)
    assert len(quotes) == 1
    assert quotes[0].paragraphs == 3
    assert text[quotes[0].start : quotes[0].end] == (
        "First paragraph.\n“Second paragraph.\n\n“Third one ends here"
    )


def test_apostrophes_and_inch_marks_do_not_open_quotations() -> None:
    assert _quoted("It’s the 12\" pipe that Paul's team fixed.") == []


def test_no_quotation_no_attribution() -> None:
    assert detect_quotations("Markets were calm on Tuesday.") == []
    assert detect_quotations("") == []


def test_scare_quotes_without_a_cue_are_not_claims() -> None:
    assert _attributed('The so-called "green deal" faces opposition.') == []


def test_split_quotation_gives_both_halves_the_speaker() -> None:
    text = 'Officials met. "We are ready," Anna Berg said, "and we will sign."'
    assert _attributed(text) == [
        ("We are ready", "Anna Berg"),
        ("and we will sign.", "Anna Berg"),
    ]


def test_pronoun_resolves_to_the_nearest_preceding_person() -> None:
    text = (
        "Jane Doe, a director at Acme Bank, spoke first. Then John Roe arrived. "
        '"It was late," he said.'
    )
    assert _attributed(text) == [("It was late", "John Roe")]


def test_inverted_attribution_and_source_cues() -> None:
    text = (
        "“Costs will rise,” warned Peter Lang. "
        "According to the Federal Reserve, “growth is slowing.” "
        "Laut Eva Koch sind die Preise „zu hoch“. "
        "Selon Paul Martin, « rien n’est décidé »."
    )
    assert _attributed(text) == [
        ("Costs will rise", "Peter Lang"),
        ("growth is slowing.", "Federal Reserve"),
        ("zu hoch", "Eva Koch"),
        ("rien n’est décidé", "Paul Martin"),
    ]


def test_a_paragraph_ending_with_a_colon_introduces_the_next_quotation() -> None:
    text = 'Lena Ortiz said in a statement:\n"We will appeal the ruling."\nMarkets were calm.'
    assert _attributed(text) == [("We will appeal the ruling.", "Lena Ortiz")]


def test_a_verb_before_the_content_is_no_inverted_attribution() -> None:
    assert _attributed('Officials said the talks were "productive."') == [("productive.", None)]


def test_a_known_entity_is_the_speaker_mention() -> None:
    text = '"We disagree," the company Northwind said.'
    start = text.index("Northwind")
    known = (Mention(start, start + len("Northwind"), "ORG"),)
    [attribution] = detect_quotations(text, known)
    assert attribution.speaker == known[0]


def test_offsets_are_code_points_after_astral_characters() -> None:
    text = '😀😀 Ms. Ada Lovelace said: "Engines 🙂 compute."'
    [(claim, speaker)] = _attributed(text)
    assert claim == "Engines 🙂 compute."
    assert speaker == "Ada Lovelace"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ab AB.,:;\n\"“”„«»「」'-é说は", "said ", "he ", "Ann Lee "])))
def test_any_text_gives_spans_inside_it(pieces: list[str]) -> None:
    _spans_inside("".join(pieces))


def _spans_inside(text: str) -> None:
    for a in detect_quotations(text):
        assert 0 <= a.start < a.end <= len(text)
        assert a.quotation.open < a.start and a.end <= a.quotation.close
        if a.speaker is not None:
            assert 0 <= a.speaker.start < a.speaker.end <= len(text)
