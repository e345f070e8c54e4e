"""Label Studio JSON, brat standoff and the claims CSV."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from annotator.core.model import AnnotatedDocument
from annotator.core.offsets import OffsetMap
from annotator.formats.brat import read_brat_pair, read_brat_zip, write_brat_folder
from annotator.formats.export_context import ExportContext
from annotator.formats.label_studio import read_label_studio
from annotator.formats.problems import ImportProblem
from tests.formats.corpus import TEXT_1, at, corpus, crlf, export_bytes, facts

# Label Studio cannot express who made each annotation (one annotation per task).
LABEL_STUDIO_CANNOT_EXPRESS = ["annotator of each annotation"]
# brat cannot express document sentiment, status, titles and metadata, annotators.
BRAT_CANNOT_EXPRESS = ["document sentiment", "status", "title", "annotators"]


@pytest.mark.parametrize("fmt", ["label-studio", "label-studio-predictions"])
@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
def test_label_studio_round_trip_keeps_everything(tmp_path: Path, fmt: str, offsets: str) -> None:
    data, ctx = export_bytes(fmt, corpus(), offsets=offsets)
    tasks = json.loads(data)
    key = "predictions" if fmt.endswith("predictions") else "annotations"
    assert len(tasks) == 2 and all(key in t and "text" in t["data"] for t in tasks)
    config = ElementTree.fromstring(ctx.extra_manifest["label_config"])  # type: ignore[attr-defined]
    assert {el.get("name") for el in config} >= {"label", "claim", "text", "sentiment"}
    path = tmp_path / "tasks.json"
    path.write_bytes(data)
    back = list(read_label_studio(path))
    for b, item in zip(back, corpus(), strict=True):
        assert isinstance(b, AnnotatedDocument), b
        assert facts(b) == facts(item)
        assert (b.document.id, b.document.title) == (item.document.id, item.document.title)
        assert set(b.annotations.entities) == set(item.annotations.entities)


def test_label_studio_regions_quote_their_text_in_the_chosen_unit() -> None:
    data, _ = export_bytes("label-studio", corpus(), offsets="utf16")
    task = json.loads(data)[0]
    omap = OffsetMap(TEXT_1)
    for r in task["annotations"][0]["result"]:
        v = r.get("value", {})
        if "start" in v and r["type"] != "textarea":
            s, e = omap.span_to_codepoint(v["start"], v["end"])
            assert TEXT_1[s:e] == v["text"]


def test_label_studio_crlf_source_and_bad_tasks(tmp_path: Path) -> None:
    raw = crlf(TEXT_1)
    s, e = at(raw, "Liu He")
    good = {
        "data": {"text": raw},
        "annotations": [
            {
                "result": [
                    {
                        "id": "r1",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": s, "end": e, "text": "Liu He", "labels": ["PERSON"]},
                    }
                ]
            }
        ],
    }
    bad = {
        "data": {"text": "abc"},
        "annotations": [
            {"result": [{"type": "labels", "value": {"start": 0, "end": 9, "labels": ["X"]}}]}
        ],
    }
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([good, bad], indent=2), encoding="utf-8")
    out = list(read_label_studio(path))
    assert isinstance(out[0], AnnotatedDocument) and out[0].document.text == TEXT_1
    (entity,) = out[0].annotations.entities.values()
    assert TEXT_1[entity.start : entity.end] == "Liu He"
    assert isinstance(out[1], ImportProblem)
    assert out[1].line == json.dumps([good, bad], indent=2).splitlines().index("  {", 2) + 1
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"data": {"text": "x"}},\n{oops}\n]', encoding="utf-8")
    out = list(read_label_studio(broken))
    assert isinstance(out[1], ImportProblem) and out[1].line == 3


def test_brat_zip_round_trip(tmp_path: Path) -> None:
    data, ctx = export_bytes("brat", corpus())
    path = tmp_path / "brat.zip"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        ann = archive.read("doc-1.ann").decode("utf-8")
    assert names == ["annotation.conf", "doc-1.ann", "doc-1.txt", "doc-2.ann", "doc-2.txt"]
    assert "\tClaim 0 46;47 51\t" in ann  # a claim across a line break: two fragments
    assert any(line.startswith("R1\tSpeaker Arg1:T") for line in ann.splitlines())
    assert "\tSentiment T" in ann and "AnnotatorNotes" in ann
    assert ctx.note_counts["sentiment_dropped"] == 1  # type: ignore[attr-defined]
    back = list(read_brat_zip(path))
    for b, item in zip(back, corpus(), strict=True):
        assert isinstance(b, AnnotatedDocument), b
        want = facts(item)
        want["document_sentiment"] = None
        assert facts(b) == want
        assert b.document.id == item.document.id


def test_brat_folder_and_crlf_text(tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    assert write_brat_folder(corpus(), folder, ExportContext()) == 2
    assert (folder / "doc-2.txt").read_text("utf-8") == corpus()[1].document.text
    raw = crlf(TEXT_1)
    (tmp_path / "w.txt").write_bytes(raw.encode("utf-8"))
    s, e = at(raw, "Liu He")
    (tmp_path / "w.ann").write_text(f"T1\tPERSON {s} {e}\tLiu He\nT2\tORG 0 x\tbad\n")
    problem = read_brat_pair(tmp_path / "w.ann")
    assert isinstance(problem, ImportProblem) and problem.line == 2
    (tmp_path / "w.ann").write_text(f"T1\tPERSON {s} {e}\tLiu He\n")
    item = read_brat_pair(tmp_path / "w.ann")
    assert isinstance(item, AnnotatedDocument) and item.document.text == TEXT_1
    (entity,) = item.annotations.entities.values()
    assert TEXT_1[entity.start : entity.end] == "Liu He"


def test_claims_csv_loads_in_pandas(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    data, ctx = export_bytes("csv", corpus())
    assert data.startswith(b"\xef\xbb\xbf")
    path = tmp_path / "claims.csv"
    path.write_bytes(data)
    frame = pandas.read_csv(path, keep_default_na=False, encoding="utf-8-sig")
    assert len(frame) == 3 == ctx.counts["rows"]  # type: ignore[attr-defined]
    row = frame[frame["claim_id"] == "c1"].iloc[0]
    assert row["claim_text"] == "Tariffs will fall by 5% 👍🏽."
    assert (row["speaker"], row["speaker_label"], row["speaker_sentiment"]) == (
        "José Núñez",
        "PERSON",
        "negative",
    )
    assert (row["type"], row["stance"], row["document_sentiment"]) == (
        "prediction",
        "critical",
        "mixed",
    )
    multiline = frame[frame["claim_id"] == "c3"].iloc[0]
    assert "\n" in multiline["claim_text"] and multiline["speaker"] == "a spokesperson"
