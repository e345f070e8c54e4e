"""Property: any document with any valid spans survives export -> import -> export."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import open_project

# Any character that may be stored: no NUL, no lone surrogates, newlines already normalised.
chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\u2028\u2029\x85")


@st.composite
def documents(draw: st.DrawFn) -> dict[str, object]:
    text = draw(st.text(chars, min_size=1, max_size=60).filter(lambda t: t.strip()))
    n = len(text)
    spans = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, n)), max_size=6))
    entities = [
        {"id": f"e{i}", "start": min(a, b - 1) if a >= b else a, "end": b, "label": "ORG"}
        for i, (a, b) in enumerate(spans)
    ]
    return {"id": "d", "text": text, "entities": entities}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_native_round_trip(record: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        with open_project(folder / "a.annotator") as first:
            report = import_paths(first, [folder / "in.jsonl"])
            assert report.imported == 1, report.problems
            export_project(first, folder / "a.jsonl")
        with open_project(folder / "b.annotator") as second:
            assert import_paths(second, [folder / "a.jsonl"]).imported == 1
            export_project(second, folder / "b.jsonl")
        exported = json.loads((folder / "a.jsonl").read_text(encoding="utf-8"))
        assert (folder / "a.jsonl").read_bytes() == (folder / "b.jsonl").read_bytes()
        assert exported["text"] == record["text"]
        got = sorted((e["start"], e["end"]) for e in exported["entities"])
        want = sorted((e["start"], e["end"]) for e in record["entities"])  # type: ignore[attr-defined]
        assert got == want
        for span in exported["entities"]:
            assert exported["text"][span["start"] : span["end"]] == span["text"]
