"""Property: random entities on hard text survive every format that keeps exact offsets."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations, EntitySpan
from annotator.core.text import content_hash
from annotator.formats.importers import import_format
from tests.formats.corpus import export_bytes

PIECES = [
    "a", "Z", "é", "e\u0301", "北", "京", "👍", "👍🏽", "👩‍👩‍👧", "🇬🇧", "שלום", " ", "\n", ",", "—",
    "\u00a0", "’", "5",
]  # fmt: skip

# Formats that keep exact code point offsets, and their importer (after auto-detection).
EXACT = {
    "jsonl": "jsonl",
    "prodigy": "prodigy",
    "doccano": "doccano",
    "doccano-relations": "doccano",
    "label-studio": "label-studio",
    "brat": "brat",
    "spacy": "spacy",
}
SUFFIX = {"label-studio": ".json", "brat": ".zip", "spacy": ".spacy"}


@st.composite
def documents(draw: st.DrawFn) -> AnnotatedDocument:
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=3, max_size=40)))
    if not text.strip():
        text = "x" + text
    starts = [i for i, ch in enumerate(text) if not ch.isspace()]
    entities = []
    for k in range(draw(st.integers(0, 5))):
        start = draw(st.sampled_from(starts))
        ends = [i + 1 for i in starts if i >= start]
        end = draw(st.sampled_from(ends))
        label = draw(st.sampled_from(["PERSON", "ORG", "GPE"]))
        entities.append(EntitySpan(f"e{k}", start, end, label, "ann"))
    doc = Document("doc", "t", text, content_hash=content_hash(text))
    return AnnotatedDocument(doc, DocumentAnnotations.of(entities))


def spans(item: AnnotatedDocument) -> list[tuple[str, str]]:
    t = item.document.text
    return sorted((t[e.start : e.end], e.label) for e in item.annotations.entities.values())


@pytest.mark.parametrize("fmt", sorted(EXACT))
@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item=documents())
def test_entities_survive_exactly(fmt: str, offsets: str, item: AnnotatedDocument) -> None:
    if offsets == "utf16" and fmt not in ("doccano", "doccano-relations", "label-studio"):
        return
    if fmt == "spacy":
        pytest.importorskip("spacy")
    data, _ = export_bytes(fmt, [item], offsets=offsets)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x{SUFFIX.get(fmt, '.jsonl')}"
        path.write_bytes(data)
        # doccano has no span text: code points (not its convention) need the override.
        read_as = "codepoint" if fmt.startswith("doccano") and offsets == "codepoint" else "auto"
        (back,) = list(import_format(EXACT[fmt])(path, read_as))
    assert isinstance(back, AnnotatedDocument), back
    assert back.document.text == item.document.text
    assert spans(back) == spans(item)
