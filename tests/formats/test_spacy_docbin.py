"""The .spacy export loads in spaCy, every span aligns, and reads back complete."""

from __future__ import annotations

import io
import itertools
import sys
from pathlib import Path

import pytest

from annotator.formats.export_context import ExportContext
from annotator.formats.spacy_docbin import read_docbin, write_docbin
from tests.formats.corpus import corpus, facts

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402

# What a .spacy file cannot express: nothing. Overlapping entities are missing only
# from doc.ents (they are in doc.spans["entities"]), and each is reported.
CANNOT_EXPRESS: list[str] = []


def export(tmp_path: Path) -> tuple[Path, ExportContext]:
    path = tmp_path / "out.spacy"
    ctx = ExportContext()
    with path.open("wb") as out:
        assert write_docbin(corpus(), out, ctx) == 2
    return path, ctx


def test_docbin_loads_and_every_span_aligns(tmp_path: Path) -> None:
    path, ctx = export(tmp_path)
    docs = list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))
    assert len(docs) == 2
    for doc, item in zip(docs, corpus(), strict=True):
        text, ann = item.document.text, item.annotations
        assert doc.text == text
        for e in ann.entities.values():
            span = doc.char_span(e.start, e.end)
            assert span is not None, (e.label, text[e.start : e.end])
            assert span.text == text[e.start : e.end]
        for c in ann.claims.values():
            assert doc.char_span(c.start, c.end) is not None
        got = sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["entities"])
        assert got == sorted((e.start, e.end, e.label) for e in ann.entities.values())
        ents = [(s.start_char, s.end_char) for s in doc.ents]
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(ents))
        assert len(doc.spans["claims"]) == len(ann.claims)
        assert {s.label_ for s in doc.spans["claims"]} <= {"CLAIM"}
    first = docs[0]
    assert first.cats == {"negative": 0.0, "neutral": 0.0, "positive": 0.0, "mixed": 1.0}
    assert sorted(s.label_ for s in first.spans["target_sentiment"]) == ["negative", "neutral"]
    assert len(first.ents) == len(corpus()[0].annotations.entities) - 2
    assert docs[1].cats == {}
    overlaps = [n for n in ctx.notes if n.kind == "overlap"]
    assert len(overlaps) == 2 and all("doc.ents" in n.message for n in overlaps)
    assert any("'🇬🇧'" in n.message for n in overlaps)


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    path, _ctx = export(tmp_path)
    back = list(read_docbin(path))
    assert [facts(b) for b in back] == [facts(i) for i in corpus()]  # type: ignore[arg-type]
    for b, item in zip(back, corpus(), strict=True):
        assert not isinstance(b, Exception)
        assert b.document.id == item.document.id
        assert (b.document.title, b.document.status) == (item.document.title, item.document.status)
        assert set(b.annotations.entities) == set(item.annotations.entities)
        assert {e.annotator for e in b.annotations.entities.values()} == {
            e.annotator for e in item.annotations.entities.values()
        }


def test_a_bad_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "bad.spacy"
    bad.write_bytes(b"not msgpack at all")
    (problem,) = list(read_docbin(bad))
    assert str(bad) in str(problem) and "DocBin" in str(problem)


def test_without_spacy_the_format_says_how_to_enable_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from annotator.formats.export_context import FormatUnavailable
    from annotator.formats.registry import export_format

    monkeypatch.setitem(sys.modules, "spacy", None)
    fmt = export_format("spacy")
    reason = fmt.unavailable_reason()
    assert reason is not None and "pip install 'annotator[spacy]'" in reason
    with pytest.raises(FormatUnavailable, match=r"annotator\[spacy\]"):
        write_docbin(corpus(), io.BytesIO(), ExportContext())
