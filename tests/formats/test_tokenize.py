from annotator.formats.tokenize import keep_graphemes, regex_tokens, split_at, tokenize, tokens_in


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
