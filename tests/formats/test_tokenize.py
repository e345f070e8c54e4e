import sys
from pathlib import Path

import pytest

from annotator.formats.problems import ImportProblem
from annotator.formats.tokenize import keep_graphemes, regex_tokens, split_at, tokenize, tokens_in
from tests.formats.corpus import corpus, export_bytes


def words(text: str, tokens: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in tokens]


def test_regex_tokens_keep_graphemes_whole() -> None:
    text = "Café 👩‍👩‍👧 🇬🇧 👍🏽 北京市 don't U.S.-based"
    assert words(text, regex_tokens(text)) == [
        "Café",
        "👩‍👩‍👧",
        "🇬🇧",
        "👍🏽",
        "北京市",
        "don't",
        "U.S",
        ".",
        "-",
        "based",
    ]


def test_two_flags_in_a_row_stay_two_tokens() -> None:
    text = "🇬🇧🇫🇷"
    assert words(text, keep_graphemes(text, [(i, i + 1) for i in range(4)])) == ["🇬🇧", "🇫🇷"]


def test_tokenize_never_returns_whitespace_and_covers_words() -> None:
    text = "  Hello,\r\n\tworld\u00a0again  "
    toks = tokenize(text)
    assert all(text[s:e].strip() == text[s:e] and text[s:e] for s, e in toks)
    assert "".join(words(text, toks)) == "".join(text.split()).replace("\u00a0", "")


def test_split_at_cuts_inside_tokens_only() -> None:
    tokens = [(0, 5), (6, 11)]
    assert split_at(tokens, [0, 3, 5, 8]) == ([(0, 3), (3, 5), (6, 8), (8, 11)], 2)
    assert split_at(tokens, []) == (tokens, 0)


def test_tokens_in_finds_the_tokens_inside_a_span() -> None:
    tokens = [(0, 3), (4, 7), (8, 11)]
    assert tokens_in(tokens, 4, 11) == (1, 3)
    assert tokens_in(tokens, 3, 4) == (1, 1)


def test_without_spacy_the_regex_tokenizer_is_used_and_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from annotator.formats import tokenize as module

    module._spacy_tokenizer.cache_clear()
    monkeypatch.setitem(sys.modules, "spacy", None)
    try:
        assert module.tokenizer_name() == "regex"
        data, ctx = export_bytes("conll", corpus())
        assert ctx.extra_manifest["tokenizer"] == "regex"  # type: ignore[attr-defined]
        assert "👩‍👩‍👧 _ _ B-PERSON" in data.decode("utf-8").splitlines()
    finally:
        module._spacy_tokenizer.cache_clear()


def test_importing_a_spacy_file_without_spacy_says_how_to_enable_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from annotator.formats.importers import import_format

    monkeypatch.setitem(sys.modules, "spacy", None)
    path = tmp_path / "x.spacy"
    path.write_bytes(b"whatever")
    (problem,) = list(import_format("spacy")(path, "auto"))
    assert isinstance(problem, ImportProblem) and "annotator[spacy]" in problem.message


def test_every_writer_survives_references_an_annotator_filter_left_dangling() -> None:
    from dataclasses import replace

    from annotator.formats.filters import filter_labels
    from annotator.formats.registry import EXPORT_FORMATS

    item = corpus()[0]
    ann = item.annotations
    del ann.entities["e6"]  # the speaker of c1 and the entity of target t1, by another annotator
    dangling = replace(item, annotations=ann)
    (fixed,) = list(filter_labels([dangling], None))
    assert fixed.annotations.claims["c1"].speaker_id is None
    assert "t1" not in fixed.annotations.targets
    fixed.validate()
    for name in EXPORT_FORMATS:
        data, _ = export_bytes(name, [fixed])
        assert data
