"""Every JSON importer refuses the same hostile values, naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.importers import IMPORT_FORMATS
from annotator.formats.problems import ImportProblem

HOSTILE = [
    ('{"text": "abc", "n": ' + "1" * 5000 + "}", "integer"),
    ('{"text": "abc", "n": NaN}', "NaN"),
    ('{"text": "abc \\ud800", "meta": {"k\\udfff": 1}}', "surrogate"),
    ('{"text": ' + "[" * 100_000 + "}", "invalid JSON"),
]


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy", "hf", "label-studio"])
@pytest.mark.parametrize(("line", "reason"), HOSTILE)
def test_hostile_json_is_refused_with_file_and_line(
    tmp_path: Path, fmt: str, line: str, reason: str
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('\n{"text": 1}\n' + line + "\n", encoding="utf-8")
    reader = IMPORT_FORMATS[fmt][1]
    results = list(reader(path, "auto"))
    problems = [r for r in results if isinstance(r, ImportProblem)]
    assert len(results) == len(problems) == 2
    assert problems[1].path == str(path) and problems[1].line == 3
    assert reason in problems[1].message or "invalid JSON" in problems[1].message


# -- the fast decoder gives exactly what json.loads gives ---------------------------------

SAME_AS_STDLIB = [
    b'{"a": 1, "a": 2}',
    b"[18446744073709551616]",  # beyond 64 bits: orjson would make it a float
    b"[-9223372036854775809]",
    b"[18446744073709551615]",
    b'{"text": "x", "meta": {"n": 123456789012345678901234567890}}',
    b"[1e400]",  # orjson refuses infinity; the standard library gives inf
    b"[1.0000000000000002, 0.1, -0.0, 1E2]",
    b'["\\ud83d\\ude00", "caf\\u00e9", "\xe5\x8c\x97"]',
    b'{"text": "a\\u2028b"}\r\n',
]


@pytest.mark.parametrize("raw", SAME_AS_STDLIB)
def test_decode_json_line_equals_json_loads(raw: bytes) -> None:
    import json

    from annotator.formats.json_lines import decode_json_line

    got, want = decode_json_line(raw), json.loads(raw.decode("utf-8"))
    assert repr(got) == repr(want)  # repr: 1 and 1.0, inf and types all compared


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"[NaN]", "NaN"),
        (b'["\\ud800"]', "surrogate"),
        (b'["\xff"]', "UTF-8"),
        (b"[01]", "invalid JSON"),
        (b'{"a": "\x00"}', "invalid JSON"),
        (b"[" * 5000 + b"]" * 5000, "invalid JSON"),
    ],
)
def test_decode_json_line_refuses_as_before(raw: bytes, error: str) -> None:
    from annotator.formats.json_lines import decode_json_line
    from annotator.formats.problems import RecordError

    with pytest.raises((RecordError, UnicodeDecodeError)) as caught:
        decode_json_line(raw)
    assert error in str(caught.value) or (
        error == "UTF-8" and isinstance(caught.value, UnicodeDecodeError)
    )


def test_decode_json_line_matches_json_loads_on_generated_values() -> None:
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from annotator.formats.json_lines import decode_json_line

    values = st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )

    @settings(max_examples=300, deadline=None)
    @given(values)
    def check(value: object) -> None:
        raw = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
        try:
            want = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return  # a lone surrogate: refused either way, tested above
        assert repr(decode_json_line(raw)) == repr(want)

    check()


def test_a_huge_integer_in_meta_survives_a_native_import(tmp_path: Path) -> None:
    from annotator.formats.native_jsonl import read_native_jsonl

    path = tmp_path / "big.jsonl"
    path.write_text('{"text": "Acme.", "meta": {"n": ' + str(2**70) + "}}\n", encoding="utf-8")
    (item,) = list(read_native_jsonl(path))
    assert not isinstance(item, ImportProblem)
    assert item.document.meta["n"] == 2**70 and type(item.document.meta["n"]) is int
