"""CoNLL and Hugging Face token exports: BIO tags, alignment report, real consumers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from annotator.core.model import AnnotatedDocument
from annotator.formats.conll import read_conll
from annotator.formats.hf_tokens import read_hf
from annotator.formats.problems import ImportProblem
from annotator.formats.token_spans import non_overlapping
from tests.formats.corpus import corpus, export_bytes

# What token-level BIO formats cannot express: claims, claim attributes, document and
# target sentiment, overlapping/nested entities (the shorter is left out and reported),
# the original spacing (text comes back with single spaces), ids (CoNLL), titles, status.
CANNOT_EXPRESS = [
    "claims",
    "sentiment",
    "overlapping entities",
    "original spacing",
    "titles and metadata",
]


def kept_surfaces(item: AnnotatedDocument) -> Counter[tuple[str, str]]:
    """(label, text without spaces) of the entities a BIO layer can hold."""
    kept, _ = non_overlapping(item.annotations.entities.values())
    t = item.document.text
    return Counter((e.label, "".join(t[e.start : e.end].split())) for e in kept)


def surfaces_back(item: AnnotatedDocument) -> Counter[tuple[str, str]]:
    t = item.document.text
    return Counter(
        (e.label, "".join(t[e.start : e.end].split())) for e in item.annotations.entities.values()
    )


def test_conll_round_trip_keeps_every_expressible_entity(tmp_path: Path) -> None:
    data, ctx = export_bytes("conll", corpus())
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == "-DOCSTART- -X- -X- O"
    assert all(len(line.split(" ")) == 4 for line in lines if line)
    assert "👩‍👩‍👧 _ _ B-PERSON" in lines and "🇬🇧 _ _ I-GPE" in lines  # graphemes stay whole
    assert ctx.note_counts["overlap"] == 2  # type: ignore[attr-defined]
    split = [n for n in ctx.notes if n.kind == "token_split"]  # type: ignore[attr-defined]
    assert len(split) == 1 and "'Jos'" in split[0].message
    path = tmp_path / "out.conll"
    path.write_bytes(data)
    back = list(read_conll(path))
    assert all(isinstance(b, AnnotatedDocument) for b in back) and len(back) == 2
    for b, item in zip(back, corpus(), strict=True):
        assert isinstance(b, AnnotatedDocument)
        assert surfaces_back(b) == kept_surfaces(item)
        words = [w for line in item.document.text.split("\n") for w in line.split()]
        assert "".join(b.document.text.split()) == "".join(words)


def test_conll_reader_accepts_iob1_bioes_and_sentences_without_docstart(tmp_path: Path) -> None:
    path = tmp_path / "x.iob"
    path.write_text(
        "EU I-ORG\nrejects O\nGerman I-MISC\ncall O\n\nPeter S-PER\nBlack B-PER\nWhite E-PER\n\n",
        encoding="utf-8",
    )
    back = [b for b in read_conll(path) if isinstance(b, AnnotatedDocument)]
    assert [b.document.text for b in back] == ["EU rejects German call", "Peter Black White"]
    got = [
        sorted((b.document.text[e.start : e.end], e.label) for e in b.annotations.entities.values())
        for b in back
    ]
    assert got == [[("EU", "ORG"), ("German", "MISC")], [("Black White", "PER"), ("Peter", "PER")]]


def test_conll_bad_lines_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text(
        "-DOCSTART- -X- -X- O\n\nGood _ _ B-ORG\n\n-DOCSTART- -X- -X- O\n\n"
        "Bad _ _ X-ORG\nlonely\n\n-DOCSTART- -X- -X- O\n\nFine _ _ O\n",
        encoding="utf-8",
    )
    out = list(read_conll(path))
    assert [type(x).__name__ for x in out] == [
        "AnnotatedDocument",
        "ImportProblem",
        "AnnotatedDocument",
    ]
    problem = out[1]
    assert isinstance(problem, ImportProblem) and problem.line == 7 and "X-ORG" in problem.message


@pytest.fixture
def offline_hf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "hf-cache"
    for var in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE"):
        monkeypatch.setenv(var, "1")
    monkeypatch.setenv("HF_HOME", str(cache))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(cache / "datasets"))
    return cache


def test_hf_jsonl_loads_with_datasets_and_round_trips(tmp_path: Path, offline_hf: Path) -> None:
    datasets = pytest.importorskip("datasets")
    data, ctx = export_bytes("hf", corpus())
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    names = ctx.extra_manifest["ner_tag_names"]  # type: ignore[attr-defined]
    assert names[:3] == ["O", "B-PERSON", "I-PERSON"]
    ds = datasets.load_dataset(
        "json", data_files=str(path), split="train", cache_dir=str(offline_hf)
    )
    assert ds.num_rows == 2 and set(ds.column_names) == {"id", "tokens", "ner_tags"}
    row = ds[0]
    assert len(row["tokens"]) == len(row["ner_tags"])
    assert "👩‍👩‍👧" in row["tokens"] and "北京" in row["tokens"]
    tags = [names[i] for i in row["ner_tags"]]
    assert tags[row["tokens"].index("北京")] == "B-GPE"
    (tmp_path / "train.jsonl.manifest.json").write_text(json.dumps({"ner_tag_names": names}))
    back = list(read_hf(path))
    for b, item in zip(back, corpus(), strict=True):
        assert isinstance(b, AnnotatedDocument)
        assert b.document.id == item.document.id
        assert surfaces_back(b) == kept_surfaces(item)


def test_hf_integer_tags_without_names_are_refused_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "lonely.jsonl"
    path.write_text('{"tokens": ["a"], "ner_tags": [1]}\n{"tokens": ["b"], "ner_tags": ["O"]}\n')
    out = list(read_hf(path))
    assert isinstance(out[0], ImportProblem) and out[0].line == 1 and "manifest" in out[0].message
    assert isinstance(out[1], AnnotatedDocument)


def test_conll_with_crlf_line_endings_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "win.conll"
    lines = ["\ufeff-DOCSTART- -X- -X- O", "", "北京 _ _ B-GPE", "👩‍👩‍👧 _ _ B-PER", "sagte _ _ O"]
    path.write_bytes("\r\n".join(lines).encode() + b"\r\n")
    (item,) = list(read_conll(path))
    assert isinstance(item, AnnotatedDocument)
    assert item.document.text == "北京 👩‍👩‍👧 sagte"
    got = sorted(
        (item.document.text[e.start : e.end], e.label) for e in item.annotations.entities.values()
    )
    assert got == [("北京", "GPE"), ("👩‍👩‍👧", "PER")]
