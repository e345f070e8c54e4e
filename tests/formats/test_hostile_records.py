"""Hostile records and files: wrong JSON types, FIFOs and oversized input become refusals."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import AnnotatedDocument
from annotator.formats.doccano import read_doccano
from annotator.formats.label_studio import read_label_studio
from annotator.formats.limits import ImportLimits, using_limits
from annotator.formats.problems import ImportProblem

# spaCy pulls in urllib3, which probes IPv6 with a socket at import: import it at collection,
# before the network guard is active (as tests/formats/corpus.py does).
with contextlib.suppress(ImportError):
    import urllib3  # noqa: F401

TEXT = "Angela Merkel met Emmanuel Macron in Paris."
GOOD_RELATIONS = {
    "text": TEXT,
    "entities": [
        {"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 13},
        {"id": 2, "label": "CLAIM", "start_offset": 14, "end_offset": 33},
    ],
    "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "speaker"}],
}


def _split(results: Iterable[AnnotatedDocument | ImportProblem]) -> tuple[int, list[str]]:
    items = list(results)
    docs = sum(isinstance(i, AnnotatedDocument) for i in items)
    return docs, [str(i) for i in items if isinstance(i, ImportProblem)]


def _jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    record = json.loads(json.dumps(GOOD_RELATIONS))
    node = record
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return record


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (("entities", 0, "id"), {"a": 1}, 'entity 1: "id" must be a string or an integer'),
        (("entities", 1, "id"), [2], 'entity 2: "id" must be a string or an integer'),
        (("relations", 0, "from_id"), {}, 'relation 1: "from_id" must be a string or an integer'),
        (("relations", 0, "to_id"), [1], 'relation 1: "to_id" must be a string or an integer'),
    ],
)
def test_doccano_ids_and_relation_ends_of_the_wrong_type_are_refused(
    tmp_path: Path, where: tuple[Any, ...], value: Any, message: str
) -> None:
    path = _jsonl(tmp_path / "d.jsonl", [_with(where, value), GOOD_RELATIONS])
    docs, problems = _split(read_doccano(path))
    assert docs == 1
    assert problems == [f"{path}:1: {message}, not {type(value).__name__}"]


def test_doccano_label_variant_with_unhashable_ids_is_refused(tmp_path: Path) -> None:
    record = {"text": TEXT, "label": [[0, 13, "PERSON"]], "relations": [{"type": "speaker",
              "from_id": [1], "to_id": 1}]}  # fmt: skip
    path = _jsonl(tmp_path / "d.jsonl", [record])
    assert _split(read_doccano(path)) == (
        0,
        [f'{path}:1: relation 1: "from_id" must be a string or an integer, not list'],
    )


def _finishes(call: Callable[[], Any], seconds: float = 20) -> Any:
    """Run `call` in a thread; fail (instead of hanging the suite) if it does not return."""
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the importer blocked"
    return out[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("reader", [read_label_studio, read_doccano], ids=["ls", "doccano"])
def test_a_fifo_is_refused_without_blocking(
    tmp_path: Path, reader: Callable[[Path], Iterable[Any]]
) -> None:
    fifo = tmp_path / "tasks.json"
    os.mkfifo(fifo)
    docs, problems = _finishes(lambda: _split(reader(fifo)))
    assert docs == 0
    assert problems == [f"{fifo}: is a FIFO (named pipe); only regular files are imported"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    assert _finishes(lambda: _split(read_doccano(link))) == (
        0,
        [f"{link}: is a device; only regular files are imported"],
    )


def test_a_label_studio_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    tasks = [{"data": {"text": f"{TEXT} {n}"}} for n in range(200)]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), "utf-8")
    with using_limits(ImportLimits(max_record_bytes=1 << 20, max_file_bytes=4096)):
        docs, problems = _split(read_label_studio(path))
    assert docs == 0
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: file is too large to read whole")
    assert "see --max-file-mb" in problems[0]
    assert _split(read_label_studio(path))[0] == 200  # under the default limit


def test_an_overlong_jsonl_line_is_refused_and_the_next_lines_read(tmp_path: Path) -> None:
    big = {"text": TEXT + " " + "x" * 50_000, "label": []}
    path = _jsonl(tmp_path / "d.jsonl", [{"text": "first", "label": []}, big, GOOD_RELATIONS])
    with using_limits(ImportLimits(max_record_bytes=10_000)):
        docs, problems = _split(read_doccano(path))
    assert docs == 2
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:2: record is too large (the limit is 10000 bytes")
    assert sys.getsizeof(problems[0]) < 10_000


def test_hf_tokens_are_normalised_like_text_files() -> None:
    from annotator.formats.hf_tokens import parse_hf_record

    tokens = ["Angela\r\nMerkel", "said", "\u2028", "Paris\rFrance", "x\u2029y", "\ufeffok"]
    tags = ["B-PER", "O", "O", "B-LOC", "O", "O"]
    item = parse_hf_record({"tokens": tokens, "ner_tags": tags}, None, "")
    text = item.document.text
    assert text == "Angela\nMerkel said \n Paris\nFrance x\ny ok"
    spans = sorted((e.label, text[e.start : e.end]) for e in item.annotations.entities.values())
    assert spans == [("LOC", "Paris\nFrance"), ("PER", "Angela\nMerkel")]


def test_conll_text_has_no_cr_or_line_separators(tmp_path: Path) -> None:
    from annotator.formats.conll import read_conll

    path = tmp_path / "x.conll"
    path.write_bytes("Angela B-PER\rMerkel I-PER\r\nsaid\u2028so O\n\nParis B-LOC\n".encode())
    items = list(read_conll(path))
    assert all(isinstance(i, AnnotatedDocument) for i in items), items
    texts = [i.document.text for i in items if isinstance(i, AnnotatedDocument)]
    assert texts == ["Angela Merkel said", "Paris"]
    assert not any(c in t for t in texts for c in "\r\u2028\u2029\x85")


def test_conll_line_over_the_record_limit_is_refused(tmp_path: Path) -> None:
    from annotator.formats.conll import read_conll

    path = tmp_path / "x.conll"
    path.write_bytes(b"Paris B-LOC\n\n" + b"x" * 50_000 + b" O\n\nRome B-LOC\n")
    with using_limits(ImportLimits(max_record_bytes=10_000)):
        docs, problems = _split(read_conll(path))
    assert docs == 2
    assert problems == [
        f"{path}:3: record is too large (the limit is 10000 bytes, see --max-record-mb)"
    ]


@pytest.mark.parametrize(
    "user_data",
    [
        {"entities": ["e1", "e2"]},
        {"entities": [{"id": {"x": 1}}, {"id": [1]}]},
        {"claims": [{"attributes": ["a", "b"], "speaker": "0"}]},
        {"claims": [{"speaker_text": 5, "id": 1.5}]},
        {"target_annotators": 7},
        {"id": {"a": 1}, "title": ["t"], "status": {"s": 1}, "source": 3.5},
        "not a dict",
    ],
)
def test_spacy_user_data_of_the_wrong_types_is_read_leniently(
    tmp_path: Path, user_data: Any
) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin, Span

    from annotator.formats.spacy_docbin import read_docbin

    nlp = spacy.blank("en")
    docbin = DocBin(store_user_data=True)
    for n in range(2):
        doc = nlp(f"Angela Merkel met Emmanuel Macron in Paris {n}.")
        doc.spans["entities"] = [Span(doc, 0, 2, "PERSON"), Span(doc, 3, 5, "PERSON")]
        doc.spans["claims"] = [Span(doc, 2, 5, "CLAIM")]
        doc.spans["target_sentiment"] = [Span(doc, 0, 2, "positive")]
        doc.cats = {"neutral": "high"} if n == 0 else {"neutral": 1.0}
        doc.user_data["annotator"] = user_data if n == 0 else {"id": "fine"}
        docbin.add(doc)
    path = tmp_path / "x.spacy"
    docbin.to_disk(path)
    items = list(read_docbin(path))
    assert [type(i).__name__ for i in items] == ["AnnotatedDocument"] * 2, items
    first = items[0]
    assert isinstance(first, AnnotatedDocument)
    assert len(first.annotations.entities) == 2 and len(first.annotations.claims) == 1


def test_a_spacy_file_that_inflates_past_the_limit_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    from annotator.formats.spacy_docbin import read_docbin

    path = tmp_path / "bomb.spacy"
    path.write_bytes(zlib.compress(b"\0" * (20 * 2**20), 9))
    with using_limits(ImportLimits(max_record_bytes=2**20, max_file_bytes=2**20)):
        docs, problems = _split(read_docbin(path))
    assert docs == 0
    assert problems == [
        f"{path}: inflates past the limit: file is too large to read whole "
        "(the limit is 1 MB, see --max-file-mb)"
    ]


def test_a_damaged_spacy_document_keeps_the_ones_before(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    import srsly
    from spacy.tokens import DocBin

    from annotator.formats.spacy_docbin import read_docbin

    nlp = spacy.blank("en")
    docbin = DocBin(store_user_data=True)
    for n in range(3):
        docbin.add(nlp(f"Document number {n}."))
    msg = srsly.msgpack_loads(zlib.decompress(docbin.to_bytes()))
    msg["user_data"][1] = b"\xc1 not msgpack"
    path = tmp_path / "x.spacy"
    path.write_bytes(zlib.compress(srsly.msgpack_dumps(msg)))
    docs, problems = _split(read_docbin(path))
    assert docs == 1
    assert len(problems) == 1 and problems[0].startswith(f"{path}: document 2: damaged")
