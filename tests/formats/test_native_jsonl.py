from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    Document,
    DocumentAnnotations,
    EntitySpan,
    TargetSentiment,
)
from annotator.formats.native_jsonl import (
    EXPORT_SCHEMA_VERSION,
    encode_line,
    native_record,
    parse_native_record,
    read_native_jsonl,
    write_native_jsonl,
)
from annotator.formats.problems import ImportProblem
from tests.conftest import TRICKY


def sample() -> AnnotatedDocument:
    text = TRICKY
    s = text.index("🇬🇧")
    p = text.index("Zoë")
    ents = [
        EntitySpan("flag", s, s + 2, "GPE", "ann"),
        EntitySpan("zoe", p, p + 3, "PERSON", "ann"),
    ]
    claims = [Claim("c", 0, 10, "zoe", "", {"type": "opinion"}, "ann")]
    targets = [TargetSentiment("t", "flag", "positive", "ann")]
    ann = DocumentAnnotations.of(ents, claims, targets, "mixed")
    return AnnotatedDocument(Document("d1", "Title", text, "src", {"k": [1, 2]}), ann, "ann")


def test_record_keys_and_span_texts() -> None:
    record = native_record(sample())
    assert list(record) == [
        "id",
        "text",
        "meta",
        "status",
        "annotator",
        "entities",
        "claims",
        "sentiment",
        "schema_version",
    ]
    assert record["schema_version"] == EXPORT_SCHEMA_VERSION
    assert record["meta"] == {"title": "Title", "source": "src", "k": [1, 2]}
    for span in record["entities"] + record["claims"]:
        assert record["text"][span["start"] : span["end"]] == span["text"]
    assert record["entities"][0]["text"] == "🇬🇧"
    assert record["claims"][0]["speaker"] == "zoe"
    assert record["claims"][0]["speaker_text"] == "Zoë"
    assert record["sentiment"] == {
        "document": "mixed",
        "targets": [{"id": "t", "entity": "flag", "label": "positive", "annotator": "ann"}],
    }


def test_parse_inverts_export() -> None:
    item = sample()
    again = parse_native_record(json.loads(encode_line(native_record(item))))
    assert native_record(again) == native_record(item)


def test_lines_never_contain_raw_line_separators() -> None:
    item = sample()
    doc = Document("d", "t\u2028x", "body", meta={"note": "a\u2028b\x85c"})
    line = encode_line(native_record(AnnotatedDocument(doc, item.annotations.__class__())))
    assert line.count(b"\n") == 1 and "\u2028".encode() not in line
    assert json.loads(line)["meta"]["note"] == "a\u2028b\x85c"


def test_crlf_source_offsets_are_shifted() -> None:
    text = "Line one\r\nAcme Corp said\r\nhi"
    start = text.index("Acme")
    rec = {
        "text": text,
        "entities": [{"start": start, "end": start + 9, "label": "ORG", "text": "Acme Corp"}],
    }
    item = parse_native_record(rec)
    (span,) = item.annotations.entities.values()
    assert item.document.text[span.start : span.end] == "Acme Corp"
    assert "\r" not in item.document.text


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    good = json.dumps({"text": "Hello Acme", "entities": [{"start": 6, "end": 10, "label": "ORG"}]})
    path = write_lines(
        tmp_path / "in.jsonl",
        [
            good,
            "{not json",
            "[1, 2]",
            json.dumps({"text": "x", "entities": [{"start": 0, "end": 5, "label": "ORG"}]}),
            "",
            json.dumps(
                {
                    "text": "😀 Acme",
                    "entities": [{"start": 3, "end": 7, "label": "ORG", "text": "Acme"}],
                }
            ),
            json.dumps({"text": "t", "claims": [{"start": 0, "end": 1, "speaker": "nobody"}]}),
            json.dumps({"text": "t", "status": "finished"}),
            json.dumps({"text": ""}),
            json.dumps({"title": "no text"}),
        ],
    )
    results = list(read_native_jsonl(path))
    problems = [r for r in results if isinstance(r, ImportProblem)]
    docs = [r for r in results if not isinstance(r, ImportProblem)]
    assert len(docs) == 1
    assert [p.line for p in problems] == [2, 3, 4, 6, 7, 8, 9, 10]
    assert all(p.path == str(path) for p in problems)
    by_line = {p.line: p.message for p in problems}
    assert "invalid JSON" in by_line[2]
    assert "UTF-16" in by_line[6]
    assert "speaker" in by_line[7] and "status" in by_line[8]
    assert str(problems[0]).startswith(f"{path}:2: ")


def test_invalid_utf8_line_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    results = list(read_native_jsonl(path))
    assert isinstance(results[1], ImportProblem) and results[1].line == 2
    (missing,) = read_native_jsonl(tmp_path / "nope.jsonl")
    assert isinstance(missing, ImportProblem) and "cannot read" in missing.message


def test_writer_streams_and_counts() -> None:
    out = io.BytesIO()
    seen: list[int] = []
    assert write_native_jsonl([sample(), sample()], out, seen.append) == 2
    assert seen == [1, 2] and out.getvalue().count(b"\n") == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"text": "abc", "entities": {"start": 0}},
        {"text": "abc", "entities": [{"start": "0", "end": 1, "label": "X"}]},
        {"text": "abc", "entities": [{"start": 0, "end": 1, "label": ""}]},
        {"text": "abc", "meta": []},
        {"text": "abc", "sentiment": {"document": 3}},
        {"text": "abc", "claims": [{"start": 0, "end": 1, "attributes": {"a": 1}}]},
        {"text": "a\x00b"},
    ],
)
def test_structurally_wrong_records_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        parse_native_record(bad)
