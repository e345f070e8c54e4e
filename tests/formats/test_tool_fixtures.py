"""Files the real doccano 1.8.4 and Label Studio 1.23.2 exported (tests/formats/fixtures),
one test per case of the interop report: offsets, recognition, every annotator, losses."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from annotator.core.model import AnnotatedDocument
from annotator.core.offsets import OffsetMap
from annotator.formats.doccano import read_doccano
from annotator.formats.importers import detect_format, import_format
from annotator.formats.native_jsonl import parse_native_record
from annotator.formats.problems import ImportProblem
from interop import corpus
from tests.formats.corpus import export_bytes

FIXTURES = Path(__file__).parent / "fixtures"

# Spans the second analyst made inside the tools (interop.corpus.MADE_IN_TOOLS).
MADE = {
    "news": [("NORP", "Traders"), ("ORG", "Reuters")],
    "cjk": [("PERSON", "小池百合子"), ("ORG", "日本銀行"), ("EVENT", "会見")],
    "rtl": [("GPE", "الرياض"), ("PERSON", "אלי כהן")],
}


def source_items() -> list[AnnotatedDocument]:
    """The project the fixtures were exported from."""
    return [parse_native_record(r) for r in corpus.records()]


def source_entities(with_claims: bool = False) -> dict[str, Counter[tuple[str, str]]]:
    out: dict[str, Counter[tuple[str, str]]] = {}
    for record in corpus.records():
        text = record["text"]
        spans = Counter((e["label"], e["text"]) for e in record.get("entities", []))
        if with_claims:
            spans.update(("CLAIM", text[c["start"] : c["end"]]) for c in record.get("claims", []))
        out[record["id"]] = spans
    return out


def read(path: Path, offsets: str = "auto") -> list[AnnotatedDocument]:
    fmt = detect_format(path)
    assert fmt is not None
    items = list(import_format(fmt)(path, offsets))  # type: ignore[arg-type]
    problems = [i for i in items if isinstance(i, ImportProblem)]
    assert not problems, problems
    return [i for i in items if isinstance(i, AnnotatedDocument)]


def spans(item: AnnotatedDocument, who: str | None = None) -> Counter[tuple[str, str]]:
    """(label, text) of entities (and claims as CLAIM), of one annotator if given."""
    text, ann = item.document.text, item.annotations
    got: Counter[tuple[str, str]] = Counter(
        (e.label, text[e.start : e.end])
        for e in ann.entities.values()
        if who is None or e.annotator == who
    )
    got.update(
        ("CLAIM", text[c.start : c.end])
        for c in ann.claims.values()
        if who is None or c.annotator == who
    )
    return got


def by_id(items: list[AnnotatedDocument]) -> dict[str, AnnotatedDocument]:
    return {i.document.id: i for i in items}


# -- doccano ---------------------------------------------------------------------------


def test_default_doccano_export_is_what_doccano_stored() -> None:
    """doccano kept our UTF-16 offsets verbatim: every label triple doccano exported is
    one our default export writes (it only dropped overlapping spans)."""
    data, _ctx = export_bytes("doccano", source_items())
    ours = {json.loads(line)["id"]: json.loads(line) for line in data.decode().splitlines()}
    for line in (FIXTURES / "doccano.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        assert "offset_unit" not in record
        written = [tuple(x) for x in ours[record["id"]]["label"]]
        assert all(tuple(x) in written for x in record["label"])


def test_doccano_export_reads_back_with_every_span_right() -> None:
    expected = source_entities()
    expected["ascii"][("ORG", "Acme")] -= 1  # nested in "Acme Corp.": doccano dropped it
    for doc_id, item in by_id(read(FIXTURES / "doccano.jsonl")).items():
        assert spans(item) == +expected[doc_id], doc_id


def test_doccano_relations_with_an_unannotated_first_record_is_recognised() -> None:
    path = FIXTURES / "doccano_relations.jsonl"
    first = json.loads(path.read_text("utf-8").splitlines()[0])
    assert first["entities"] == []
    assert detect_format(path) == "doccano"
    items = by_id(read(path))
    news = items["news"]
    (claim,) = news.annotations.claims.values()
    text = news.document.text
    assert text[claim.start : claim.end] == "tariffs will fall by 5% 👍🏽"
    assert claim.speaker_id is not None
    speaker = news.annotations.entities[claim.speaker_id]
    assert text[speaker.start : speaker.end] == "Liu He"
    # Everything doccano kept comes back right (it dropped spans that overlap).
    for doc_id, item in items.items():
        assert not spans(item) - source_entities(with_claims=True)[doc_id], doc_id


def test_per_user_doccano_export_maps_each_file_to_its_user() -> None:
    path = FIXTURES / "doccano_export.zip"
    assert detect_format(path) == "doccano"
    items = by_id(read(path))
    assert len(items) == 5  # the users' files describe the same five examples
    for doc_id, made in MADE.items():
        assert spans(items[doc_id], "analyst2") == Counter(made)
    assert spans(items["cjk"], "admin") == source_entities()["cjk"]


def _analyst2_records(name: str = "doccano_export.zip") -> list[dict[str, object]]:
    with zipfile.ZipFile(FIXTURES / name) as archive:
        lines = archive.read("analyst2.jsonl").decode("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_unspaced_cjk_after_emoji_made_in_doccano_reads_right(tmp_path: Path) -> None:
    """No span text in doccano's records: its UTF-16 convention is taken, no guessing."""
    path = tmp_path / "cjk.jsonl"
    cjk = [r for r in _analyst2_records() if r["id"] == "cjk"]
    path.write_text(json.dumps(cjk[0], ensure_ascii=False) + "\n", encoding="utf-8")
    (item,) = read(path)
    assert spans(item) == Counter(MADE["cjk"])


def test_an_echoed_offset_unit_marker_does_not_override_the_spans(tmp_path: Path) -> None:
    """Older exports wrote "offset_unit": "codepoint"; doccano echoes such keys back on
    records whose spans were then made in doccano (UTF-16). "Traders" must not come
    back shifted."""
    records = _analyst2_records()
    for record in records:
        record["offset_unit"] = "codepoint"
    path = tmp_path / "echo.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    items = by_id(read(path))
    for doc_id, made in MADE.items():
        assert spans(items[doc_id]) == Counter(made)


def test_a_record_whose_offsets_fit_neither_unit_is_refused(tmp_path: Path) -> None:
    text = corpus.CJK  # 🎉🎉 then CJK: UTF-16 offset 1 splits the first emoji
    length16 = OffsetMap(text).utf16_length
    path = tmp_path / "bad.jsonl"
    lines = [
        {"text": text, "label": [[1, 5, "GPE"]]},  # splits a UTF-16 pair; fits code points
        {"text": text, "label": [[1, length16 + 1, "GPE"]]},  # past both ends
    ]
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    out = list(read_doccano(path))
    assert isinstance(out[0], AnnotatedDocument)  # fits code points (not UTF-16): taken
    assert isinstance(out[1], ImportProblem) and out[1].line == 2
    assert "fits neither UTF-16 units nor code points" in out[1].message


def test_the_offsets_override_still_forces_a_unit(tmp_path: Path) -> None:
    path = tmp_path / "cp.jsonl"
    data, _ = export_bytes("doccano", source_items(), offsets="codepoint")
    path.write_bytes(data)
    items = by_id(read(path, offsets="codepoint"))
    assert spans(items["cjk"]) == source_entities()["cjk"]


# -- Label Studio ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "label_studio_json.json",
        "label_studio_json_min.json",
        "label_studio_csv.csv",
        "label_studio_tsv.tsv",
    ],
)
def test_every_annotation_of_a_label_studio_export_comes_in_under_its_analyst(
    name: str,
) -> None:
    path = FIXTURES / name
    assert detect_format(path) == "label-studio"
    items = by_id(read(path))
    assert sorted(items) == ["ascii", "cjk", "news", "quiet", "rtl"]
    expected = source_entities(with_claims=True)
    for doc_id, item in items.items():
        assert spans(item, "user-1") == expected[doc_id], doc_id
        assert spans(item, "user-2") == Counter(MADE.get(doc_id, [])), doc_id
        assert item.document.meta == {}, "controls must not become data fields"
    news = items["news"]
    (claim,) = news.annotations.claims.values()
    assert dict(claim.attributes) == {"type": "prediction", "stance": "neutral"}
    assert news.annotations.document_sentiment == "positive" and news.annotator == "user-1"
    (ascii_claim,) = items["ascii"].annotations.claims.values()
    assert ascii_claim.speaker_text == "a spokesman"


def test_full_json_keeps_speakers_and_target_sentiments() -> None:
    news = by_id(read(FIXTURES / "label_studio_json.json"))["news"]
    text, ann = news.document.text, news.annotations
    (claim,) = ann.claims.values()
    assert claim.speaker_id is not None
    speaker = ann.entities[claim.speaker_id]
    assert text[speaker.start : speaker.end] == "Liu He"
    (target,) = ann.targets.values()
    entity = ann.entities[target.entity_id]
    assert (text[entity.start : entity.end], target.label) == ("Reuters", "neutral")


def test_snapshot_export_names_analysts_by_email() -> None:
    items = by_id(read(FIXTURES / "label_studio_json_snapshot.json"))
    assert spans(items["cjk"], "analyst2@example.com") == Counter(MADE["cjk"])
    assert spans(items["cjk"], "admin@example.com") == source_entities()["cjk"]


def test_predictions_come_in_under_the_model_version() -> None:
    items = by_id(read(FIXTURES / "label_studio_predictions.json"))
    expected = source_entities(with_claims=True)
    for doc_id, item in items.items():
        assert spans(item, "model annotator") == expected[doc_id], doc_id
        assert item.predicted_by == {"model annotator"}  # imported as its suggestions
        assert item.document.status.value != "done" or doc_id == "news"


def test_json_min_is_recognised_as_json_not_jsonl(tmp_path: Path) -> None:
    records = json.loads((FIXTURES / "label_studio_json_min.json").read_text("utf-8"))
    lines = tmp_path / "min.jsonl"
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    assert detect_format(lines) == "label-studio"
    assert len(read(lines)) == 5
    as_json_lines = tmp_path / "doccano-lines.json"
    as_json_lines.write_bytes((FIXTURES / "doccano.jsonl").read_bytes())
    assert detect_format(as_json_lines) == "doccano"


# -- what each export loses, counted -----------------------------------------------------


def test_doccano_manifest_losses_match_what_doccano_dropped() -> None:
    for fmt, fixture in (
        ("doccano", "doccano.jsonl"),
        ("doccano-relations", "doccano_relations.jsonl"),
    ):
        data, ctx = export_bytes(fmt, source_items())
        written = sum(
            len(r.get("label", r.get("entities", [])))
            for r in map(json.loads, data.decode().splitlines())
        )
        kept = sum(
            len(r.get("label", r.get("entities", [])))
            for r in map(json.loads, (FIXTURES / fixture).read_text("utf-8").splitlines())
        )
        assert ctx.losses["overlaps_dropped_by_doccano"] == written - kept, fmt
    _data, ctx = export_bytes("doccano-relations", source_items())
    assert dict(ctx.losses) == {
        "claim_attributes": 2,
        "free_text_speakers": 1,
        "target_sentiments": 1,
        "overlaps_dropped_by_doccano": 3,
    }
    _data, ctx = export_bytes("doccano", source_items())
    assert dict(ctx.losses) == {
        "claims": 2,
        "target_sentiments": 1,
        "overlaps_dropped_by_doccano": 1,
    }


def test_token_formats_count_misaligned_spans_and_overlaps() -> None:
    items = source_items()
    _data, ctx = export_bytes("conll", items)
    assert ctx.losses["claims"] == 2 and ctx.losses["target_sentiments"] == 1
    assert ctx.losses["overlaps_dropped"] == 1  # "Acme" inside "Acme Corp."
    assert ctx.losses["spans_not_aligned_to_tokens"] >= 1  # 東京都 inside unspaced text


def test_cli_names_every_loss_with_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli import main

    source = tmp_path / "corpus.jsonl"
    source.write_text(corpus.jsonl(), encoding="utf-8")
    project = tmp_path / "p.annotator"
    assert main(["import", str(source), "--project", str(project)]) == 0
    out = tmp_path / "rel.jsonl"
    code = main(
        ["export", "--project", str(project), "--format", "doccano-relations", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 0
    for line in (
        "lost: 2 claim attributes",
        "lost: 1 free text speakers",
        "lost: 1 target sentiments",
        "lost: 3 overlaps dropped by doccano",
    ):
        assert line in err
    manifest = json.loads(out.with_name("rel.jsonl.manifest.json").read_text("utf-8"))
    assert manifest["losses"]["free_text_speakers"] == 1
    assert manifest["offsets"] == "utf16"
    with open(out, encoding="utf-8") as handle:
        assert all("offset_unit" not in json.loads(line) for line in handle)
