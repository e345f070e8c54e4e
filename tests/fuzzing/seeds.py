"""Valid input files of every import format, and structured ways to break them.

Shared by the hypothesis fuzz tests (`tests/formats/test_importers_fuzz.py`, in `make
test`) and the atheris harness (`tests/fuzzing/atheris_importers.py`, `make fuzz`). A
mutation is driven by a `Chooser` (hypothesis' `draw`, or atheris' data provider), so both
explore the same space: JSON values swapped for hostile ones (ids as objects or lists,
offsets as strings, floats, huge or negative numbers, texts with CR and U+2028), keys
removed, records duplicated, then the bytes truncated, flipped or spliced.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from annotator.core.model import AnnotatedDocument
from annotator.core.text import check_storable
from annotator.formats.importers import import_format
from annotator.formats.problems import ImportProblem

# spaCy pulls in urllib3, which probes IPv6 with a socket at import: import it now (at test
# collection, before the network guard is active), as tests/formats/corpus.py does.
with contextlib.suppress(ImportError):
    import urllib3  # noqa: F401

T = TypeVar("T")

TEXT = "Angela Merkel met Emmanuel Macron in Paris. 🇩🇪 Ça va.\r\nLine two\u2028three."


class Chooser(Protocol):
    """Where the fuzzer's decisions come from."""

    def integer(self, low: int, high: int) -> int: ...

    def pick(self, options: Sequence[T]) -> T: ...

    def raw(self, size: int) -> bytes: ...


HOSTILE: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    7,
    2**31,
    2**63,
    10**30,
    -(10**20),
    1.5,
    -0.0,
    1e308,
    "",
    "3",
    "PERSON",
    "CLAIM",
    "speaker",
    "a\r\nb\u2028c",
    "\x00",
    "👍" * 3,
    {},
    {"a": 1},
    {"id": {"id": 1}},
    [],
    [1, 2],
    [[0, 5, "X"]],
    [{"start": 0, "end": 3, "label": "X"}],
    [[[[[]]]]],
]

_NATIVE = {
    "id": "doc",
    "text": TEXT,
    "meta": {"title": "Talks", "source": "wire"},
    "status": "done",
    "annotator": "alice",
    "entities": [
        {"id": "e1", "start": 0, "end": 13, "label": "PERSON", "text": "Angela Merkel"},
        {"id": "e2", "start": 18, "end": 33, "label": "PERSON"},
    ],
    "claims": [{"id": "c1", "start": 0, "end": 40, "speaker": "e1", "attributes": {"a": "b"}}],
    "sentiment": {"document": "neutral", "targets": [{"entity": "e2", "label": "positive"}]},
}
_DOCCANO = {"id": 1, "text": TEXT, "label": [[0, 13, "PERSON"], [18, 33, "PERSON"]]}
_DOCCANO_RELATIONS = {
    "id": 2,
    "text": TEXT,
    "entities": [
        {"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 13},
        {"id": 2, "label": "CLAIM", "start_offset": 14, "end_offset": 33},
    ],
    "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "speaker"}],
    "status": "done",
    "sentiment": "neutral",
    "offset_unit": "codepoint",
}
_PRODIGY = {
    "text": TEXT,
    "spans": [{"start": 0, "end": 13, "label": "PERSON", "text": "Angela Merkel"}],
    "meta": {"id": "p", "title": "t", "status": "done", "sentiment": "positive"},
    "answer": "accept",
}
_HF = {
    "id": "h",
    "tokens": ["Angela", "Merkel", "met", "Macron", "in\r\nParis", "\u2028"],
    "ner_tags": ["B-PER", "I-PER", "O", "B-PER", "O", "O"],
}


def _region(rid: str, start: int, end: int, tag: str, kind: str, value: Any) -> dict[str, Any]:
    quoted = value if kind == "textarea" else TEXT[start:end]
    return {
        "id": rid,
        "from_name": tag,
        "to_name": "text",
        "type": kind,
        "value": {"start": start, "end": end, "text": quoted, kind: value},
    }


_LABEL_STUDIO = {
    "data": {"text": TEXT, "doc_id": "d", "title": "t", "status": "done"},
    "annotations": [
        {
            "result": [
                _region("e1", 0, 13, "label", "labels", ["PERSON"]),
                _region("e1", 0, 13, "target_sentiment", "choices", ["positive"]),
                _region("c1", 14, 33, "claim", "labels", ["Claim"]),
                _region("c1", 14, 33, "claim_stance", "choices", ["for"]),
                _region("c1", 14, 33, "speaker_text", "textarea", ["bob"]),
                {"type": "relation", "from_id": "c1", "to_id": "e1", "labels": ["speaker"]},
                {
                    "id": "s",
                    "from_name": "sentiment",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["neutral"]},
                },
            ]
        }
    ],
}
_CONLL = (
    "-DOCSTART- -X- O O\n\nAngela B-PER\nMerkel I-PER\nmet O\nMacron S-PER\n.\tO\n\n"
    "Paris B-LOC\nis O\n\n-DOCSTART- -X- O O\n\nRome U-LOC\n"
)
_ANN = (
    "T1\tPERSON 0 13\tAngela Merkel\nT2\tClaim 14 33\tmet Emmanuel Macron\n"
    "R1\tSpeaker Arg1:T2 Arg2:T1\nA1\tSentiment T1 positive\nA2\tstance T2 for\n"
    "#1\tAnnotatorNotes T2\tspeaker: someone\n"
    f"T3\tGPE 37 42;{TEXT.index('Ça')} {TEXT.index('Ça') + 5}\tParis Ça va\n"
)
_SPACY_USER = {
    "id": "s",
    "title": "t",
    "source": "x",
    "status": "done",
    "annotator": "a",
    "entities": [{"id": "e1", "annotator": "a"}, {"id": "e2"}],
    "claims": [{"id": "c", "speaker": 0, "speaker_text": "x", "attributes": {"a": "b"}}],
    "target_annotators": ["a"],
}


@dataclass(frozen=True)
class Seed:
    """One valid input of `fmt`: JSON records, or the bytes of named files."""

    fmt: str
    name: str  # the file the importer is given
    records: list[Any] = field(default_factory=list)
    array: bool = False  # a JSON array (.json) rather than JSON lines
    files: dict[str, bytes] = field(default_factory=dict)


SEEDS: dict[str, Seed] = {
    "jsonl": Seed("jsonl", "in.jsonl", [_NATIVE, {"text": "second"}]),
    "doccano": Seed("doccano", "in.jsonl", [_DOCCANO, _DOCCANO_RELATIONS]),
    "prodigy": Seed("prodigy", "in.jsonl", [_PRODIGY, {"text": "x", "answer": "reject"}]),
    "hf": Seed("hf", "in.jsonl", [_HF]),
    "label-studio": Seed("label-studio", "in.json", [_LABEL_STUDIO, {"data": {"t": "x"}}], True),
    "label-studio-jsonl": Seed("label-studio", "in.jsonl", [_LABEL_STUDIO]),
    "conll": Seed("conll", "in.conll", files={"in.conll": _CONLL.encode()}),
    "text": Seed("text", "in.txt", files={"in.txt": TEXT.encode()}),
    "brat": Seed("brat", "d.ann", files={"d.ann": _ANN.encode(), "d.txt": TEXT.encode()}),
    "brat-zip": Seed("brat", "in.zip", files={"a/d.ann": _ANN.encode(), "a/d.txt": TEXT.encode()}),
    "spacy": Seed("spacy", "in.spacy", [_SPACY_USER, {"id": "second"}]),
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


def mutate_json(choose: Chooser, records: list[Any]) -> list[Any]:
    """Records with a few values swapped for hostile ones, keys dropped, items repeated."""
    out = copy.deepcopy(records)
    for _ in range(choose.integer(0, 4)):
        paths = [p for p in _paths(out) if p]
        if not paths:
            break
        path = choose.pick(paths)
        parent = out
        for key in path[:-1]:
            parent = parent[key]
        op = choose.integer(0, 5)
        last = path[-1]
        if op == 0 and isinstance(parent, dict):
            del parent[last]
        elif op == 1 and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))  # same ids twice
        elif op == 2:
            parent[last] = copy.deepcopy(choose.pick([*HOSTILE, records[0]]))
        elif op == 3 and type(parent[last]) is int:
            parent[last] = choose.pick([str(parent[last]), parent[last] + 0.5, -parent[last],
                                        parent[last] + 10**12, [parent[last]]])  # fmt: skip
        else:
            parent[last] = copy.deepcopy(choose.pick(HOSTILE))
    return out


def mutate_bytes(choose: Chooser, data: bytes) -> bytes:
    """Truncated, flipped, spliced or overwritten bytes (or unchanged)."""
    out = bytearray(data)
    for _ in range(choose.integer(0, 3)):
        if not out:
            break
        op = choose.integer(0, 4)
        at = choose.integer(0, len(out) - 1)
        if op == 0:
            del out[at:]
        elif op == 1:
            out[at] ^= 1 << choose.integer(0, 7)
        elif op == 2:
            out[at:at] = choose.raw(choose.integer(1, 8))
        elif op == 3:
            out[at] = choose.pick([0, 0x0A, 0x0D, 0x22, 0x5B, 0x7B, 0x80, 0xFF])
        else:
            end = min(len(out), at + choose.integer(1, 64))
            out[at:at] = out[at:end]  # a repeated piece
    return bytes(out)


def _json_bytes(records: list[Any], array: bool) -> bytes:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    text = ("[\n" + ",\n".join(lines) + "\n]\n") if array else "".join(x + "\n" for x in lines)
    return text.encode("utf-8", "surrogatepass")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _docbin(user_data: list[Any]) -> bytes:
    import spacy
    from spacy.tokens import DocBin, Span

    nlp = _blank(spacy)
    docbin = DocBin(store_user_data=True)
    for n, data in enumerate(user_data):
        doc = nlp(f"Angela Merkel met Emmanuel Macron in Paris {n}.")
        doc.spans["entities"] = [Span(doc, 0, 2, "PERSON"), Span(doc, 3, 5, "PERSON")]
        doc.spans["claims"] = [Span(doc, 2, 5, "CLAIM")]
        doc.spans["target_sentiment"] = [Span(doc, 0, 2, "positive")]
        doc.cats = {"neutral": 1.0, "positive": 0.0}
        doc.user_data["annotator"] = data
        try:
            docbin.add(doc)
        except (OverflowError, TypeError, ValueError):  # msgpack cannot write it: skip
            doc.user_data["annotator"] = {}
            docbin.add(doc)
    return bytes(docbin.to_bytes())


_NLP: list[Any] = []


def _blank(spacy: Any) -> Any:
    if not _NLP:
        _NLP.append(spacy.blank("en"))
    return _NLP[0]


def mutated_files(choose: Chooser, seed: Seed) -> dict[str, bytes]:
    """The files of `seed`, structurally broken and then (maybe) byte-damaged."""
    if seed.fmt == "spacy":
        data = _docbin(mutate_json(choose, seed.records))
        if choose.integer(0, 2) == 1:
            import zlib

            data = zlib.compress(mutate_bytes(choose, zlib.decompress(data)))
        return {seed.name: mutate_bytes(choose, data) if choose.integer(0, 2) == 1 else data}
    if seed.records:
        body = _json_bytes(mutate_json(choose, seed.records), seed.array)
        return {seed.name: mutate_bytes(choose, body)}
    files = {name: mutate_bytes(choose, data) for name, data in seed.files.items()}
    if seed.name.endswith(".zip"):
        return {seed.name: mutate_bytes(choose, _zip(files))}
    return files


Outcome = AnnotatedDocument | ImportProblem


def run_importer(seed: Seed, folder: Path, files: dict[str, bytes]) -> list[Outcome]:
    """Write `files` into `folder` and read `seed.name` with the seed's importer.

    Raises AssertionError for anything that is neither a valid document nor a refusal
    naming the file; any other exception escapes (a crash).
    """
    for name, data in files.items():
        (folder / name).write_bytes(data)
    path = folder / seed.name
    out = list(import_format(seed.fmt)(path, "auto"))
    for item in out:
        if isinstance(item, ImportProblem):
            assert item.path.startswith(str(path.with_suffix(""))), item
            assert item.message and "\n" not in str(item), item
            assert item.line is None or item.line >= 1, item
        else:
            assert isinstance(item, AnnotatedDocument), item
            item.validate()
            check_storable(item.document.text)
            assert "\r" not in item.document.text and "\u2028" not in item.document.text
    return out


class DrawChooser:
    """A Chooser over hypothesis' `data.draw`."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self._draw, self._st = draw, st

    def integer(self, low: int, high: int) -> int:
        return int(self._draw(self._st.integers(low, high)))

    def pick(self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]

    def raw(self, size: int) -> bytes:
        return bytes(self._draw(self._st.binary(min_size=size, max_size=size)))
