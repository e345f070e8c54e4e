"""doccano (both variants) and spaCy/Prodigy JSONL: consumers, round trips, offsets, CRLF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import AnnotatedDocument
from annotator.core.offsets import OffsetMap
from annotator.formats.doccano import read_doccano
from annotator.formats.importers import detect_format
from annotator.formats.problems import ImportProblem
from annotator.formats.prodigy import read_prodigy
from tests.formats.corpus import TEXT_1, at, corpus, crlf, export_bytes, facts

# doccano (label variant) cannot express: claims, claim attributes, target sentiment.
# doccano-relations cannot express: claim attributes, target sentiment, free-text speakers.
# Prodigy JSONL cannot express: claims, claim attributes, target sentiment.
CANNOT_EXPRESS = {
    "doccano": {"claims", "targets"},
    "doccano-relations": {"attributes", "targets", "speaker_text"},
    "prodigy": {"claims", "targets"},
}


def expected(item: AnnotatedDocument, fmt: str) -> dict[str, object]:
    f = facts(item)
    lost = CANNOT_EXPRESS[fmt]
    if "claims" in lost:
        f["claims"] = []
    if "targets" in lost:
        f["targets"] = []
    if "attributes" in lost or "speaker_text" in lost:
        f["claims"] = sorted(
            (s, e, spk, "" if "speaker_text" in lost else st, [] if "attributes" in lost else a)
            for s, e, spk, st, a in f["claims"]  # type: ignore[attr-defined]
        )
    return f


def write(tmp_path: Path, fmt: str, **options: object) -> Path:
    data, _ctx = export_bytes(fmt, corpus(), **options)
    path = tmp_path / f"{fmt}.jsonl"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", ["doccano", "doccano-relations", "prodigy"])
def test_round_trip_keeps_what_the_format_expresses(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, fmt)
    assert detect_format(path) == ("prodigy" if fmt == "prodigy" else "doccano")
    reader = read_prodigy if fmt == "prodigy" else read_doccano
    back = list(reader(path))
    assert all(isinstance(b, AnnotatedDocument) for b in back), back
    for b, item in zip(back, corpus(), strict=True):
        assert isinstance(b, AnnotatedDocument)
        assert facts(b) == expected(item, fmt)
        assert (b.document.id, b.document.title) == (item.document.id, item.document.title)
        assert b.document.status == item.document.status


@pytest.mark.parametrize("fmt", ["doccano", "doccano-relations", "prodigy"])
def test_pandas_reads_the_jsonl(tmp_path: Path, fmt: str) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_json(write(tmp_path, fmt), lines=True)
    assert list(frame["text"]) == [i.document.text for i in corpus()]


def test_prodigy_tokens_and_token_indices_agree(tmp_path: Path) -> None:
    record = json.loads(write(tmp_path, "prodigy").read_text("utf-8").splitlines()[0])
    text, tokens = record["text"], record["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    assert all(text[t["start"] : t["end"]] == t["text"] for t in tokens)
    for span in record["spans"]:
        first, last = tokens[span["token_start"]], tokens[span["token_end"]]
        assert (first["start"], last["end"]) == (span["start"], span["end"])
    assert record["meta"]["sentiment"] == "mixed" and record["answer"] == "accept"


def test_doccano_relations_link_claims_to_speakers(tmp_path: Path) -> None:
    path = write(tmp_path, "doccano-relations", offsets="codepoint")
    record = json.loads(path.read_text("utf-8").splitlines()[0])
    by_id = {e["id"]: e for e in record["entities"]}
    text = record["text"]
    pairs = {
        (
            text[by_id[r["from_id"]]["start_offset"] : by_id[r["from_id"]]["end_offset"]],
            text[by_id[r["to_id"]]["start_offset"] : by_id[r["to_id"]]["end_offset"]],
        )
        for r in record["relations"]
    }
    assert pairs == {("Tariffs will fall by 5% 👍🏽.", "José Núñez"), ("constructive", "Liu He")}
    assert all(r["type"] == "speaker" for r in record["relations"])


def test_utf16_offsets_are_the_default_and_no_unit_marker_is_written(tmp_path: Path) -> None:
    path = write(tmp_path, "doccano")
    records = [json.loads(x) for x in path.read_text("utf-8").splitlines()]
    omap = OffsetMap(TEXT_1)
    s, e = at(TEXT_1, "Liu He")
    assert [omap.to_utf16(s), omap.to_utf16(e), "PERSON"] in records[0]["label"]
    assert all("offset_unit" not in r for r in records)  # doccano would echo it back
    back = [b for b in read_doccano(path) if isinstance(b, AnnotatedDocument)]
    assert [facts(b) for b in back] == [expected(i, "doccano") for i in corpus()]
    forced = list(read_doccano(path, offsets="codepoint"))
    assert isinstance(forced[0], ImportProblem) or facts(forced[0]) != facts(back[0])


def test_code_point_export_reads_back_with_the_override(tmp_path: Path) -> None:
    path = write(tmp_path, "doccano", offsets="codepoint")
    back = [b for b in read_doccano(path, offsets="codepoint") if isinstance(b, AnnotatedDocument)]
    assert [facts(b) for b in back] == [expected(i, "doccano") for i in corpus()]


def test_an_echoed_unit_marker_never_overrides_the_offsets(tmp_path: Path) -> None:
    """An older export's ``offset_unit: codepoint`` comes back from doccano on records
    whose spans were made in doccano (UTF-16): the spans win."""
    text = "🎉🎉 Traders in 北京 said"
    omap = OffsetMap(text)
    label = [[*omap.span_to_utf16(*at(text, "Traders")), "ORG"]]
    path = tmp_path / "echo.jsonl"
    record = {"text": text, "label": label, "offset_unit": "codepoint"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (item,) = list(read_doccano(path))
    assert isinstance(item, AnnotatedDocument)
    (entity,) = item.annotations.entities.values()
    assert text[entity.start : entity.end] == "Traders"
    assert "offset_unit" not in item.document.meta


def test_crlf_source_offsets_map_onto_the_normalised_text(tmp_path: Path) -> None:
    raw = crlf(TEXT_1)
    path = tmp_path / "crlf.jsonl"
    omap = OffsetMap(raw)  # doccano counts UTF-16 units of the raw text
    spans = [
        [*omap.span_to_utf16(*at(raw, "Liu He")), "PERSON"],
        [*omap.span_to_utf16(*at(raw, "Cafe\u0301 owner")), "ORG"],
    ]
    path.write_text(json.dumps({"text": raw, "label": spans}) + "\n", encoding="utf-8")
    (item,) = list(read_doccano(path))
    assert isinstance(item, AnnotatedDocument) and item.document.text == TEXT_1
    got = {(TEXT_1[e.start : e.end], e.label) for e in item.annotations.entities.values()}
    assert got == {("Liu He", "PERSON"), ("Cafe\u0301 owner", "ORG")}


def test_bad_records_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps({"text": "Fine text", "label": [[0, 4, "X"]]}),
        "{not json",
        json.dumps({"text": "Short", "label": [[0, 99, "X"]]}),
        json.dumps({"text": "Label", "label": [[0, 2]]}),
        json.dumps({"label": []}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(read_doccano(path))
    assert isinstance(out[0], AnnotatedDocument)
    problems = [p for p in out if isinstance(p, ImportProblem)]
    assert [p.line for p in problems] == [2, 3, 4, 5]
    assert all(p.path == str(path) for p in problems)
    assert "outside the text" in problems[1].message


def test_prodigy_rejects_are_skipped_and_bad_spans_reported(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    lines = [
        json.dumps({"text": "Keep me", "spans": [{"start": 0, "end": 4, "label": "X"}]}),
        json.dumps({"text": "Rejected", "spans": [], "answer": "reject"}),
        json.dumps({"text": "Bad", "spans": [{"start": 0, "end": 2, "label": "X", "text": "zz"}]}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(read_prodigy(path))
    assert len(out) == 2 and isinstance(out[0], AnnotatedDocument)
    assert isinstance(out[1], ImportProblem) and out[1].line == 3 and "'zz'" in out[1].message


def test_prodigy_crlf_source_and_crlf_line_endings(tmp_path: Path) -> None:
    raw = crlf(TEXT_1)
    s, e = at(raw, "北京")
    record = {"text": raw, "spans": [{"start": s, "end": e, "label": "GPE", "text": "北京"}]}
    path = tmp_path / "crlf.jsonl"
    path.write_bytes((json.dumps(record, ensure_ascii=False) + "\r\n").encode("utf-8"))
    (item,) = list(read_prodigy(path))
    assert isinstance(item, AnnotatedDocument) and item.document.text == TEXT_1
    (entity,) = item.annotations.entities.values()
    assert TEXT_1[entity.start : entity.end] == "北京"
